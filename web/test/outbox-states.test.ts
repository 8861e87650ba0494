import { vi, beforeEach, describe, expect, it } from 'vitest';
import { resetDatabaseForTests, useDatabase } from '../src/composables/useDatabase';
import SyncPage from '../src/pages/SyncPage.vue';
import { entryViews } from '../src/stores/useSyncStore';
import { buildReport, buildReportEntry, buildServerTask, buildTask } from './support/factories';
import { mountWithApp, settle } from './support/mount';

describe('entryViews', () => {
  const task = buildTask();

  it('shows an unsent entry as waiting, and as sending while a push runs', () => {
    const entry = buildReportEntry(task.id, 70);
    expect(entryViews([entry], [], [], [], false)[0]).toMatchObject({ state: 'waiting', percent: 70, taskId: task.id });
    expect(entryViews([entry], [], [], [], true)[0]?.state).toBe('sending');
  });

  it('keeps the reason of a rejected entry', () => {
    const entry = buildReportEntry(task.id);
    const [view] = entryViews(
      [],
      [
        {
          id: entry.id,
          entry,
          code: 'BAD_USER_INPUT',
          field: 'percent',
          reason: 'Tiến độ không hợp lệ',
          rejectedAt: '2026-11-29T09:00:00Z',
        },
      ],
      [],
      [],
      false,
    );
    expect(view).toMatchObject({ state: 'rejected', code: 'BAD_USER_INPUT', reason: 'Tiến độ không hợp lệ', taskId: task.id });
  });

  it('points a conflict to the screen that settles it', () => {
    const conflict = {
      id: 'c1',
      entryId: 'e1',
      taskId: task.id,
      local: { taskId: task.id, baseVersion: 1, description: 'mine' },
      server: buildServerTask(),
      createdAt: '2026-11-29T09:00:00Z',
    };
    expect(entryViews([], [], [conflict], [], false)[0]).toMatchObject({ state: 'conflict', conflictId: 'c1' });
  });

  it('lists confirmed reports as sent', () => {
    const report = buildReport(task.id, { percent: 30 });
    expect(entryViews([], [], [], [report], false)[0]).toMatchObject({ state: 'sent', percent: 30 });
  });
});

describe('SyncPage', () => {
  beforeEach(() => resetDatabaseForTests());

  it('shows every entry with its state from the local database', async () => {
    const db = useDatabase();
    const task = buildTask({ title: 'Phổ cập kỹ năng số' });
    const waiting = buildReportEntry(task.id, 40);
    const refused = buildReportEntry(task.id, 90);
    await db.tasks.put(task);
    await db.outbox.add(waiting);
    await db.rejected.put({
      id: refused.id,
      entry: refused,
      code: 'FORBIDDEN',
      field: null,
      reason: 'Nhiệm vụ đã chuyển đơn vị khác',
      rejectedAt: '2026-11-29T10:00:00Z',
    });
    await db.reports.put(buildReport(task.id, { percent: 20 }));
    await db.conflicts.put({
      id: 'c1',
      entryId: 'e1',
      taskId: task.id,
      local: { taskId: task.id, baseVersion: 1, description: 'mới' },
      server: task.server,
      createdAt: '2026-11-29T09:00:00Z',
    });

    const { wrapper } = await mountWithApp(SyncPage, { path: '/sync' });
    await settle(10);
    const states = wrapper.findAll('[data-state]').map((li) => li.attributes('data-state'));
    expect(states.sort()).toEqual(['conflict', 'rejected', 'sent', 'waiting']);
    expect(wrapper.text()).toContain('Bị từ chối: Tài khoản không được phép gửi mục này.');
    expect(wrapper.text()).toContain('Máy chủ trả lời: Nhiệm vụ đã chuyển đơn vị khác');
    expect(wrapper.text()).toContain('Phổ cập kỹ năng số');
    expect(wrapper.get('[data-state="conflict"] a').attributes('href')).toBe('/sync/conflicts/c1');
  });

  it('puts a rejected entry back in the outbox when the person sends it again', async () => {
    const db = useDatabase();
    const task = buildTask();
    const refused = buildReportEntry(task.id, 90);
    await db.rejected.put({
      id: refused.id,
      entry: refused,
      code: 'FORBIDDEN',
      field: null,
      reason: 'tạm thời',
      rejectedAt: '2026-11-29T10:00:00Z',
    });
    const { wrapper } = await mountWithApp(SyncPage, { path: '/sync' });
    // Live queries settle at their own pace on a loaded machine: wait for each state, not a fixed time.
    await vi.waitFor(() => wrapper.get('[data-state="rejected"] button'), { timeout: 5000 });
    await wrapper.get('[data-state="rejected"] button').trigger('click');
    await vi.waitFor(async () => expect(await db.rejected.count()).toBe(0), { timeout: 5000 });
    expect((await db.outbox.toArray()).map((e) => e.id)).toEqual([refused.id]);
    await vi.waitFor(() => expect(wrapper.get(`[data-state="waiting"]`).text()).toContain('Đang chờ'), { timeout: 5000 });
  });
});
