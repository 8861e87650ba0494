import { beforeEach, describe, expect, it, vi } from 'vitest';
import { resetDatabaseForTests, useDatabase } from '../src/composables/useDatabase';
import TaskDetailPage from '../src/pages/TaskDetailPage.vue';
import TasksPage from '../src/pages/TasksPage.vue';
import { buildReport, buildTask } from './support/factories';
import { mountWithApp } from './support/mount';

// The field screens show the names of the reference rows (sync protocol 4), not the copies the
// rows came with: a rename pulled once shows on every screen.

describe('names on the field screens', () => {
  beforeEach(() => resetDatabaseForTests());

  async function seed() {
    const db = useDatabase();
    const task = buildTask({ title: 'Chuyển đổi số cấp xã', leadUnitId: 'unit-cell' });
    await db.tasks.put(task);
    await db.reports.put(
      buildReport(task.id, {
        state: 'RETURNED',
        reviewerName: 'Nguyễn Thị Hoa',
        reviewedById: 'acc-hoa',
        reviewedAt: '2026-11-25T02:30:00Z',
        reviewComment: 'Thiếu ảnh',
      }),
    );
    await db.resolutions.put({
      ...task.resolution!,
      code: '57-NQ/TW',
      titleVi: 'Đột phá phát triển khoa học, công nghệ (đã sửa)',
    });
    await db.units.put({ id: 'unit-cell', name: 'Chi bộ thôn Tân Lập', kind: 'CELL' });
    await db.people.put({ id: 'acc-hoa', displayName: 'Nguyễn Thị Hoà' });
    return task;
  }

  it('shows the resolution, the lead unit and the reviewer by their current names on the task page', async () => {
    const task = await seed();
    const { wrapper } = await mountWithApp(TaskDetailPage, { path: `/tasks/${task.id}`, props: { id: task.id } });
    await vi.waitFor(() => expect(wrapper.find('[data-test="lead-unit"]').exists()).toBe(true), { timeout: 5000 });
    expect(wrapper.get('[data-test="lead-unit"]').text()).toBe('Chi bộ thôn Tân Lập');
    expect(wrapper.get('[data-test="resolution"]').text()).toContain('Đột phá phát triển khoa học, công nghệ (đã sửa)');
    expect(wrapper.get('[data-test="returned-by"]').text()).toMatch(/^Bị Nguyễn Thị Hoà trả lại lúc /);

    // A later rename reaches the open screen through the live query.
    await useDatabase().units.put({ id: 'unit-cell', name: 'Chi bộ thôn Tân Lập mới', kind: 'CELL' });
    await vi.waitFor(() => expect(wrapper.get('[data-test="lead-unit"]').text()).toBe('Chi bộ thôn Tân Lập mới'), {
      timeout: 5000,
    });
  });

  it('lists and filters by the current name of the resolution', async () => {
    const db = useDatabase();
    const task = buildTask({ title: 'Tập huấn', resolution: { id: 'res-x', code: 'OLD-1', titleVi: 'Tên cũ', titleEn: 'Old' } });
    await db.tasks.put(task);
    await db.resolutions.put({ id: 'res-x', code: '99-NQ/TW', titleVi: 'Tên mới', titleEn: 'New' });
    const { wrapper } = await mountWithApp(TasksPage, { path: '/' });
    await vi.waitFor(() => expect(wrapper.find('.task-card .code').text()).toBe('99-NQ/TW'), { timeout: 5000 });
    expect(wrapper.get('#f-resolution').text()).toContain('99-NQ/TW · Tên mới');
    expect(wrapper.text()).not.toContain('OLD-1');
  });
});
