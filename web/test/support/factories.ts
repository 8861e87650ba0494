import type { LocalIndicator, LocalReport, LocalTask, OutboxEntry, ServerTask } from '../../src/offline/types';

let n = 0;
const uuid = () => crypto.randomUUID();

export function buildIndicator(overrides: Partial<LocalIndicator> = {}): LocalIndicator {
  n++;
  return {
    id: uuid(),
    name: `Chỉ tiêu ${n}`,
    unitOfMeasure: 'hộ',
    baseline: 10,
    target: 100,
    direction: 'HIGHER_IS_BETTER',
    dueOn: null,
    currentValue: 40,
    version: 1,
    ...overrides,
  };
}

export function buildServerTask(overrides: Partial<ServerTask> = {}): ServerTask {
  n++;
  return {
    id: uuid(),
    parentId: null,
    title: `Nhiệm vụ số ${n}`,
    description: 'Mô tả nhiệm vụ',
    responsiblePerson: 'Nguyễn Văn A',
    expectedResult: 'Báo cáo tổng kết',
    startOn: '2026-01-01',
    dueOn: '2026-12-31',
    priority: 'NORMAL',
    state: 'OPEN',
    progress: 40,
    version: 1,
    updatedAt: '2026-11-01T00:00:00.000Z',
    lastReportAt: null,
    completedAt: null,
    originalDueOn: null,
    onTimeDueOn: null,
    resolution: {
      id: '5a7e0000-0000-4000-8000-000000000057',
      code: '57-NQ/TW',
      titleVi: 'Về đột phá phát triển khoa học, công nghệ',
      titleEn: 'On breakthroughs in science and technology',
    },
    ancestorTitles: ['Chương trình hành động Nghị quyết 57'],
    indicators: [],
    ...overrides,
  };
}

export function buildTask(overrides: Partial<ServerTask> = {}): LocalTask {
  const server = buildServerTask(overrides);
  return { ...server, server, serverVersion: server.version, pendingFields: [] } as LocalTask;
}

export function buildReport(taskId: string, overrides: Partial<LocalReport> = {}): LocalReport {
  return {
    id: uuid(),
    taskId,
    percent: 50,
    values: [],
    narrative: 'Đã triển khai',
    hasObstacles: false,
    obstacles: null,
    writtenAt: '2026-11-20T08:00:00.000Z',
    receivedAt: '2026-11-20T08:01:00.000Z',
    answersReportId: null,
    flaggedReassigned: false,
    state: 'SUBMITTED',
    reviewedAt: null,
    reviewComment: null,
    reviewerName: null,
    attachments: [],
    syncState: 'SYNCED',
    ...overrides,
  };
}

export function buildReportEntry(taskId: string, percent = 60): OutboxEntry {
  const id = uuid();
  return {
    id,
    kind: 'CREATE_REPORT',
    createdAt: '2026-11-29T08:00:00.000Z',
    refs: [id, taskId],
    attempts: 0,
    lastError: null,
    createReport: {
      reportId: id,
      taskId,
      percent,
      values: [],
      narrative: 'Đã làm',
      hasObstacles: false,
      obstacles: null,
      writtenAt: '2026-11-29T08:00:00.000Z',
      answersReportId: null,
      attachments: [],
    },
  };
}
