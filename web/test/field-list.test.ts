import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetDatabaseForTests, useDatabase } from '../src/composables/useDatabase';
import ReportPage from '../src/pages/ReportPage.vue';
import TaskDetailPage from '../src/pages/TaskDetailPage.vue';
import TasksPage from '../src/pages/TasksPage.vue';
import { buildReport, buildTask } from './support/factories';
import { mountWithApp } from './support/mount';

const nq57 = { id: 'r57', code: '57-NQ/TW', titleVi: 'Về đột phá phát triển khoa học, công nghệ', titleEn: 'Science' };
const nq66 = { id: 'r66', code: '66-NQ/TW', titleVi: 'Đổi mới xây dựng và thi hành pháp luật', titleEn: 'Law' };

/** 500 tasks, due one day apart so the order by due date is their number. */
function manyTasks() {
  return Array.from({ length: 500 }, (_, i) => {
    const due = new Date(Date.UTC(2027, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    return buildTask({
      title: `Nhiệm vụ thứ ${String(i).padStart(3, '0')}`,
      dueOn: due,
      startOn: '2026-12-01',
      progress: 10,
      resolution: i % 5 === 0 ? nq66 : nq57,
    });
  });
}

const rowsOf = (w: { findAll: (s: string) => { attributes: (n: string) => string | undefined }[] }) =>
  w.findAll('ul[role="list"] > li').map((li) => Number(li.attributes('data-index')));

describe('TasksPage with several hundred tasks', () => {
  beforeEach(async () => {
    await resetDatabaseForTests();
    window.scrollTo(0, 0);
    // happy-dom does no layout: the list sits 200 px below the top of the page and moves with the scroll.
    vi.spyOn(HTMLElement.prototype, 'getBoundingClientRect').mockImplementation(function (this: HTMLElement) {
      const top = this.matches('ul[role="list"]') ? 200 - window.scrollY : 0;
      return { top, bottom: top, left: 0, right: 0, width: 0, height: 0, x: 0, y: top, toJSON: () => ({}) } as DOMRect;
    });
  });
  afterEach(() => vi.restoreAllMocks());

  async function mountList() {
    const tasks = manyTasks();
    await useDatabase().tasks.bulkPut(tasks);
    // In the document, so that focus moves for real.
    const mounted = await mountWithApp(TasksPage, { path: '/', attachTo: document.body });
    await vi.waitFor(() => expect(mounted.wrapper.text()).toContain('500 / 500'), { timeout: 5000 });
    const { useTaskStore } = await import('../src/stores/useTaskStore');
    useTaskStore().query.sort = 'due';
    await vi.waitFor(() => expect(rowsOf(mounted.wrapper)[0]).toBe(0), { timeout: 5000 });
    return { ...mounted, tasks };
  }

  it('renders only a window of rows, each telling its place in the whole list', async () => {
    const { wrapper } = await mountList();
    const rows = rowsOf(wrapper);
    expect(rows.length).toBeGreaterThan(3);
    expect(rows.length).toBeLessThan(30);
    const first = wrapper.get('ul[role="list"] > li');
    expect(first.attributes('aria-setsize')).toBe('500');
    expect(first.attributes('aria-posinset')).toBe('1');
    expect(wrapper.get('ul[role="list"]').attributes('aria-label')).toBe('Danh sách nhiệm vụ');
    // The rows not rendered still take their room, so the page scrolls the whole length.
    expect(parseFloat(wrapper.get('ul[role="list"]').attributes('style')!.split('padding-bottom:')[1]!)).toBeGreaterThan(
      400 * 100,
    );
  });

  it('brings any task on screen by scrolling', async () => {
    const { wrapper, tasks } = await mountList();
    window.scrollTo(0, 200 + 170 * 400);
    window.dispatchEvent(new Event('scroll'));
    await vi.waitFor(() => expect(rowsOf(wrapper)).toContain(400), { timeout: 5000 });
    expect(rowsOf(wrapper)).not.toContain(0);
    expect(wrapper.text()).toContain(tasks[400]!.title);
    window.scrollTo(0, 200 + 170 * 499);
    window.dispatchEvent(new Event('scroll'));
    await vi.waitFor(() => expect(rowsOf(wrapper)).toContain(499), { timeout: 5000 });
  });

  it('finds a task deep in the list by search, and narrows by resolution', async () => {
    const { wrapper } = await mountList();
    await wrapper.get('#task-search').setValue('nhiem vu thu 437');
    await vi.waitFor(() => expect(wrapper.text()).toContain('1 / 500'), { timeout: 5000 });
    expect(wrapper.findAll('ul[role="list"] > li')).toHaveLength(1);
    expect(wrapper.text()).toContain('Nhiệm vụ thứ 437');

    await wrapper.get('#task-search').setValue('');
    const select = wrapper.get('#f-resolution');
    expect(select.findAll('option').map((o) => o.text())).toEqual([
      'Tất cả',
      '57-NQ/TW · Về đột phá phát triển khoa học, công nghệ',
      '66-NQ/TW · Đổi mới xây dựng và thi hành pháp luật',
    ]);
    await select.setValue('r66');
    await vi.waitFor(() => expect(wrapper.text()).toContain('100 / 500'), { timeout: 5000 });
    expect(wrapper.get('ul[role="list"] > li').attributes('aria-setsize')).toBe('100');
    expect(wrapper.get('ul[role="list"] > li').text()).toContain('66-NQ/TW');
    expect(wrapper.get('ul[role="list"] > li').text()).toContain('Nhiệm vụ thứ 000');
  });

  it('moves focus row by row with the keyboard, rendering the rows it reaches', async () => {
    const { wrapper } = await mountList();
    const link = wrapper.get('li[data-index="0"] a');
    (link.element as HTMLElement).focus();
    await link.trigger('keydown', { key: 'ArrowDown' });
    await vi.waitFor(() => expect(document.activeElement?.closest('li')?.getAttribute('data-index')).toBe('1'));
    await wrapper.get('li[data-index="1"] a').trigger('keydown', { key: 'End' });
    await vi.waitFor(() => expect(document.activeElement?.closest('li')?.getAttribute('data-index')).toBe('499'));
    expect(document.activeElement?.textContent).toContain('Nhiệm vụ thứ 499');
    await wrapper.get('li[data-index="499"] a').trigger('keydown', { key: 'Home' });
    await vi.waitFor(() => expect(document.activeElement?.closest('li')?.getAttribute('data-index')).toBe('0'));
  });

  it('keeps focus in the list when the focused row scrolls out of the window', async () => {
    const { wrapper } = await mountList();
    const list = wrapper.get('ul[role="list"]');
    (wrapper.get('li[data-index="0"] a').element as HTMLElement).focus();
    window.scrollTo(0, 200 + 170 * 300);
    window.dispatchEvent(new Event('scroll'));
    await vi.waitFor(() => expect(rowsOf(wrapper)).not.toContain(0), { timeout: 5000 });
    expect(document.activeElement).toBe(list.element);
    await list.trigger('keydown', { key: 'ArrowDown' });
    await vi.waitFor(() => expect(document.activeElement?.closest('li')).not.toBeNull());
    const index = Number(document.activeElement!.closest('li')!.getAttribute('data-index'));
    expect(index).toBeGreaterThanOrEqual(295);
    expect(index).toBeLessThanOrEqual(305);
  });
});

describe('completed on time or late', () => {
  beforeEach(() => resetDatabaseForTests());

  it('shows on the list which completed task was on time and which was late', async () => {
    const db = useDatabase();
    await db.tasks.bulkPut([
      buildTask({
        title: 'Xong đúng hạn',
        state: 'COMPLETED',
        progress: 100,
        dueOn: '2026-06-30',
        completedAt: '2026-06-28T03:00:00Z',
      }),
      buildTask({
        title: 'Xong trễ',
        state: 'COMPLETED',
        progress: 100,
        dueOn: '2026-06-30',
        completedAt: '2026-07-03T03:00:00Z',
      }),
    ]);
    const { wrapper } = await mountWithApp(TasksPage, { path: '/' });
    await vi.waitFor(() => expect(wrapper.findAll('[data-test="completion"]')).toHaveLength(2), { timeout: 5000 });
    const cards = wrapper.findAll('.task-card');
    const byTitle = (title: string) => cards.find((c) => c.text().includes(title))!;
    expect(byTitle('Xong đúng hạn').get('[data-test="status"]').text()).toBe('Hoàn thành đúng hạn');
    expect(byTitle('Xong đúng hạn').get('[data-test="completion"]').text()).toMatch(/Hoàn thành ngày 28.*đúng hạn/);
    expect(byTitle('Xong trễ').get('[data-test="status"]').text()).toBe('Hoàn thành trễ hạn');
    expect(byTitle('Xong trễ').get('[data-test="status"]').classes()).toContain('badge-bad');
    expect(byTitle('Xong trễ').get('[data-test="completion"]').text()).toMatch(/Hoàn thành ngày 0?3.*trễ 3 ngày/);
  });

  it('shows it on the task detail, in English too', async () => {
    const task = buildTask({ state: 'COMPLETED', progress: 100, dueOn: '2026-06-30', completedAt: '2026-07-01T03:00:00Z' });
    await useDatabase().tasks.put(task);
    const { wrapper } = await mountWithApp(TaskDetailPage, { path: `/tasks/${task.id}`, props: { id: task.id }, locale: 'en' });
    await vi.waitFor(() => expect(wrapper.find('[data-test="completion"]').exists()).toBe(true), { timeout: 5000 });
    expect(wrapper.get('[data-test="status"]').text()).toBe('Done late');
    expect(wrapper.get('[data-test="completion"]').text()).toMatch(/^Completed on .*, 1 day late$/);
    expect(wrapper.get('[data-test="resolution"]').text()).toContain('57-NQ/TW');
  });
});

describe('a returned report on the task detail', () => {
  beforeEach(() => resetDatabaseForTests());

  it('says who returned it, when, and why, and leads to the report form to answer it', async () => {
    const db = useDatabase();
    const task = buildTask({ title: 'Chuyển đổi số cấp xã' });
    const earlier = buildReport(task.id, {
      writtenAt: '2026-10-01T03:00:00Z',
      state: 'APPROVED',
      reviewerName: 'Trần Văn Bình',
      reviewedAt: '2026-10-02T03:00:00Z',
      reviewComment: 'Tốt',
    });
    const returned = buildReport(task.id, {
      writtenAt: '2026-11-20T03:00:00Z',
      state: 'RETURNED',
      reviewerName: 'Nguyễn Thị Hoa',
      reviewedAt: '2026-11-25T02:30:00Z',
      reviewComment: 'Thiếu ảnh minh chứng buổi tập huấn',
    });
    await db.tasks.put(task);
    await db.reports.bulkPut([earlier, returned]);
    const { wrapper, router } = await mountWithApp(TaskDetailPage, { path: `/tasks/${task.id}`, props: { id: task.id } });
    await vi.waitFor(() => expect(wrapper.find('[data-test="returned"]').exists()).toBe(true), { timeout: 5000 });
    const box = wrapper.get('[data-test="returned"]');
    expect(box.get('[data-test="returned-by"]').text()).toMatch(/^Bị Nguyễn Thị Hoa trả lại lúc .*25.*:$/);
    expect(box.text()).toContain('“Thiếu ảnh minh chứng buổi tập huấn”');
    const answer = box.get('a');
    expect(answer.text()).toBe('Trả lời báo cáo này');
    await answer.trigger('click');
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('report'));
    expect(router.currentRoute.value.params.id).toBe(task.id);
    expect(router.currentRoute.value.query.answers).toBe(returned.id);
  });

  it('keeps who returned it and why above the report form that answers it', async () => {
    const db = useDatabase();
    const task = buildTask();
    const returned = buildReport(task.id, {
      state: 'RETURNED',
      reviewerName: 'Nguyễn Thị Hoa',
      reviewedAt: '2026-11-25T02:30:00Z',
      reviewComment: 'Thiếu ảnh minh chứng',
    });
    await db.tasks.put(task);
    await db.reports.put(returned);
    const { wrapper } = await mountWithApp(ReportPage, {
      path: `/tasks/${task.id}/report?answers=${returned.id}`,
      props: { id: task.id, answers: returned.id },
    });
    await vi.waitFor(() => expect(wrapper.find('[data-test="answering-by"]').exists()).toBe(true), { timeout: 5000 });
    expect(wrapper.get('[data-test="answering-by"]').text()).toMatch(/^Bị Nguyễn Thị Hoa trả lại lúc /);
    expect(wrapper.text()).toContain('“Thiếu ảnh minh chứng”');
  });

  it('names the reviewer of each report in the history', async () => {
    const db = useDatabase();
    const task = buildTask();
    await db.tasks.put(task);
    await db.reports.put(
      buildReport(task.id, {
        state: 'APPROVED',
        reviewerName: 'Trần Văn Bình',
        reviewedAt: '2026-10-02T03:00:00Z',
        reviewComment: 'Tốt',
      }),
    );
    const { wrapper } = await mountWithApp(TaskDetailPage, { path: `/tasks/${task.id}`, props: { id: task.id } });
    await vi.waitFor(() => expect(wrapper.find('[data-test="reviewed-by"]').exists()).toBe(true), { timeout: 5000 });
    expect(wrapper.get('[data-test="reviewed-by"]').text()).toMatch(/^Trần Văn Bình duyệt lúc /);
    expect(wrapper.find('[data-test="returned"]').exists()).toBe(false);
  });
});
