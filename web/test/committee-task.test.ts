import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import CommitteeTaskPage from '../src/pages/committee/CommitteeTaskPage.vue';
import { resetDatabaseForTests, useDatabase } from '../src/composables/useDatabase';
import { clearSession } from '../src/graphql/session';
import { readDraft, writeDraft } from '../src/offline/drafts';
import { gqlError, stubServer } from './support/graphql-stub';
import { mountWithApp, settle } from './support/mount';
import { signInAs } from './support/session';

afterEach(() => {
  vi.unstubAllGlobals();
  clearSession();
  document.body.innerHTML = '';
});

const unit = (id: string, name: string, kind = 'COMMUNE', depth = 2) => ({ __typename: 'Unit', id, name, kind, depth });
const PROVINCE = unit('p1', 'Tỉnh Lâm Đồng', 'PROVINCE', 1);
const COMMUNE = unit('c1', 'Phường Xuân Hương');

const report = (over: Record<string, unknown>) => ({
  __typename: 'ProgressReport',
  id: 'r1',
  state: 'APPROVED',
  percent: 30,
  narrative: 'Đã số hoá 300 hồ sơ',
  hasObstacles: false,
  obstacles: null,
  writtenAt: '2026-11-10T02:00:00.000Z',
  receivedAt: '2026-11-10T03:00:00.000Z',
  authorName: 'Bùi Thị Mai',
  reviewerName: 'Trần Văn Lâm',
  reviewedAt: '2026-11-11T03:00:00.000Z',
  reviewComment: null,
  answersReportId: null,
  flaggedReassigned: false,
  approvalLevels: 1,
  approvedLevels: 1,
  awaitingUnitKind: null,
  unit: { __typename: 'Unit', id: 'c1', name: 'Phường Xuân Hương' },
  ...over,
});

const historyEntry = (over: Record<string, unknown>) => ({
  __typename: 'TaskHistoryEntry',
  id: 'h1',
  kind: 'RESCHEDULED',
  at: '2026-10-01T03:00:00.000Z',
  reason: 'Chờ kinh phí',
  actorName: 'Lê Văn Tỉnh',
  indicatorId: null,
  before: { dueOn: '2026-10-20' },
  after: { dueOn: '2026-11-20' },
  ...over,
});

const historyPage = (nodes: unknown[], totalCount: number, endCursor: string | null = null) => ({
  __typename: 'TaskHistoryEntryConnection',
  totalCount,
  pageInfo: { __typename: 'PageInfo', hasNextPage: endCursor !== null, endCursor },
  nodes,
});

const task = (over: Record<string, unknown> = {}) => ({
  __typename: 'Task',
  id: 't3',
  title: 'Số hoá hồ sơ hộ tịch phường',
  description: 'Quét và nhập toàn bộ sổ hộ tịch từ 1990.',
  status: 'OVERDUE',
  progress: 40,
  priority: 'HIGH',
  weight: 1,
  startOn: '2026-01-01',
  dueOn: '2026-11-20',
  completedAt: null,
  cancelledAt: null,
  responsiblePerson: 'Nguyễn Thị Hoa',
  expectedResult: 'Kho dữ liệu hộ tịch số',
  missingClears: [],
  version: 4,
  depth: 3,
  subTaskCount: 1,
  approvalLevels: null,
  plan: { __typename: 'ActionPlan', id: 'plan-p1', approvalLevels: 1 },
  reportSchedule: null,
  effectiveApprovalLevels: {
    __typename: 'EffectiveApprovalLevels',
    levels: 1,
    source: 'PLAN',
    fromTaskId: null,
    fromTaskTitle: null,
  },
  resolution: {
    __typename: 'Resolution',
    id: 'res57',
    code: '57-NQ/TW',
    titleVi: 'Đột phá khoa học',
    titleEn: 'Science breakthrough',
  },
  assignerUnit: PROVINCE,
  leadUnit: COMMUNE,
  coordinatingUnits: [{ __typename: 'Unit', id: 'c2', name: 'Phường Lâm Viên' }],
  ancestors: [
    { __typename: 'TaskAncestor', id: 't0', title: 'Chuyển đổi số quốc gia', depth: 0, readable: false },
    { __typename: 'TaskAncestor', id: 't1', title: 'Chuyển đổi số toàn tỉnh', depth: 1, readable: true },
    { __typename: 'TaskAncestor', id: 't2', title: 'Số hoá dữ liệu dân cư', depth: 2, readable: true },
  ],
  indicators: [
    {
      __typename: 'Indicator',
      id: 'i1',
      name: 'Hồ sơ đã số hoá',
      unitOfMeasure: 'hồ sơ',
      baseline: 0,
      target: 1000,
      currentValue: 300,
      direction: 'HIGHER_IS_BETTER',
      dueOn: null,
      version: 1,
      reportSchedule: null,
    },
  ],
  warnings: [
    {
      __typename: 'Warning',
      id: 'OVERDUE:t3',
      kind: 'OVERDUE',
      severity: 3,
      messageVi: 'Quá hạn 10 ngày (hạn 20/11/2026), tiến độ 40%.',
      messageEn: 'Overdue by 10 days (due 20 Nov 2026), progress 40%.',
    },
  ],
  historyPage: historyPage([historyEntry({})], 1),
  reports: {
    __typename: 'ProgressReportConnection',
    totalCount: 3,
    pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: 'rc3' },
    nodes: [
      report({ id: 'r3', state: 'SUBMITTED', percent: 40, reviewerName: null, reviewedAt: null, answersReportId: 'r2' }),
      report({ id: 'r2', state: 'RETURNED', percent: 60, reviewComment: 'Số liệu chưa khớp sổ gốc, đề nghị đối chiếu lại.' }),
      report({}),
    ],
  },
  ...over,
});

const answer = (over: Record<string, unknown> = {}) => ({
  data: {
    task: task(over),
    tasks: {
      __typename: 'TaskConnection',
      totalCount: 1,
      pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: 'tc1' },
      nodes: [
        {
          __typename: 'Task',
          id: 't4',
          title: 'Số hoá sổ khai sinh',
          status: 'IN_PROGRESS',
          progress: 50,
          dueOn: '2026-12-15',
          leadUnit: { __typename: 'Unit', id: 'k1', name: 'Chi bộ Tổ dân phố 1' },
        },
      ],
    },
    myUnit: PROVINCE,
  },
});

async function mountTask(answers: Parameters<typeof stubServer>[0], id = 't3', locale: 'vi' | 'en' = 'vi') {
  const server = stubServer(answers);
  const { wrapper, router } = await mountWithApp(CommitteeTaskPage, {
    locale,
    path: `/committee/tasks/${id}`,
    attachTo: document.body,
    props: { pickerDelay: 0 },
  });
  await settle();
  return { server, wrapper, router };
}

describe('CommitteeTaskPage', () => {
  it('shows the task, its overdue reason, indicators, sub-tasks and who reviewed each report', async () => {
    signInAs(['LEADER']);
    const { server, wrapper } = await mountTask({ CommitteeTask: answer() });
    expect(server.of('CommitteeTask')[0]!.variables).toEqual({ id: 't3', reportsFirst: 10, historyFirst: 10, subTasksFirst: 20 });
    expect(wrapper.find('h1').text()).toBe('Số hoá hồ sơ hộ tịch phường');
    expect(wrapper.text()).toContain('57-NQ/TW — Đột phá khoa học');
    expect(wrapper.find('.status-line').text()).toContain('Quá hạn');
    expect(wrapper.find('.warnings').text()).toContain('Quá hạn 10 ngày (hạn 20/11/2026), tiến độ 40%.');
    const facts = wrapper.find('.facts').text();
    for (const fact of [
      'Tỉnh Lâm Đồng',
      'Phường Xuân Hương',
      'Phường Lâm Viên',
      'Nguyễn Thị Hoa',
      'Kho dữ liệu hộ tịch số',
      '20/11/2026',
    ])
      expect(facts).toContain(fact);
    const indicator = wrapper.find('tbody tr').text();
    expect(indicator).toContain('Hồ sơ đã số hoá');
    expect(indicator).toContain('1.000 hồ sơ');
    expect(indicator).toContain('300 hồ sơ');
    const sub = wrapper.find('.subtasks a');
    expect(sub.text()).toBe('Số hoá sổ khai sinh');
    expect(sub.attributes('href')).toBe('/committee/tasks/t4');
    expect(wrapper.findAll('.reports > li')).toHaveLength(3);
    expect(wrapper.findAll('.reports > li')[2]!.text()).toContain('Duyệt bởi Trần Văn Lâm');
  });

  it('links each parent task in the chain it may open to its own committee page, and follows one', async () => {
    signInAs(['LEADER']);
    const { server, wrapper, router } = await mountTask({
      CommitteeTask: (v) =>
        v.id === 't2' ? answer({ id: 't2', title: 'Số hoá dữ liệu dân cư', ancestors: task().ancestors.slice(0, 2) }) : answer(),
    });
    const chain = wrapper.find('nav.chain');
    expect(chain.attributes('aria-label')).toBe('Các nhiệm vụ cấp trên');
    // The national task above the province is shown for context only.
    expect(chain.findAll('li').map((li) => li.text())).toEqual([
      'Chuyển đổi số quốc gia',
      'Chuyển đổi số toàn tỉnh',
      'Số hoá dữ liệu dân cư',
    ]);
    const links = chain.findAll('a');
    expect(links.map((a) => [a.text(), a.attributes('href')])).toEqual([
      ['Chuyển đổi số toàn tỉnh', '/committee/tasks/t1'],
      ['Số hoá dữ liệu dân cư', '/committee/tasks/t2'],
    ]);
    await links[1]!.trigger('click');
    await settle();
    expect(router.currentRoute.value.fullPath).toBe('/committee/tasks/t2');
    expect(server.of('CommitteeTask').map((c) => c.variables.id)).toEqual(['t3', 't2']);
    expect(wrapper.find('h1').text()).toBe('Số hoá dữ liệu dân cư');
    expect(document.activeElement).toBe(wrapper.find('h1').element);
  });

  it('makes a returned report prominent with the reviewer, the time and the comment', async () => {
    signInAs(['LEADER']);
    const { wrapper } = await mountTask({ CommitteeTask: answer() });
    const returned = wrapper.find('.report-returned');
    expect(returned.find('.badge').text()).toBe('Bị trả lại');
    expect(returned.text()).toContain('Trả lại bởi Trần Văn Lâm lúc');
    expect(returned.find('blockquote').text()).toContain('Số liệu chưa khớp sổ gốc, đề nghị đối chiếu lại.');
    // The answer to it says so, and waits.
    const answerReport = wrapper.findAll('.reports > li')[0]!;
    expect(answerReport.text()).toContain('Báo cáo gửi lại sau khi bị trả lại.');
    expect(answerReport.text()).toContain('Đang chờ duyệt.');
  });

  it('offers a leader the waiting report in the review queue, and a focal officer of the assigner reassign and reschedule', async () => {
    signInAs(['LEADER']);
    const leader = await mountTask({ CommitteeTask: answer() });
    const review = leader.wrapper.find('.actions a');
    expect(review.text()).toContain('Duyệt báo cáo của Phường Xuân Hương');
    expect(review.attributes('href')).toBe('/committee/reviews?unitId=c1&reportId=r3');
    expect(leader.wrapper.find('.actions').text()).not.toContain('Giao lại');
    leader.wrapper.unmount();
    clearSession();

    signInAs(['FOCAL']);
    const focal = await mountTask({ CommitteeTask: answer() });
    expect(focal.wrapper.find('.actions a').exists()).toBe(false);
    const buttons = focal.wrapper.findAll('.actions button');
    expect(buttons.map((b) => b.text())).toEqual(['Giao lại', 'Đổi hạn', 'Huỷ nhiệm vụ']);
  });

  it('reschedules with the plan page’s form and shows the task again from the server', async () => {
    signInAs(['FOCAL']);
    let due = '2026-11-20';
    const { server, wrapper } = await mountTask({
      CommitteeTask: () => answer({ dueOn: due }),
      PlanRescheduleTask: (v) => {
        const input = v.input as { id: string; dueOn: string };
        due = input.dueOn;
        return {
          data: {
            rescheduleTask: {
              __typename: 'Task',
              id: 't3',
              title: 'Số hoá hồ sơ hộ tịch phường',
              depth: 3,
              dueOn: due,
              startOn: '2026-01-01',
              progress: 40,
              status: 'IN_PROGRESS',
              version: 5,
              subTaskCount: 1,
              leadUnit: COMMUNE,
              assignerUnit: { __typename: 'Unit', id: 'p1' },
              indicators: [{ __typename: 'Indicator', id: 'i1', name: 'Hồ sơ đã số hoá', unitOfMeasure: 'hồ sơ', target: 1000 }],
            },
          },
        };
      },
    });
    await wrapper.findAll('.actions button')[1]!.trigger('click');
    await wrapper.find('input[type="date"]').setValue('2027-03-31');
    await wrapper.find('textarea').setValue('Bổ sung kinh phí từ quý 1');
    await wrapper.find('form').trigger('submit');
    await settle();
    expect(server.of('PlanRescheduleTask')[0]!.variables).toEqual({
      input: { id: 't3', baseVersion: 4, dueOn: '2027-03-31', reason: 'Bổ sung kinh phí từ quý 1' },
    });
    expect(server.of('CommitteeTask')).toHaveLength(2);
    expect(wrapper.find('.facts').text()).toContain('31/03/2027');
    expect(wrapper.find('form').exists()).toBe(false);
  });

  it('shows the approval levels and schedule, and lets the assigner’s focal officer set the levels there', async () => {
    signInAs(['LEADER']);
    const leader = await mountTask({ CommitteeTask: answer() });
    const section = () => leader.wrapper.find('[data-test="data-control"]');
    expect(section().find('[data-test="approval-levels"]').text()).toBe('Theo kế hoạch: duyệt 1 cấp');
    expect(section().find('[data-test="report-schedule"]').text()).toBe('Không định kỳ');
    expect(section().find('button').exists()).toBe(false);
    leader.wrapper.unmount();
    clearSession();

    signInAs(['FOCAL']);
    let levels: number | null = null;
    const { server, wrapper } = await mountTask({
      CommitteeTask: () =>
        answer({
          approvalLevels: levels,
          effectiveApprovalLevels: levels
            ? {
                __typename: 'EffectiveApprovalLevels',
                levels,
                source: 'OWN',
                fromTaskId: 't3',
                fromTaskTitle: 'Số hoá hồ sơ hộ tịch phường',
              }
            : { __typename: 'EffectiveApprovalLevels', levels: 1, source: 'PLAN', fromTaskId: null, fromTaskTitle: null },
          reportSchedule: { __typename: 'ReportSchedule', frequency: 'MONTHLY', dueDays: 5 },
        }),
      PlanSetApprovalLevels: (v) => {
        levels = (v.input as { approvalLevels: number }).approvalLevels;
        return { data: { setTaskApprovalLevels: { ...task(), approvalLevels: levels, version: 5 } } };
      },
    });
    const control = wrapper.find('[data-test="data-control"]');
    expect(control.find('[data-test="report-schedule"]').text()).toBe('Hằng tháng, hạn 5 ngày sau khi hết kỳ');
    await control
      .findAll('button')
      .find((b) => b.text() === 'Cấp duyệt')!
      .trigger('click');
    await wrapper.find('.control-form select').setValue('2');
    await wrapper.find('.control-form textarea').setValue('Nhiệm vụ trọng điểm');
    await wrapper.find('.control-form').trigger('submit');
    await settle();
    expect(server.of('PlanSetApprovalLevels')[0]!.variables).toEqual({
      input: { id: 't3', baseVersion: 4, approvalLevels: 2, reason: 'Nhiệm vụ trọng điểm' },
    });
    expect(server.of('CommitteeTask')).toHaveLength(2);
    expect(wrapper.find('[data-test="data-control"] [data-test="approval-levels"]').text()).toBe('Duyệt 2 cấp');
    expect(wrapper.find('.control-form').exists()).toBe(false);
  });

  it('says where inherited levels come from, and lets the assigner set an indicator’s own schedule', async () => {
    signInAs(['FOCAL']);
    let indicatorSchedule: { frequency: string; dueDays: number } | null = null;
    const { server, wrapper } = await mountTask({
      CommitteeTask: () =>
        answer({
          effectiveApprovalLevels: {
            __typename: 'EffectiveApprovalLevels',
            levels: 2,
            source: 'INHERITED',
            fromTaskId: 't1',
            fromTaskTitle: 'Chuyển đổi số toàn tỉnh',
          },
          indicators: [
            {
              ...task().indicators[0]!,
              version: indicatorSchedule ? 2 : 1,
              reportSchedule: indicatorSchedule ? { __typename: 'ReportSchedule', ...indicatorSchedule } : null,
            },
          ],
        }),
      PlanSetIndicatorSchedule: (v) => {
        indicatorSchedule = (v.input as { reportSchedule: { frequency: string; dueDays: number } }).reportSchedule;
        return {
          data: {
            updateIndicator: {
              __typename: 'Indicator',
              id: 'i1',
              version: 2,
              reportSchedule: { __typename: 'ReportSchedule', ...indicatorSchedule },
            },
          },
        };
      },
    });
    const control = () => wrapper.find('[data-test="data-control"]');
    expect(control().find('[data-test="approval-levels"]').text()).toBe(
      'Theo nhiệm vụ cha «Chuyển đổi số toàn tỉnh»: duyệt 2 cấp',
    );
    expect(control().find('[data-test="indicator-schedule-i1"]').text()).toBe('Không định kỳ');
    await control()
      .findAll('button')
      .find((b) => b.text() === 'Lịch báo cáo: Hồ sơ đã số hoá')!
      .trigger('click');
    expect(wrapper.find('.control-form').text()).toContain('Lịch báo cáo của chỉ tiêu «Hồ sơ đã số hoá»');
    await wrapper.find('#indicator-i1-frequency').setValue('MONTHLY');
    await wrapper.find('#indicator-i1-due-days').setValue('400');
    await wrapper.find('.control-form').trigger('submit');
    await settle();
    expect(server.of('PlanSetIndicatorSchedule')).toHaveLength(0);
    expect(wrapper.find('#indicator-i1-due-days-error').text()).toBe('Hạn nộp phải là một số ngày nguyên từ 0 đến 366.');
    await wrapper.find('#indicator-i1-due-days').setValue('5');
    await wrapper.find('#indicator-i1-reason').setValue('Theo dõi hằng tháng');
    await wrapper.find('.control-form').trigger('submit');
    await settle();
    expect(server.of('PlanSetIndicatorSchedule')[0]!.variables).toEqual({
      input: { id: 'i1', baseVersion: 1, reportSchedule: { frequency: 'MONTHLY', dueDays: 5 }, reason: 'Theo dõi hằng tháng' },
    });
    expect(wrapper.find('.control-form').exists()).toBe(false);
    expect(wrapper.find('[data-test="indicator-schedule-i1"]').text()).toBe('Hằng tháng, hạn 5 ngày sau khi hết kỳ');
  });

  it('answers a missing or forbidden task clearly, in the person’s language', async () => {
    signInAs(['LEADER']);
    const vi = await mountTask({ CommitteeTask: gqlError('NOT_FOUND', 'Task not found') }, 'nope');
    expect(vi.wrapper.find('[role="alert"]').text()).toContain(
      'Không tìm thấy nhiệm vụ này, hoặc nhiệm vụ không thuộc phạm vi đơn vị của bạn.',
    );
    expect(vi.wrapper.find('h1').exists()).toBe(false);
    vi.wrapper.unmount();

    const en = await mountTask({ CommitteeTask: gqlError('FORBIDDEN', 'no') }, 't9', 'en');
    expect(en.wrapper.find('[role="alert"]').text()).toContain('Your account may not view this task.');
  });

  it('loads the reports, sub-tasks and history beyond the first page, each after the last one shown', async () => {
    signInAs(['LEADER']);
    const first = answer({
      reports: {
        __typename: 'ProgressReportConnection',
        totalCount: 3,
        pageInfo: { __typename: 'PageInfo', hasNextPage: true, endCursor: 'rc2' },
        nodes: [report({ id: 'r3', percent: 40 }), report({ id: 'r2', percent: 30 })],
      },
      historyPage: historyPage([historyEntry({ id: 'h2', kind: 'UPDATED', reason: null })], 2, 'hc2'),
    });
    (first.data.tasks as { totalCount: number; pageInfo: unknown }).totalCount = 2;
    (first.data.tasks as { pageInfo: unknown }).pageInfo = { __typename: 'PageInfo', hasNextPage: true, endCursor: 'tc1' };
    let reportReads = 0;
    const { server, wrapper } = await mountTask({
      CommitteeTask: first,
      // The first read of the next page of reports fails; the second is answered.
      CommitteeTaskReports: () =>
        ++reportReads === 1
          ? gqlError('FORBIDDEN', 'no')
          : {
              data: {
                task: {
                  __typename: 'Task',
                  id: 't3',
                  reports: {
                    __typename: 'ProgressReportConnection',
                    totalCount: 3,
                    pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: 'rc1' },
                    // The page may repeat one already shown (a report arrived meanwhile): shown once.
                    nodes: [report({ id: 'r2', percent: 30 }), report({ id: 'r1', percent: 10 })],
                  },
                },
              },
            },
      CommitteeSubTasks: {
        data: {
          tasks: {
            __typename: 'TaskConnection',
            totalCount: 2,
            pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: 'tc2' },
            nodes: [
              {
                __typename: 'Task',
                id: 't5',
                title: 'Số hoá sổ kết hôn',
                status: 'NOT_STARTED',
                progress: 0,
                dueOn: null,
                leadUnit: { __typename: 'Unit', id: 'k2', name: 'Chi bộ Tổ dân phố 2' },
              },
            ],
          },
        },
      },
      CommitteeTaskHistory: {
        data: {
          task: { __typename: 'Task', id: 't3', historyPage: historyPage([historyEntry({ id: 'h1', kind: 'CREATED' })], 2) },
        },
      },
    });
    const more = () => wrapper.findAll('.paged-more');
    expect(more().map((b) => b.text())).toEqual(['Xem thêm 1 nhiệm vụ con', 'Xem thêm 1 báo cáo', 'Xem thêm 1 thay đổi']);

    // A failed read keeps what is shown, says why in the person's language and can be tried again.
    await more()[1]!.trigger('click');
    await settle();
    const reportsCard = wrapper.find('[aria-labelledby="task-reports-title"]');
    expect(reportsCard.find('[role="alert"]').text()).toBe('Không tải được trang tiếp theo. Bạn không có quyền làm việc này.');
    expect(wrapper.findAll('.reports > li')).toHaveLength(2);
    expect(more()[1]!.text()).toBe('Xem thêm 1 báo cáo');

    await more()[1]!.trigger('click');
    await settle();
    expect(server.of('CommitteeTaskReports').map((c) => c.variables)).toEqual([
      { id: 't3', first: 10, after: 'rc2' },
      { id: 't3', first: 10, after: 'rc2' },
    ]);
    expect(reportsCard.find('[role="alert"]').exists()).toBe(false);
    expect(wrapper.findAll('.reports > li')).toHaveLength(3);
    expect(wrapper.find('.reports').text()).toContain('10%');

    await more()[0]!.trigger('click');
    await settle();
    expect(server.of('CommitteeSubTasks')[0]!.variables).toEqual({ id: 't3', first: 20, after: 'tc1' });
    expect(wrapper.findAll('.subtasks a').map((a) => a.text())).toEqual(['Số hoá sổ khai sinh', 'Số hoá sổ kết hôn']);

    await more()[0]!.trigger('click');
    await settle();
    expect(server.of('CommitteeTaskHistory')[0]!.variables).toEqual({ id: 't3', first: 10, after: 'hc2' });
    const history = wrapper.find('[data-test="task-history"]');
    expect(history.findAll(':scope > li').map((li) => li.find('strong').text())).toEqual(['Chỉnh sửa', 'Tạo mới']);
    // Every page is in: no "more" is left.
    expect(more()).toHaveLength(0);
  });

  it('says who changed the task and why in its history, and hides a person above the viewer', async () => {
    signInAs(['LEADER']);
    const { wrapper } = await mountTask({
      CommitteeTask: answer({
        historyPage: historyPage(
          [
            historyEntry({
              id: 'h2',
              kind: 'CANCELLED',
              actorName: null,
              reason: 'Không còn phù hợp',
              before: { state: 'OPEN' },
              after: { state: 'CANCELLED' },
            }),
            historyEntry({}),
          ],
          2,
        ),
      }),
    });
    const items = wrapper.findAll('[data-test="task-history"] > li');
    expect(items[0]!.text()).toContain('Huỷ');
    expect(items[0]!.text()).toContain('bởi một đơn vị cấp trên');
    expect(items[0]!.text()).toContain('Không còn phù hợp');
    expect(items[1]!.text()).toContain('bởi Lê Văn Tỉnh');
    expect(items[1]!.text()).toContain('dueOn: 2026-10-20 → 2026-11-20');
  });

  it('cancels only with a reason, and after a version conflict shows the current task before cancelling it', async () => {
    signInAs(['FOCAL']);
    let version = 4;
    let status = 'OVERDUE';
    const { server, wrapper } = await mountTask({
      CommitteeTask: () => answer({ version, status, cancelledAt: status === 'CANCELLED' ? '2026-12-01T03:00:00.000Z' : null }),
      CommitteeCancelTask: (v) => {
        const input = v.input as { baseVersion: number };
        if (input.baseVersion !== version)
          return { errors: [{ message: 'The task was changed since your copy', extensions: { code: 'CONFLICT' } }] };
        status = 'CANCELLED';
        version += 1;
        return {
          data: { cancelTask: { __typename: 'Task', id: 't3', status, version, cancelledAt: '2026-12-01T03:00:00.000Z' } },
        };
      },
    });
    const cancelButton = () => wrapper.findAll('.actions button').find((b) => b.text() === 'Huỷ nhiệm vụ')!;
    await cancelButton().trigger('click');
    await settle();
    const form = () => wrapper.find('form.cancel-form');
    expect(form().find('h2').text()).toBe('Huỷ nhiệm vụ «Số hoá hồ sơ hộ tịch phường»?');
    expect(document.activeElement).toBe(form().find('textarea').element);
    // No reason: refused on the spot, naming the field, and nothing sent.
    await form().trigger('submit');
    await settle();
    expect(form().find('#cancel-t3-reason-error').text()).toBe('Hãy nêu lý do huỷ.');
    expect(form().find('textarea').attributes('aria-invalid')).toBe('true');
    expect(server.of('CommitteeCancelTask')).toHaveLength(0);

    // Someone else changed the task meanwhile: the page shows it again, the reason stays typed.
    await form().find('textarea').setValue('Trùng với nhiệm vụ của tỉnh');
    version = 5;
    await form().trigger('submit');
    await settle();
    expect(server.of('CommitteeCancelTask')[0]!.variables).toEqual({
      input: { id: 't3', baseVersion: 4, reason: 'Trùng với nhiệm vụ của tỉnh' },
    });
    expect(form().find('[role="alert"]').text()).toContain('Có người đã thay đổi nhiệm vụ này');
    expect(server.of('CommitteeTask')).toHaveLength(2);
    expect((form().find('textarea').element as HTMLTextAreaElement).value).toBe('Trùng với nhiệm vụ của tỉnh');

    await form().trigger('submit');
    await settle();
    expect(server.of('CommitteeCancelTask')[1]!.variables).toMatchObject({ input: { baseVersion: 5 } });
    expect(wrapper.find('.status-line').text()).toContain('Đã hủy');
    expect(wrapper.find('form.cancel-form').exists()).toBe(false);
    expect(wrapper.text()).toContain('Đã huỷ nhiệm vụ «Số hoá hồ sơ hộ tịch phường».');
    expect(document.activeElement).toBe(wrapper.find('h1').element);
  });

  describe('drafts left by a reload', () => {
    beforeEach(() => resetDatabaseForTests());
    afterEach(() => resetDatabaseForTests());

    it('offers back a reschedule typed before a reload, and opens its form with it on “continue”', async () => {
      signInAs(['FOCAL']);
      await writeDraft(
        useDatabase(),
        'plan-reschedule:t3',
        { lead: null, dueOn: '2027-01-15', reason: 'Chờ kinh phí bổ sung' },
        { title: 'Số hoá hồ sơ hộ tịch phường', path: [] },
      );
      const { wrapper } = await mountTask({ CommitteeTask: () => answer() });
      await vi.waitFor(() => expect(wrapper.find('[data-test="draft-prompt"]').exists()).toBe(true));
      const prompt = wrapper.find('[data-test="draft-prompt"]');
      expect(prompt.text()).toContain('Đổi hạn: «Số hoá hồ sơ hộ tịch phường»');
      expect(wrapper.find('form.change-form').exists()).toBe(false);
      await prompt.findAll('button')[0]!.trigger('click');
      await settle();
      expect(wrapper.find('[data-test="draft-prompt"]').exists()).toBe(false);
      const form = () => wrapper.find('form.change-form');
      await vi.waitFor(() => expect((form().find('textarea').element as HTMLTextAreaElement).value).toBe('Chờ kinh phí bổ sung'));
      expect((form().find('input[type="date"]').element as HTMLInputElement).value).toBe('2027-01-15');
      expect(form().find('[data-test="draft-restored"]').exists()).toBe(true);
    });

    it('discards an offered cancellation, and offers nothing to a viewer who may not change the task', async () => {
      signInAs(['FOCAL']);
      await writeDraft(
        useDatabase(),
        'task-cancel:t3',
        { reason: 'Không còn cần' },
        { title: 'Số hoá hồ sơ hộ tịch phường', path: [] },
      );
      const { wrapper } = await mountTask({ CommitteeTask: () => answer() });
      await vi.waitFor(() => expect(wrapper.find('[data-test="draft-prompt"]').exists()).toBe(true));
      expect(wrapper.find('[data-test="draft-prompt"]').text()).toContain('Huỷ nhiệm vụ: «Số hoá hồ sơ hộ tịch phường»');
      await wrapper.find('[data-test="draft-prompt"]').findAll('button')[1]!.trigger('click');
      await settle();
      expect(wrapper.find('[data-test="draft-prompt"]').exists()).toBe(false);
      expect(await readDraft(useDatabase(), 'task-cancel:t3')).toBeUndefined();
      wrapper.unmount();

      signInAs(['LEADER']);
      await writeDraft(useDatabase(), 'task-cancel:t3', { reason: 'Không còn cần' });
      const leader = await mountTask({ CommitteeTask: () => answer() });
      await settle();
      expect(leader.wrapper.find('[data-test="draft-prompt"]').exists()).toBe(false);
    });
  });
});
