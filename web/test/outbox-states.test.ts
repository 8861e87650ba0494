import { vi, beforeEach, describe, expect, it } from 'vitest';
import { resetDatabaseForTests, useDatabase } from '../src/composables/useDatabase';
import SyncPage from '../src/pages/SyncPage.vue';
import { SyncClient } from '../src/offline/sync-client';
import type { Transport } from '../src/offline/transport';
import { entryViews, useSyncStore } from '../src/stores/useSyncStore';
import { buildReport, buildReportEntry, buildServerTask, buildTask } from './support/factories';
import { mountWithApp, settle } from './support/mount';

const none = new Set<string>();

describe('entryViews', () => {
  const task = buildTask();

  it('shows an unsent entry as waiting, and as sending only while it is in the request in flight', () => {
    const entry = buildReportEntry(task.id, 70);
    const other = buildReportEntry(task.id, 80);
    expect(entryViews([entry], [], [], [], none)[0]).toMatchObject({ state: 'waiting', percent: 70, taskId: task.id });
    const views = entryViews([entry, other], [], [], [], new Set([entry.id]));
    expect(views.map((v) => [v.id, v.state])).toEqual([
      [entry.id, 'sending'],
      [other.id, 'waiting'],
    ]);
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
      none,
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
    expect(entryViews([], [], [conflict], [], none)[0]).toMatchObject({ state: 'conflict', conflictId: 'c1' });
  });

  it('lists confirmed reports as sent', () => {
    const report = buildReport(task.id, { percent: 30 });
    expect(entryViews([], [], [], [report], none)[0]).toMatchObject({ state: 'sent', percent: 30 });
  });
});

describe('SyncClient and the sync store: per-entry sending', () => {
  beforeEach(() => resetDatabaseForTests());

  it('marks as sending exactly the entries of the batch in flight, then the next batch', async () => {
    const db = useDatabase();
    const task = buildTask();
    const entries = [buildReportEntry(task.id, 10), buildReportEntry(task.id, 20), buildReportEntry(task.id, 30)];
    for (const e of entries) await db.outbox.add(e);
    const requests: { ids: string[]; release: () => void }[] = [];
    const transport: Transport = async <T>(doc: string, vars: Record<string, unknown>) => {
      const input = vars.input as { entries?: { id: string }[] };
      if (doc.includes('SyncPush')) {
        const ids = input.entries!.map((e) => e.id);
        await new Promise<void>((release) => requests.push({ ids, release }));
        const results = ids.map((id) => ({
          id,
          status: 'APPLIED',
          code: null,
          field: null,
          reason: null,
          version: null,
          serverTask: null,
        }));
        return { syncPush: { updateRequired: false, results } } as T;
      }
      const pull = { updateRequired: false, reset: false, cursor: 'c', hasMore: false, serverTime: new Date().toISOString() };
      return { syncPull: { ...pull, tasks: [], reports: [], notifications: [], removals: [] } } as T;
    };
    const client = new SyncClient({ db, transport, environment: null, intervalMs: 0, lock: 'none', pushBatch: 2 });
    const seen: string[][] = [];
    client.on('state', (s) => seen.push(s.sending));
    const run = client.syncNow();

    await vi.waitFor(() => expect(requests).toHaveLength(1));
    expect(client.state.sending).toEqual([entries[0]!.id, entries[1]!.id]);
    const views = entryViews(entries, [], [], [], new Set(client.state.sending));
    expect(views.map((v) => v.state)).toEqual(['sending', 'sending', 'waiting']);
    requests[0]!.release();

    await vi.waitFor(() => expect(requests).toHaveLength(2));
    expect(client.state.sending).toEqual([entries[2]!.id]);
    requests[1]!.release();
    await run;
    expect(client.state.sending).toEqual([]);
    expect(seen.some((s) => s.length === 0)).toBe(true);
  });

  it('clears the sending state when the request fails', async () => {
    const db = useDatabase();
    const task = buildTask();
    await db.outbox.add(buildReportEntry(task.id));
    const transport: Transport = async () => {
      throw new Error('network down');
    };
    const client = new SyncClient({ db, transport, environment: null, intervalMs: 0, lock: 'none' });
    const result = await client.syncNow();
    expect(result.ok).toBe(false);
    expect(client.state.sending).toEqual([]);
    expect(await db.outbox.count()).toBe(1);
  });

  it('shows on the sync screen as sending only the entry the client is sending', async () => {
    const db = useDatabase();
    const task = buildTask();
    const inFlight = buildReportEntry(task.id, 40);
    const later = buildReportEntry(task.id, 50);
    await db.tasks.put(task);
    await db.outbox.add(inFlight);
    await db.outbox.add(later);
    const { wrapper } = await mountWithApp(SyncPage, { path: '/sync' });
    const sync = useSyncStore();
    sync.state = {
      ...sync.state,
      status: 'syncing',
      progress: { phase: 'push', done: 0, total: 2, bytes: 0 },
      sending: [inFlight.id],
    };
    await vi.waitFor(
      () => expect(wrapper.findAll('[data-state]').map((li) => li.attributes('data-state'))).toEqual(['sending', 'waiting']),
      {
        timeout: 5000,
      },
    );
    expect(wrapper.get('[data-state="sending"]').text()).toContain('40');
    expect(wrapper.get('[data-state="waiting"]').text()).toContain('50');
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
      reason: 'Only the lead unit’s reporters and focal officers report on this task',
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
    expect(wrapper.get('[data-test="refusal"]').text()).toBe(
      'Bị từ chối: Tài khoản này không được báo cáo nhiệm vụ này: nhiệm vụ đã giao cho đơn vị khác hoặc tài khoản không có quyền báo cáo.',
    );
    // The server's English words stay available, folded away as a detail.
    const detail = wrapper.get('[data-state="rejected"] details');
    expect(detail.get('summary').text()).toBe('Chi tiết từ máy chủ');
    expect(detail.get('[lang="en"]').text()).toBe('Only the lead unit’s reporters and focal officers report on this task');
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
