import { TaskStatus } from '../tasks/task.enums.js';
import type { Lang } from './export-table.js';

const labels = {
  vi: {
    tasksSheet: 'Nhiệm vụ',
    tasksTitle: 'Danh sách nhiệm vụ',
    dashboardSheet: 'Tổng hợp',
    dashboardTitle: 'Tổng hợp tình hình thực hiện',
    title: 'Nhiệm vụ',
    resolution: 'Nghị quyết',
    leadUnit: 'Đơn vị chủ trì',
    responsiblePerson: 'Người phụ trách',
    expectedResult: 'Kết quả đầu ra',
    startOn: 'Ngày bắt đầu',
    dueOn: 'Hạn hoàn thành',
    status: 'Trạng thái',
    progress: 'Tiến độ (%)',
    priority: 'Mức ưu tiên',
    lastReportAt: 'Báo cáo gần nhất',
    unit: 'Đơn vị',
    total: 'Tổng số nhiệm vụ',
    completionRate: 'Tỷ lệ hoàn thành',
    onTimeRate: 'Tỷ lệ đúng hạn',
    averageProgress: 'Tiến độ bình quân (%)',
    indicators: 'Số chỉ tiêu',
    indicatorsAchieved: 'Chỉ tiêu đạt',
    averageAchievement: 'Mức đạt chỉ tiêu bình quân',
    ownTasks: '(nhiệm vụ do đơn vị trực tiếp chủ trì)',
    all: 'Tất cả',
    allResolutions: 'tất cả nghị quyết',
    sum: 'Tổng cộng',
  },
  en: {
    tasksSheet: 'Tasks',
    tasksTitle: 'Task list',
    dashboardSheet: 'Summary',
    dashboardTitle: 'Implementation summary',
    title: 'Task',
    resolution: 'Resolution',
    leadUnit: 'Lead unit',
    responsiblePerson: 'Responsible person',
    expectedResult: 'Expected result',
    startOn: 'Start',
    dueOn: 'Due',
    status: 'Status',
    progress: 'Progress (%)',
    priority: 'Priority',
    lastReportAt: 'Last report',
    unit: 'Unit',
    total: 'Tasks',
    completionRate: 'Completion rate',
    onTimeRate: 'On-time rate',
    averageProgress: 'Average progress (%)',
    indicators: 'Indicators',
    indicatorsAchieved: 'Indicators achieved',
    averageAchievement: 'Average achievement',
    ownTasks: '(tasks led by the unit itself)',
    all: 'All',
    allResolutions: 'all resolutions',
    sum: 'Total',
  },
} as const;

const statuses: Record<Lang, Record<TaskStatus, string>> = {
  vi: {
    NOT_STARTED: 'Chưa bắt đầu',
    IN_PROGRESS: 'Đang thực hiện',
    OVERDUE: 'Quá hạn',
    COMPLETED_ON_TIME: 'Hoàn thành đúng hạn',
    COMPLETED_LATE: 'Hoàn thành quá hạn',
    CANCELLED: 'Đã hủy',
  },
  en: {
    NOT_STARTED: 'Not started',
    IN_PROGRESS: 'In progress',
    OVERDUE: 'Overdue',
    COMPLETED_ON_TIME: 'Completed on time',
    COMPLETED_LATE: 'Completed late',
    CANCELLED: 'Cancelled',
  },
};

const priorities: Record<Lang, Record<string, string>> = {
  vi: { LOW: 'Thấp', NORMAL: 'Bình thường', HIGH: 'Cao', URGENT: 'Khẩn' },
  en: { LOW: 'Low', NORMAL: 'Normal', HIGH: 'High', URGENT: 'Urgent' },
};

export type LabelKey = keyof (typeof labels)['vi'];

export const label = (lang: Lang, key: LabelKey): string => labels[lang][key];
export const statusLabel = (lang: Lang, s: TaskStatus): string => statuses[lang][s];
export const priorityLabel = (lang: Lang, p: string): string => priorities[lang][p] ?? p;
