import { afterEach, describe, expect, it } from 'vitest';
import { flushPromises } from '@vue/test-utils';
import { vi } from 'vitest';
import ReviewQueuePage from '../src/pages/committee/ReviewQueuePage.vue';
import type { ReviewItem } from '../src/graphql/review';
import { gqlError, stubServer } from './support/graphql-stub';
import { mountWithApp, settle } from './support/mount';

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

const report = (n: number, over: Partial<ReviewItem> = {}) => ({
  __typename: 'ProgressReport',
  id: `r${n}`,
  percent: 40 + n,
  previousApprovedPercent: n === 1 ? 25 : null,
  narrative: `Đã triển khai tại tổ ${n}`,
  hasObstacles: n === 1,
  obstacles: n === 1 ? 'Thiếu kinh phí' : null,
  writtenAt: '2026-11-20T02:00:00.000Z',
  receivedAt: `2026-11-2${n}T03:00:00.000Z`,
  flaggedReassigned: false,
  authorName: 'Bùi Thị Mai',
  approvalLevels: 1,
  approvedLevels: 0,
  awaitingUnitKind: 'COMMUNE',
  approvals: [] as ReviewItem['approvals'],
  unit: { __typename: 'Unit', id: 'cell1', name: 'Chi bộ Tổ dân phố 1', kind: 'CELL' },
  values: n === 1 ? [{ __typename: 'IndicatorValue', indicatorId: 'i1', value: 12 }] : [],
  attachments:
    n === 1
      ? [
          {
            __typename: 'Attachment',
            id: 'a1',
            fileName: 'anh-hop-to.jpg',
            contentType: 'image/jpeg',
            status: 'VERIFIED',
            url: '/files/a1',
          },
        ]
      : [],
  task: {
    __typename: 'Task',
    id: `t${n}`,
    title: `Số hoá hồ sơ tổ ${n}`,
    dueOn: '2026-12-31',
    resolution: { __typename: 'Resolution', id: 'res57', code: '57-NQ/TW' },
    indicators:
      n === 1
        ? [
            {
              __typename: 'Indicator',
              id: 'i1',
              name: 'Hộ dùng dịch vụ công trực tuyến',
              unitOfMeasure: 'hộ',
              baseline: 0,
              target: 20,
              direction: 'HIGHER_IS_BETTER',
            },
          ]
        : [],
  },
  ...over,
});

const queueAnswer = (items: ReturnType<typeof report>[]) => ({
  data: {
    reviewQueue: {
      __typename: 'ProgressReportConnection',
      totalCount: items.length,
      pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null },
      nodes: items,
    },
    resolutions: [
      { __typename: 'Resolution', id: 'res57', code: '57-NQ/TW', titleVi: 'Nghị quyết 57', titleEn: 'Resolution 57' },
    ],
  },
});

const decided = (name: 'approveReport' | 'returnReport', state: string) => (v: Record<string, unknown>) => ({
  data: {
    [name]: {
      __typename: 'ProgressReport',
      id: v.id,
      state,
      ...(name === 'approveReport' ? { approvedLevels: state === 'APPROVED' ? 1 : 0, awaitingUnitKind: null } : {}),
    },
  },
});

async function mountQueue(answers: Parameters<typeof stubServer>[0], locale: 'vi' | 'en' = 'vi', path?: string) {
  const server = stubServer(answers, { '/files/a1': new Blob(['jpeg-bytes'], { type: 'image/jpeg' }) });
  const { wrapper } = await mountWithApp(ReviewQueuePage, { locale, attachTo: document.body, path });
  await settle();
  return { server, wrapper };
}

const selectedTitle = (wrapper: Awaited<ReturnType<typeof mountQueue>>['wrapper']) =>
  wrapper.find('[role="option"][aria-selected="true"] .title').text();

describe('ReviewQueuePage', () => {
  it('shows the first waiting report with its percent, indicator against target, obstacles and evidence fetched with the token', async () => {
    const { server, wrapper } = await mountQueue({ ReviewQueue: queueAnswer([report(1), report(2)]) });
    expect(server.of('ReviewQueue')[0]!.variables).toMatchObject({ unitId: null, resolutionId: null, after: null });
    const options = wrapper.findAll('[role="option"]');
    expect(options.map((o) => o.find('.title').text())).toEqual(['Số hoá hồ sơ tổ 1', 'Số hoá hồ sơ tổ 2']);
    const detail = wrapper.find('.detail-pane');
    expect(detail.text()).toContain('57-NQ/TW');
    expect(detail.text()).toContain('Chi bộ Tổ dân phố 1');
    expect(detail.text()).toContain('Bùi Thị Mai');
    expect(detail.text()).toContain('Tiến độ báo cáo: 41%');
    expect(detail.text()).toContain('Lần duyệt trước: 25%');
    expect(detail.find('table').text()).toContain('12 hộ');
    expect(detail.find('table').text()).toContain('20 hộ');
    expect(detail.find('table').text()).toContain('chưa đạt mục tiêu');
    expect(detail.text()).toContain('Thiếu kinh phí');
    // Evidence needs the bearer token, so the page fetches it and shows a local copy.
    expect(server.fileRequests).toEqual([{ url: '/files/a1', authorization: 'Bearer test-access' }]);
    const img = detail.find('img');
    expect(img.attributes('alt')).toBe('anh-hop-to.jpg');
    expect(img.attributes('src')).toMatch(/^blob:/);
    // The page leaves the focus to the navigation (its heading), not to the list.
    expect(wrapper.find('[role="listbox"]').element).not.toBe(document.activeElement);
  });

  it('goes into the list with j from the heading or the page, the selection unchanged, and leaves the arrows alone outside it', async () => {
    const { wrapper } = await mountQueue({ ReviewQueue: queueAnswer([report(1), report(2)]) });
    const heading = wrapper.find('h1');
    (heading.element as HTMLElement).tabIndex = -1;
    (heading.element as HTMLElement).focus();
    await heading.trigger('keydown', { key: 'ArrowDown' });
    await flushPromises();
    expect(document.activeElement).toBe(heading.element);
    await heading.trigger('keydown', { key: 'j' });
    await flushPromises();
    const list = wrapper.find('[role="listbox"]');
    expect(document.activeElement).toBe(list.element);
    expect(selectedTitle(wrapper)).toBe('Số hoá hồ sơ tổ 1');
    // After a reload nothing has the focus: j on the page itself goes into the list too.
    (document.activeElement as HTMLElement).blur();
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'j', bubbles: true }));
    await flushPromises();
    expect(document.activeElement).toBe(list.element);
    expect(selectedTitle(wrapper)).toBe('Số hoá hồ sơ tổ 1');
    await list.trigger('keydown', { key: 'j' });
    expect(selectedTitle(wrapper)).toBe('Số hoá hồ sơ tổ 2');
    expect(wrapper.find('#review-keys').text()).toContain('j để vào danh sách');
    // The decision keys work from the page itself too.
    (document.activeElement as HTMLElement).blur();
    document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'r', bubbles: true }));
    await flushPromises();
    expect(document.activeElement).toBe(wrapper.find('textarea').element);
  });

  it('selects the report a task page asked for, and links the detail to the committee task page', async () => {
    const { server, wrapper } = await mountQueue(
      { ReviewQueue: queueAnswer([report(1), report(2), report(3)]) },
      'vi',
      '/committee/reviews?unitId=cell1&reportId=r2',
    );
    expect(server.of('ReviewQueue')[0]!.variables).toMatchObject({ unitId: 'cell1' });
    expect(selectedTitle(wrapper)).toBe('Số hoá hồ sơ tổ 2');
    expect(wrapper.find('.detail-pane a.task-link').attributes('href')).toBe('/committee/tasks/t2');
  });

  it('opens a linked report that is not on the first page, first and selected, and never twice when the next page comes', async () => {
    const first = queueAnswer([report(1), report(2)]);
    const page1 = {
      data: {
        ...first.data,
        reviewQueue: {
          ...first.data.reviewQueue,
          totalCount: 4,
          pageInfo: { __typename: 'PageInfo', hasNextPage: true, endCursor: 'c2' },
        },
      },
    };
    const page2 = queueAnswer([report(3), report(4)]);
    const { server, wrapper } = await mountQueue(
      {
        ReviewQueue: (v) => (v.after ? page2 : page1),
        ReviewReport: { data: { report: { ...report(4), state: 'SUBMITTED' } } },
      },
      'vi',
      '/committee/reviews?reportId=r4',
    );
    expect(server.of('ReviewReport')[0]!.variables).toEqual({ id: 'r4' });
    expect(selectedTitle(wrapper)).toBe('Số hoá hồ sơ tổ 4');
    expect(wrapper.find('.detail-pane').text()).toContain('Số hoá hồ sơ tổ 4');
    await wrapper.find('.paged-more').trigger('click');
    await settle();
    const titles = wrapper.findAll('[role="option"] .title').map((o) => o.text());
    expect(titles).toEqual(['Số hoá hồ sơ tổ 4', 'Số hoá hồ sơ tổ 1', 'Số hoá hồ sơ tổ 2', 'Số hoá hồ sơ tổ 3']);
  });

  it('says so when a linked report was already reviewed or cannot be seen', async () => {
    const { wrapper } = await mountQueue(
      {
        ReviewQueue: queueAnswer([report(1)]),
        ReviewReport: { data: { report: { ...report(5), state: 'APPROVED' } } },
      },
      'vi',
      '/committee/reviews?reportId=r5',
    );
    expect(wrapper.text()).toContain('Báo cáo này đã được duyệt hoặc trả lại, không còn chờ duyệt.');
    expect(selectedTitle(wrapper)).toBe('Số hoá hồ sơ tổ 1');
    const missing = await mountQueue(
      { ReviewQueue: queueAnswer([report(1)]), ReviewReport: gqlError('NOT_FOUND', 'no such report') },
      'en',
      '/committee/reviews?reportId=r9',
    );
    expect(missing.wrapper.text()).toContain('This report was not found, or it is not yours to review.');
  });

  it('moves with j/k and the arrows, approves with a, and selects the next report', async () => {
    const { server, wrapper } = await mountQueue({
      ReviewQueue: queueAnswer([report(1), report(2), report(3)]),
      ApproveReport: decided('approveReport', 'APPROVED'),
    });
    const list = wrapper.find('[role="listbox"]');
    await list.trigger('keydown', { key: 'j' });
    expect(selectedTitle(wrapper)).toBe('Số hoá hồ sơ tổ 2');
    await list.trigger('keydown', { key: 'ArrowDown' });
    await list.trigger('keydown', { key: 'k' });
    expect(selectedTitle(wrapper)).toBe('Số hoá hồ sơ tổ 2');
    expect(list.attributes('aria-activedescendant')).toBe('review-item-r2');

    await list.trigger('keydown', { key: 'a' });
    await settle();
    expect(server.of('ApproveReport').map((c) => c.variables)).toEqual([{ id: 'r2', comment: null }]);
    expect(wrapper.findAll('[role="option"]')).toHaveLength(2);
    expect(selectedTitle(wrapper)).toBe('Số hoá hồ sơ tổ 3');
    expect(wrapper.find('[role="status"]').text()).toBe('Đã duyệt báo cáo «Số hoá hồ sơ tổ 2».');
    expect(document.activeElement).toBe(wrapper.find('[role="listbox"]').element);
  });

  it('shows where a two-level report stands, and says it moved up when the commune approves it', async () => {
    const twoLevel = report(1, {
      approvalLevels: 2,
      approvedLevels: 0,
      awaitingUnitKind: 'COMMUNE',
    });
    const { wrapper } = await mountQueue({
      ReviewQueue: queueAnswer([twoLevel, report(2)]),
      ApproveReport: (v: Record<string, unknown>) => ({
        data: {
          approveReport: {
            __typename: 'ProgressReport',
            id: v.id,
            state: 'SUBMITTED',
            approvedLevels: 1,
            awaitingUnitKind: 'PROVINCE',
          },
        },
      }),
    });
    expect(wrapper.find('#review-item-r1').text()).toContain('Chờ xã duyệt');
    expect(wrapper.find('#review-item-r2').text()).not.toContain('Chờ xã duyệt');
    expect(wrapper.find('[data-test="approval-levels"]').text()).toContain('Cấp 1/2');
    await wrapper.find('[role="listbox"]').trigger('keydown', { key: 'a' });
    await settle();
    expect(wrapper.find('[role="status"]').text()).toBe(
      'Đã duyệt báo cáo «Số hoá hồ sơ tổ 1» ở cấp 1; báo cáo chuyển lên cấp trên (Chờ tỉnh duyệt).',
    );
  });

  it('lists each level’s decision on a report waiting at the province, in English too', async () => {
    const atProvince = report(1, {
      approvalLevels: 2,
      approvedLevels: 1,
      awaitingUnitKind: 'PROVINCE',
      approvals: [
        {
          level: 1,
          decision: 'APPROVED',
          comment: 'Số liệu khớp',
          decidedAt: '2026-11-22T03:00:00.000Z',
          reviewerUnitKind: 'COMMUNE',
          reviewerUnitName: 'Phường Xuân Hương',
        },
      ],
    });
    const { wrapper } = await mountQueue({ ReviewQueue: queueAnswer([atProvince]) }, 'en');
    const levels = wrapper.find('[data-test="approval-levels"]').text();
    expect(levels).toContain('Level 2 of 2');
    expect(levels).toContain('Awaiting province');
    expect(levels).toContain('Level 1 (Phường Xuân Hương): approved');
    expect(levels).toContain('Số liệu khớp');
  });

  it('opens the return comment box focused with r, requires a comment, cancels with Esc, and returns with it', async () => {
    const { server, wrapper } = await mountQueue({
      ReviewQueue: queueAnswer([report(1), report(2)]),
      ReturnReport: decided('returnReport', 'RETURNED'),
    });
    await wrapper.find('[role="listbox"]').trigger('keydown', { key: 'r' });
    await flushPromises();
    const box = wrapper.find('textarea');
    expect(box.element).toBe(document.activeElement);
    expect(box.element.value).toBe('');

    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(wrapper.find('#review-comment-error').text()).toBe('Hãy ghi ý kiến nêu lý do trả lại báo cáo.');
    expect(box.attributes('aria-invalid')).toBe('true');
    expect(server.of('ReturnReport')).toHaveLength(0);

    await box.trigger('keydown', { key: 'Escape' });
    await flushPromises();
    expect(wrapper.find('textarea').exists()).toBe(false);
    expect(document.activeElement).toBe(wrapper.find('[role="listbox"]').element);

    await wrapper.find('[role="listbox"]').trigger('keydown', { key: 'r' });
    await flushPromises();
    await wrapper.find('textarea').setValue('Bổ sung ảnh minh chứng');
    await wrapper.find('form').trigger('submit');
    await settle();
    expect(server.of('ReturnReport').map((c) => c.variables)).toEqual([{ id: 'r1', comment: 'Bổ sung ảnh minh chứng' }]);
    expect(selectedTitle(wrapper)).toBe('Số hoá hồ sơ tổ 2');
    expect(wrapper.find('[role="status"]').text()).toBe('Đã trả lại báo cáo «Số hoá hồ sơ tổ 1».');
  });

  it('says clearly when someone else reviewed the report first, and drops it from the list', async () => {
    const { wrapper } = await mountQueue({
      ReviewQueue: queueAnswer([report(1), report(2)]),
      ApproveReport: gqlError('CONFLICT', 'The report was already approved'),
    });
    await wrapper.find('[role="listbox"]').trigger('keydown', { key: 'a' });
    await settle();
    expect(wrapper.find('[role="alert"]').text()).toBe(
      'Báo cáo này đã được người khác duyệt hoặc trả lại; đã bỏ khỏi danh sách.',
    );
    expect(wrapper.findAll('[role="option"]')).toHaveLength(1);
  });

  it('explains a refusal in English and keeps the report', async () => {
    const { wrapper } = await mountQueue(
      {
        ReviewQueue: queueAnswer([report(1)]),
        ApproveReport: gqlError('FORBIDDEN', 'Only leaders of a unit above the reporting unit review it'),
      },
      'en',
    );
    expect(wrapper.text()).toContain('Previously approved: 25%');
    await wrapper.find('button.btn-primary').trigger('click');
    await settle();
    expect(wrapper.find('[role="alert"]').text()).toBe(
      'You may not review this report: only leaders of a unit above the reporting unit review it.',
    );
    expect(wrapper.findAll('[role="option"]')).toHaveLength(1);
  });

  it('sends the return with Ctrl+Enter, and gives the focus to the empty line after the last decision', async () => {
    const { server, wrapper } = await mountQueue({
      ReviewQueue: queueAnswer([report(1)]),
      ReturnReport: decided('returnReport', 'RETURNED'),
    });
    await wrapper.find('[role="listbox"]').trigger('keydown', { key: 'r' });
    await flushPromises();
    await wrapper.find('textarea').setValue('Thiếu số liệu');
    await wrapper.find('textarea').trigger('keydown', { key: 'Enter', ctrlKey: true });
    await settle();
    expect(server.of('ReturnReport').map((c) => c.variables)).toEqual([{ id: 'r1', comment: 'Thiếu số liệu' }]);
    const empty = wrapper.find('.empty');
    expect(empty.text()).toBe('Không còn báo cáo nào chờ bạn duyệt.');
    expect(document.activeElement).toBe(empty.element);
  });

  it('says so when nothing is waiting', async () => {
    const { wrapper } = await mountQueue({ ReviewQueue: queueAnswer([]) });
    expect(wrapper.text()).toContain('Không còn báo cáo nào chờ bạn duyệt.');
  });
});
