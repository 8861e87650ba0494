import { beforeEach, describe, expect, it, vi } from 'vitest';
import ConflictCompare from '../src/components/sync/ConflictCompare.vue';
import { resetDatabaseForTests, useDatabase } from '../src/composables/useDatabase';
import ConflictPage from '../src/pages/ConflictPage.vue';
import type { ConflictRecord } from '../src/offline/types';
import { buildTask } from './support/factories';
import { mountWithApp, settle } from './support/mount';

function conflictFor(taskId: string, server = buildTask({ id: taskId }).server): ConflictRecord {
  return {
    id: 'conflict-1',
    entryId: 'entry-1',
    taskId,
    local: { taskId, baseVersion: 1, responsiblePerson: 'Trần Thị B (máy này)' },
    server: { ...server, id: taskId, version: 3, responsiblePerson: 'Lê Văn C (máy chủ)' },
    createdAt: '2026-11-29T09:00:00Z',
  };
}

describe('ConflictCompare', () => {
  it('shows both versions of the disputed field and nothing else', async () => {
    const { wrapper } = await mountWithApp(ConflictCompare, { props: { conflict: conflictFor('t1') } });
    expect(wrapper.text()).toContain('Trần Thị B (máy này)');
    expect(wrapper.text()).toContain('Lê Văn C (máy chủ)');
    expect(wrapper.findAll('h2').map((h) => h.text())).toEqual(['Người phụ trách']);
    expect(wrapper.text()).toContain('phiên bản 1');
    expect(wrapper.text()).toContain('phiên bản 3');
  });

  it('does not decide until the person chooses', async () => {
    const { wrapper } = await mountWithApp(ConflictCompare, { props: { conflict: conflictFor('t1') } });
    expect(wrapper.get('button[type=submit]').attributes('disabled')).toBeDefined();
    await wrapper.get('form').trigger('submit');
    expect(wrapper.emitted('choose')).toBeUndefined();
    await wrapper.get('input[value=SERVER]').setValue(true);
    await wrapper.get('form').trigger('submit');
    expect(wrapper.emitted('choose')).toEqual([['SERVER']]);
  });
});

describe('ConflictPage', () => {
  beforeEach(async () => {
    // offline: the choice is recorded locally; sending it is the sync client's business
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
    await resetDatabaseForTests();
  });

  it('keeping mine queues the edit again on the server version that was shown', async () => {
    const db = useDatabase();
    const task = buildTask();
    await db.tasks.put(task);
    await db.conflicts.put(conflictFor(task.id, task.server));
    const { wrapper, router } = await mountWithApp(ConflictPage, {
      path: '/sync/conflicts/conflict-1',
      props: { conflictId: 'conflict-1' },
    });
    await settle(10);
    await wrapper.get('input[value=MINE]').setValue(true);
    await wrapper.get('form').trigger('submit');
    await settle(10);
    expect(await db.conflicts.count()).toBe(0);
    const [entry] = await db.outbox.toArray();
    expect(entry?.kind === 'UPDATE_TASK' && entry.updateTask).toMatchObject({
      taskId: task.id,
      baseVersion: 3,
      responsiblePerson: 'Trần Thị B (máy này)',
    });
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('sync'), { timeout: 10_000 });
  });

  it("keeping the server's version queues nothing", async () => {
    const db = useDatabase();
    const task = buildTask();
    await db.tasks.put(task);
    await db.conflicts.put(conflictFor(task.id, task.server));
    const { wrapper } = await mountWithApp(ConflictPage, {
      path: '/sync/conflicts/conflict-1',
      props: { conflictId: 'conflict-1' },
    });
    await settle(10);
    await wrapper.get('input[value=SERVER]').setValue(true);
    await wrapper.get('form').trigger('submit');
    await settle(10);
    expect(await db.conflicts.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
  });
});
