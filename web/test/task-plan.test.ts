import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import TaskPlanPage from '../src/pages/committee/TaskPlanPage.vue';
import { saveSession } from '../src/graphql/session';
import { resetDatabaseForTests, useDatabase } from '../src/composables/useDatabase';
import { readDraft, writeDraft } from '../src/offline/drafts';
import { gqlError, stubServer } from './support/graphql-stub';
import { mountWithApp, settle } from './support/mount';

const commune = { __typename: 'Unit', id: 'commune', name: 'Phường Xuân Hương', kind: 'COMMUNE', depth: 2 };
const cell1 = { __typename: 'Unit', id: 'cell1', name: 'Chi bộ Tổ dân phố 1', kind: 'CELL', depth: 3 };
const cell2 = { __typename: 'Unit', id: 'cell2', name: 'Chi bộ Tổ dân phố 2', kind: 'CELL', depth: 3 };

const task = (id: string, over: Record<string, unknown> = {}) => ({
  __typename: 'Task',
  id,
  title: `Nhiệm vụ ${id}`,
  depth: 1,
  dueOn: '2026-12-31',
  startOn: '2026-01-01',
  progress: 30,
  status: 'IN_PROGRESS',
  priority: 'NORMAL',
  weight: 1,
  version: 3,
  subTaskCount: 0,
  leadUnit: commune,
  coordinatingUnits: [],
  assignerUnit: null,
  approvalLevels: null,
  plan: { __typename: 'ActionPlan', id: 'plan', approvalLevels: 1 },
  reportSchedule: null,
  effectiveApprovalLevels: {
    __typename: 'EffectiveApprovalLevels',
    levels: 1,
    source: 'PLAN',
    fromTaskId: null,
    fromTaskTitle: null,
  },
  indicators: [],
  ...over,
});

const page = (nodes: unknown[]) => ({
  __typename: 'TaskConnection',
  totalCount: nodes.length,
  pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null },
  nodes,
});

function roots() {
  return {
    data: {
      tasks: page([task('root', { subTaskCount: 1 })]),
      resolutions: [
        { __typename: 'Resolution', id: 'res57', code: '57-NQ/TW', titleVi: 'Nghị quyết 57', titleEn: 'Resolution 57' },
      ],
      myUnit: commune,
    },
  };
}

beforeEach(() => {
  saveSession({
    accessToken: 'test-access',
    accessTokenExpiresAt: new Date(Date.now() + 600_000).toISOString(),
    refreshToken: 'test-refresh',
    refreshTokenExpiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    account: {
      id: 'acc-focal',
      username: 'daumoi.xuanhuong',
      displayName: 'Đặng Văn Nam',
      roles: ['FOCAL', 'REPORTER'],
      mustChangePassword: false,
      unit: { id: 'commune', name: 'Phường Xuân Hương', kind: 'COMMUNE' },
    },
  });
});
afterEach(async () => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
  // The forms keep half-typed input in IndexedDB: each case starts with none.
  await resetDatabaseForTests();
});

async function mountPlan(answers: Parameters<typeof stubServer>[0], locale: 'vi' | 'en' = 'vi') {
  const server = stubServer({
    PlanRoots: roots(),
    PlanUnits: (v) => ({
      data: {
        units: {
          __typename: 'UnitConnection',
          totalCount: 3,
          nodes: [commune, cell1, cell2].filter((u) => !v.search || u.name.includes(String(v.search))),
        },
      },
    }),
    ...answers,
  });
  const { wrapper } = await mountWithApp(TaskPlanPage, { locale, attachTo: document.body, props: { pickerDelay: 0 } });
  await settle();
  return { server, wrapper };
}

describe('TaskPlanPage', () => {
  it('shows the top of the viewer’s tree and opens a task to load its sub-tasks', async () => {
    const child = task('child', {
      title: 'Nhiệm vụ của tổ 1',
      depth: 2,
      leadUnit: cell1,
      assignerUnit: { __typename: 'Unit', id: 'commune' },
    });
    const { server, wrapper } = await mountPlan({ PlanChildren: { data: { tasks: page([child]) } } });
    expect(server.of('PlanRoots')[0]!.variables).toEqual({ resolutionId: null, after: null });
    const toggle = wrapper.find('button[aria-expanded]');
    expect(toggle.attributes('aria-expanded')).toBe('false');
    expect(toggle.attributes('aria-label')).toBe('Mở 1 nhiệm vụ con của «Nhiệm vụ root»');
    await toggle.trigger('click');
    await settle();
    expect(server.of('PlanChildren').map((c) => c.variables)).toEqual([{ parentId: 'root', after: null }]);
    expect(toggle.attributes('aria-expanded')).toBe('true');
    expect(wrapper.text()).toContain('Nhiệm vụ của tổ 1');
    // The commune assigned the child: it may reassign and reschedule it, but not split it.
    const childRow = wrapper.findAll('.node')[1]!;
    expect(childRow.text()).toContain('Giao lại');
    expect(childRow.text()).not.toContain('Thêm nhiệm vụ con');
    expect(childRow.find('a.title').attributes('href')).toBe('/committee/tasks/child');
    await toggle.trigger('click');
    expect(wrapper.text()).not.toContain('Nhiệm vụ của tổ 1');
  });

  it('checks the sub-task form in Vietnamese before sending anything', async () => {
    const { server, wrapper } = await mountPlan({});
    await wrapper.find('.node .actions button').trigger('click');
    await settle();
    expect(document.activeElement?.id).toBe('sub-root-title');
    await wrapper
      .findAll('.sub-form button')
      .find((b) => b.text() === 'Thêm chỉ tiêu')!
      .trigger('click');
    await wrapper.find('#sub-root-due').setValue('2027-02-01');
    await wrapper.find('#sub-root-weight').setValue('0');
    const indicatorKey = wrapper
      .find('.indicator input')
      .attributes('id')!
      .replace(/-name$/, '');
    await wrapper.find(`#${indicatorKey}-due`).setValue('2027-03-01');
    // The lead unit picked as a coordinator too.
    await wrapper.find('#sub-root-lead-results button').trigger('click');
    await wrapper.find('#sub-root-coordinators-results button').trigger('click');
    await wrapper.find('.sub-form').trigger('submit');
    await settle();
    const text = wrapper.find('.sub-form').text();
    expect(text).toContain('Phường Xuân Hương đang là đơn vị chủ trì, không thể đồng thời phối hợp.');
    expect(text).toContain('Trọng số phải là một số lớn hơn 0 và không quá 1000.');
    expect(text).toContain('Hạn đạt chỉ tiêu không được muộn hơn hạn của nhiệm vụ (01/02/2027).');
    for (const id of ['sub-root-weight', `${indicatorKey}-due`]) {
      const input = wrapper.find(`#${id}`);
      expect(input.attributes('aria-invalid')).toBe('true');
      const described = input.attributes('aria-describedby')!.split(' ');
      expect(described.some((ref) => document.getElementById(ref)?.textContent?.trim())).toBe(true);
    }
    expect(wrapper.find('#sub-root-coordinators-search').attributes('aria-invalid')).toBe('true');
    expect(text).toContain('Hãy nhập tên nhiệm vụ.');
    expect(text).toContain('Hạn không được muộn hơn hạn của nhiệm vụ cha');
    expect(text).toContain('Hãy nhập tên chỉ tiêu.');
    expect(text).toContain('Mục tiêu phải là một số.');
    expect(server.of('PlanCreateTask')).toHaveLength(0);
    expect(document.activeElement?.id).toBe('sub-root-title');
  });

  it('creates a sub-task led by a unit picked below, with its indicator, and shows it under its parent', async () => {
    const created = task('new', {
      title: 'Vận động hộ dân dùng VNeID',
      depth: 2,
      leadUnit: cell1,
      coordinatingUnits: [{ __typename: 'Unit', id: 'cell2', name: 'Chi bộ Tổ dân phố 2' }],
      priority: 'HIGH',
      weight: 2.5,
      assignerUnit: { __typename: 'Unit', id: 'commune' },
      reportSchedule: { __typename: 'ReportSchedule', frequency: 'QUARTERLY', dueDays: 10 },
      indicators: [
        {
          __typename: 'Indicator',
          id: 'ind-new',
          name: 'Hộ dùng VNeID',
          unitOfMeasure: 'hộ',
          target: 120.5,
          dueOn: '2026-11-30',
        },
      ],
    });
    const { server, wrapper } = await mountPlan({
      PlanCreateTask: { data: { createTask: created } },
      PlanCreateIndicator: { data: { createIndicator: { __typename: 'Indicator', id: 'ind-new' } } },
      PlanChildren: { data: { tasks: page([created]) } },
    });
    await wrapper.find('.node .actions button').trigger('click');
    await settle();
    await wrapper.find('#sub-root-title').setValue('Vận động hộ dân dùng VNeID');
    await wrapper.find('#sub-root-description').setValue('Mỗi tổ dân phố tổ chức 2 buổi');
    await wrapper.find('#sub-root-person').setValue('Bí thư chi bộ');
    await wrapper.find('#sub-root-result').setValue('Danh sách hộ đã cài VNeID');
    await wrapper.find('#sub-root-lead-search').setValue('Tổ dân phố 1');
    await settle();
    expect(server.of('PlanUnits').at(-1)!.variables).toEqual({ search: 'Tổ dân phố 1' });
    const choices = wrapper.findAll('#sub-root-lead-results button');
    expect(choices.map((c) => c.text())).toEqual(['Chi bộ Tổ dân phố 1']);
    await choices[0]!.trigger('click');
    expect(wrapper.find('#sub-root-lead-chosen').text()).toBe('Đã chọn: Chi bộ Tổ dân phố 1');
    await wrapper.find('#sub-root-coordinators-search').setValue('Tổ dân phố');
    await settle();
    const coordinatorChoices = wrapper.findAll('#sub-root-coordinators-results button');
    expect(coordinatorChoices.map((c) => c.text())).toEqual(['Chi bộ Tổ dân phố 1', 'Chi bộ Tổ dân phố 2']);
    await coordinatorChoices[1]!.trigger('click');
    expect(coordinatorChoices[1]!.attributes('aria-pressed')).toBe('true');
    expect(wrapper.find('#sub-root-coordinators-chosen').text()).toBe('Đã chọn: Chi bộ Tổ dân phố 2');
    await wrapper.find('#sub-root-due').setValue('2026-12-15');
    await wrapper.find('#sub-root-priority').setValue('HIGH');
    await wrapper.find('#sub-root-weight').setValue('2,5');
    expect(wrapper.find('#sub-root-due-days').exists()).toBe(false);
    await wrapper.find('#sub-root-frequency').setValue('QUARTERLY');
    await wrapper.find('#sub-root-due-days').setValue('10');
    await wrapper
      .findAll('.sub-form button')
      .find((b) => b.text() === 'Thêm chỉ tiêu')!
      .trigger('click');
    const key = wrapper
      .find('.indicator input')
      .attributes('id')!
      .replace(/-name$/, '');
    await wrapper.find(`#${key}-name`).setValue('Hộ dùng VNeID');
    await wrapper.find(`#${key}-unit`).setValue('hộ');
    await wrapper.find(`#${key}-baseline`).setValue('10');
    await wrapper.find(`#${key}-target`).setValue('120,5');
    expect(wrapper.find(`#${key}-due`).attributes('max')).toBe('2026-12-15');
    await wrapper.find(`#${key}-due`).setValue('2026-11-30');
    await wrapper.find(`#${key}-frequency`).setValue('MONTHLY');
    await wrapper.find(`#${key}-due-days`).setValue('3');
    // A start after the due date is refused on the form, naming the due date.
    await wrapper.find('#sub-root-start').setValue('2026-12-20');
    await wrapper.find('.sub-form').trigger('submit');
    await settle();
    expect(server.of('PlanCreateTask')).toHaveLength(0);
    expect(wrapper.find('#sub-root-start-error').text()).toBe('Ngày bắt đầu không được sau hạn hoàn thành (15/12/2026).');
    await wrapper.find('#sub-root-start').setValue('2026-10-01');
    await wrapper.find('.sub-form').trigger('submit');
    await settle();

    expect(server.of('PlanCreateTask').map((c) => c.variables)).toEqual([
      {
        input: {
          parentId: 'root',
          title: 'Vận động hộ dân dùng VNeID',
          description: 'Mỗi tổ dân phố tổ chức 2 buổi',
          leadUnitId: 'cell1',
          responsiblePerson: 'Bí thư chi bộ',
          expectedResult: 'Danh sách hộ đã cài VNeID',
          dueOn: '2026-12-15',
          startOn: '2026-10-01',
          coordinatingUnitIds: ['cell2'],
          priority: 'HIGH',
          weight: 2.5,
          reportSchedule: { frequency: 'QUARTERLY', dueDays: 10 },
        },
      },
    ]);
    expect(server.of('PlanCreateIndicator').map((c) => c.variables)).toEqual([
      {
        input: {
          taskId: 'new',
          name: 'Hộ dùng VNeID',
          unitOfMeasure: 'hộ',
          baseline: 10,
          target: 120.5,
          direction: 'HIGHER_IS_BETTER',
          dueOn: '2026-11-30',
          reportSchedule: { frequency: 'MONTHLY', dueDays: 3 },
        },
      },
    ]);
    expect(wrapper.find('.sub-form').exists()).toBe(false);
    expect(wrapper.find('button[aria-expanded]').attributes('aria-expanded')).toBe('true');
    const row = wrapper.findAll('.node')[1]!.text();
    expect(row).toContain('Vận động hộ dân dùng VNeID');
    expect(row).toContain('Phối hợp: Chi bộ Tổ dân phố 2');
    expect(row).toContain('Ưu tiên cao');
    expect(row).toContain('Trọng số 2,5');
    expect(row).toContain('Hộ dùng VNeID: 120,5 hộ · Hạn: 30/11/2026');
    expect(row).toContain('Hằng quý, hạn 10 ngày sau khi hết kỳ');
    expect(wrapper.find('[role="status"]').text()).toBe('Đã tạo nhiệm vụ con «Vận động hộ dân dùng VNeID».');
  });

  it('shows a refusal of the server clearly, in the person’s language, with its detail', async () => {
    const { server, wrapper } = await mountPlan(
      {
        PlanCreateTask: gqlError('FORBIDDEN', 'Only tasks assigned to your unit can be decomposed'),
      },
      'en',
    );
    await wrapper.find('.node .actions button').trigger('click');
    await settle();
    await wrapper.find('#sub-root-title').setValue('Survey households');
    await settle();
    await wrapper.findAll('#sub-root-lead-results button')[1]!.trigger('click');
    await wrapper.find('.sub-form').trigger('submit');
    await settle();
    expect(server.of('PlanCreateTask')).toHaveLength(1);
    const alert = wrapper.find('.sub-form [role="alert"]');
    expect(alert.text()).toContain('You may not change this task.');
    expect(alert.text()).toContain('Server detail: Only tasks assigned to your unit can be decomposed');
  });

  it('reassigns and reschedules a task the viewer’s unit assigned, with a reason and the version it saw', async () => {
    const child = task('child', {
      title: 'Nhiệm vụ của tổ 1',
      depth: 2,
      leadUnit: cell1,
      assignerUnit: { __typename: 'Unit', id: 'commune' },
      version: 7,
    });
    const { server, wrapper } = await mountPlan({
      PlanChildren: { data: { tasks: page([child]) } },
      PlanReassignTask: (v) => ({
        data: { reassignTask: { ...child, leadUnit: cell2, version: 8, id: (v.input as { id: string }).id } },
      }),
      PlanRescheduleTask: gqlError(
        'BAD_USER_INPUT',
        'A sub-task cannot be due after its parent (2026-12-31) unless allowed explicitly',
        'dueOn',
      ),
    });
    await wrapper.find('button[aria-expanded]').trigger('click');
    await settle();
    const childRow = () => wrapper.findAll('.node')[1]!;
    await childRow()
      .findAll('button')
      .find((b) => b.text().startsWith('Giao lại'))!
      .trigger('click');
    await settle();
    await wrapper.find('.change-form').trigger('submit');
    await settle();
    expect(wrapper.find('.change-form').text()).toContain('Hãy chọn đơn vị chủ trì.');
    expect(wrapper.find('.change-form').text()).toContain('Hãy nêu lý do.');
    await wrapper
      .findAll('.change-form .results button')
      .find((b) => b.text() === 'Chi bộ Tổ dân phố 2')!
      .trigger('click');
    await wrapper.find('.change-form textarea').setValue('Tổ 1 thiếu nhân lực');
    await wrapper.find('.change-form').trigger('submit');
    await settle();
    expect(server.of('PlanReassignTask').map((c) => c.variables)).toEqual([
      { input: { id: 'child', baseVersion: 7, leadUnitId: 'cell2', reason: 'Tổ 1 thiếu nhân lực' } },
    ]);
    expect(childRow().text()).toContain('Chủ trì: Chi bộ Tổ dân phố 2');

    await childRow()
      .findAll('button')
      .find((b) => b.text().startsWith('Đổi hạn'))!
      .trigger('click');
    await settle();
    await wrapper.find('.change-form input[type="date"]').setValue('2027-03-01');
    await wrapper.find('.change-form textarea').setValue('Chờ kinh phí');
    // A start after the new due date is refused on the form.
    const start = wrapper.find(`#reschedule-child-start`);
    await start.setValue('2027-04-01');
    await wrapper.find('.change-form').trigger('submit');
    await settle();
    expect(server.of('PlanRescheduleTask')).toHaveLength(0);
    expect(wrapper.find('#reschedule-child-start-error').text()).toBe('Ngày bắt đầu không được sau hạn hoàn thành (01/03/2027).');
    await start.setValue('2027-01-15');
    await wrapper.find('.change-form').trigger('submit');
    await settle();
    expect(server.of('PlanRescheduleTask').map((c) => c.variables)).toEqual([
      { input: { id: 'child', baseVersion: 8, dueOn: '2027-03-01', reason: 'Chờ kinh phí', startOn: '2027-01-15' } },
    ]);
    expect(wrapper.find('.change-form [role="alert"]').text()).toContain('Hạn hoàn thành không hợp lệ.');
  });
  it('sets the approval levels of a task’s subtree with a reason, and shows them in the tree', async () => {
    const child = task('child', {
      title: 'Nhiệm vụ của tổ 1',
      depth: 2,
      leadUnit: cell1,
      assignerUnit: { __typename: 'Unit', id: 'commune' },
      version: 7,
    });
    const { server, wrapper } = await mountPlan({
      PlanChildren: { data: { tasks: page([child]) } },
      PlanSetApprovalLevels: (v) => ({
        data: {
          setTaskApprovalLevels: { ...child, approvalLevels: (v.input as { approvalLevels: number }).approvalLevels, version: 8 },
        },
      }),
    });
    await wrapper.find('button[aria-expanded]').trigger('click');
    await settle();
    const childRow = () => wrapper.findAll('.node')[1]!;
    expect(childRow().find('[data-test="approval-levels"]').exists()).toBe(false);
    await childRow()
      .findAll('button')
      .find((b) => b.text().startsWith('Cấp duyệt'))!
      .trigger('click');
    await settle();
    const form = () => wrapper.find('.control-form');
    expect(document.activeElement?.id).toBe('levels-child-levels');
    const options = form()
      .findAll('#levels-child-levels option')
      .map((o) => o.text());
    expect(options).toEqual(['Theo nhiệm vụ cấp trên, hoặc kế hoạch (1 cấp)', '1 cấp', '2 cấp', '3 cấp', '4 cấp', '5 cấp']);
    await form().find('select').setValue('2');
    await form().trigger('submit');
    await settle();
    expect(form().text()).toContain('Hãy nêu lý do.');
    expect(form().find('textarea').attributes('aria-invalid')).toBe('true');
    expect(server.of('PlanSetApprovalLevels')).toHaveLength(0);
    await form().find('textarea').setValue('Nhiệm vụ trọng điểm của tỉnh');
    await form().trigger('submit');
    await settle();
    expect(server.of('PlanSetApprovalLevels').map((c) => c.variables)).toEqual([
      { input: { id: 'child', baseVersion: 7, approvalLevels: 2, reason: 'Nhiệm vụ trọng điểm của tỉnh' } },
    ]);
    expect(form().exists()).toBe(false);
    expect(childRow().find('[data-test="approval-levels"]').text()).toBe('Duyệt 2 cấp');
    expect(wrapper.find('[role="status"]').text()).toBe('Đã đặt cấp duyệt cho «Nhiệm vụ của tổ 1».');
  });

  it('sets a reporting schedule, checking the days after the period, and names the field a server refusal is about', async () => {
    const child = task('child', {
      title: 'Household survey',
      depth: 2,
      leadUnit: cell1,
      assignerUnit: { __typename: 'Unit', id: 'commune' },
      version: 4,
    });
    let calls = 0;
    const { server, wrapper } = await mountPlan(
      {
        PlanChildren: { data: { tasks: page([child]) } },
        PlanSetReportSchedule: (v) =>
          ++calls === 1
            ? {
                data: {
                  updateTask: {
                    ...child,
                    version: 5,
                    reportSchedule: { __typename: 'ReportSchedule', ...(v.input as { reportSchedule: object }).reportSchedule },
                  },
                },
              }
            : gqlError('BAD_USER_INPUT', 'Unknown reporting frequency', 'reportSchedule.frequency'),
      },
      'en',
    );
    await wrapper.find('button[aria-expanded]').trigger('click');
    await settle();
    const childRow = () => wrapper.findAll('.node')[1]!;
    const openSchedule = async () => {
      await childRow()
        .findAll('button')
        .find((b) => b.text().startsWith('Reporting schedule'))!
        .trigger('click');
      await settle();
    };
    await openSchedule();
    const form = () => wrapper.find('.control-form');
    expect(form().find('#schedule-child-due-days').exists()).toBe(false);
    await form().find('#schedule-child-frequency').setValue('MONTHLY');
    await form().find('#schedule-child-due-days').setValue('five');
    await form().trigger('submit');
    await settle();
    expect(form().find('#schedule-child-due-days-error').text()).toBe(
      'The days after the period must be a whole number from 0 to 366.',
    );
    expect(form().find('#schedule-child-due-days').attributes('aria-invalid')).toBe('true');
    await form().find('#schedule-child-due-days').setValue('367');
    await form().trigger('submit');
    await settle();
    expect(server.of('PlanSetReportSchedule')).toHaveLength(0);
    await form().find('#schedule-child-due-days').setValue('5');
    await form().trigger('submit');
    await settle();
    expect(server.of('PlanSetReportSchedule').map((c) => c.variables)).toEqual([
      { input: { id: 'child', baseVersion: 4, reportSchedule: { frequency: 'MONTHLY', dueDays: 5 } } },
    ]);
    expect(childRow().find('[data-test="report-schedule"]').text()).toBe('Monthly, due 5 days after the period ends');

    // Removing it sends null; the server's refusal names the field in words.
    await openSchedule();
    expect((form().find('#schedule-child-frequency').element as HTMLSelectElement).value).toBe('MONTHLY');
    await form().find('#schedule-child-frequency').setValue('');
    await form().trigger('submit');
    await settle();
    expect(server.of('PlanSetReportSchedule').at(-1)!.variables).toEqual({
      input: { id: 'child', baseVersion: 5, reportSchedule: null },
    });
    expect(form().find('[role="alert"]').text()).toContain('The reporting frequency is not valid.');
  });

  it('offers back a sub-task draft left under a task deeper in the tree, and opens the tasks above it to show its form', async () => {
    const child = task('child', { title: 'Nhiệm vụ của phường', depth: 2, assignerUnit: { __typename: 'Unit', id: 'province' } });
    await writeDraft(
      useDatabase(),
      'plan-sub:child',
      { title: 'Tập huấn tổ trưởng' },
      { title: 'Nhiệm vụ của phường', path: ['root'] },
    );
    const { server, wrapper } = await mountPlan({ PlanChildren: { data: { tasks: page([child]) } } });
    await vi.waitFor(() => expect(wrapper.find('[data-test="draft-prompt"]').exists()).toBe(true));
    const prompt = wrapper.find('[data-test="draft-prompt"]');
    expect(prompt.text()).toContain('Thêm nhiệm vụ con: «Nhiệm vụ của phường»');
    expect(wrapper.find('.sub-form').exists()).toBe(false);
    await prompt.findAll('button')[0]!.trigger('click');
    await settle();
    expect(server.of('PlanChildren').map((c) => c.variables)).toEqual([{ parentId: 'root', after: null }]);
    await vi.waitFor(() =>
      expect((wrapper.find('#sub-child-title').element as HTMLInputElement).value).toBe('Tập huấn tổ trưởng'),
    );
    expect(wrapper.find('.sub-form [data-test="draft-restored"]').exists()).toBe(true);
    expect(wrapper.find('[data-test="draft-prompt"]').exists()).toBe(false);
    expect(document.activeElement?.id).toBe('sub-child-title');
  });

  it('keeps a draft whose task is no longer on the plan, says why it cannot open it, and discards it on request', async () => {
    await writeDraft(useDatabase(), 'plan-reschedule:gone', { reason: 'Chờ kinh phí' }, { title: 'Việc đã chuyển đi', path: [] });
    const { wrapper } = await mountPlan({}, 'en');
    await vi.waitFor(() => expect(wrapper.find('[data-test="draft-prompt"]').exists()).toBe(true));
    const [resume, discard] = wrapper.find('[data-test="draft-prompt"]').findAll('button');
    expect(resume!.text()).toBe('Continue: Reschedule — Việc đã chuyển đi');
    await resume!.trigger('click');
    await settle();
    expect(wrapper.find('[data-test="draft-prompt"] [role="alert"]').text()).toContain(
      '“Việc đã chuyển đi” cannot be opened again',
    );
    expect(await readDraft(useDatabase(), 'plan-reschedule:gone')).toBeDefined();
    await discard!.trigger('click');
    await settle();
    expect(wrapper.find('[data-test="draft-prompt"]').exists()).toBe(false);
    expect(await readDraft(useDatabase(), 'plan-reschedule:gone')).toBeUndefined();
  });

  it('does not offer the draft of the form opened with its own button', async () => {
    await writeDraft(useDatabase(), 'plan-sub:root', { title: 'Dở dang' }, { title: 'Nhiệm vụ root', path: [] });
    const { wrapper } = await mountPlan({});
    await vi.waitFor(() => expect(wrapper.find('[data-test="draft-prompt"]').exists()).toBe(true));
    await wrapper.find('.node .actions button').trigger('click');
    await settle();
    expect(wrapper.find('[data-test="draft-prompt"]').exists()).toBe(false);
    await vi.waitFor(() => expect((wrapper.find('#sub-root-title').element as HTMLInputElement).value).toBe('Dở dang'));
  });
});
