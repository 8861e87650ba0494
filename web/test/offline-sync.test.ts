import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watch } from 'vue';
import SyncStatusBar from '../src/components/sync/SyncStatusBar.vue';
import { resetDatabaseForTests, useDatabase } from '../src/composables/useDatabase';
import { SyncClient, type SyncEnvironment, type SyncStatus } from '../src/offline/sync-client';
import type { Transport } from '../src/offline/transport';
import { useSyncStore } from '../src/stores/useSyncStore';
import { buildReportEntry, buildTask } from './support/factories';
import { disposeStores, mountWithApp, settle } from './support/mount';

/** A device whose network the test switches, firing 'online' as the browser does. */
function device(initiallyOnline: boolean) {
  let online = initiallyOnline;
  const onOnline = new Set<() => void>();
  const environment: SyncEnvironment = {
    onOnline(cb) {
      onOnline.add(cb);
      return () => onOnline.delete(cb);
    },
    onVisible: () => () => undefined,
    isOnline: () => online,
  };
  return {
    environment,
    goOnline() {
      online = true;
      for (const cb of onOnline) cb();
    },
    goOffline() {
      online = false;
    },
  };
}

function countingServer() {
  const calls: string[] = [];
  const transport: Transport = async <T>(doc: string, vars: Record<string, unknown>) => {
    calls.push(doc.includes('SyncPush') ? 'push' : 'pull');
    if (doc.includes('SyncPush')) {
      const entries = (vars.input as { entries: { id: string }[] }).entries;
      const results = entries.map((e) => ({
        id: e.id,
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
  return { transport, calls };
}

describe('SyncClient while the device is offline', () => {
  beforeEach(() => resetDatabaseForTests());

  it('starts no run and claims no sending; going online syncs as before', async () => {
    const db = useDatabase();
    const task = buildTask();
    for (const p of [10, 20, 30]) await db.outbox.add(buildReportEntry(task.id, p));
    const net = device(false);
    const server = countingServer();
    const client = new SyncClient({ db, transport: server.transport, environment: net.environment, intervalMs: 0, lock: 'none' });
    const statuses: SyncStatus[] = [];
    const phases: string[] = [];
    client.on('state', (s) => {
      statuses.push(s.status);
      phases.push(s.progress.phase);
    });

    client.start();
    const result = await client.syncNow();
    expect(result).toMatchObject({ ran: false, ok: false, error: 'offline' });
    expect(server.calls).toEqual([]);
    expect(statuses).not.toContain('syncing');
    expect(phases).not.toContain('push');
    expect(client.state).toMatchObject({ status: 'offline', sending: [], nextRetryAt: null });
    expect(await db.outbox.count()).toBe(3);

    net.goOnline();
    await vi.waitFor(() => expect(client.state.status).toBe('idle'));
    await client.idle();
    expect(server.calls[0]).toBe('push');
    expect(await db.outbox.count()).toBe(0);
    client.stop();
  });

  it('ends a run cut by the network as offline, with no backoff timer, and resumes on online', async () => {
    const db = useDatabase();
    await db.outbox.add(buildReportEntry(buildTask().id));
    const net = device(true);
    const server = countingServer();
    let cut = true;
    const transport: Transport = async (doc, vars) => {
      if (cut) {
        net.goOffline();
        throw new TypeError('Failed to fetch');
      }
      return server.transport(doc, vars);
    };
    const client = new SyncClient({ db, transport, environment: net.environment, intervalMs: 0, lock: 'none' });
    client.start();
    await vi.waitFor(() => expect(client.state.status).toBe('offline'));
    expect(client.state.nextRetryAt).toBeNull();
    expect(client.state.failures).toBe(0);
    cut = false;
    net.goOnline();
    await vi.waitFor(() => expect(client.state.status).toBe('idle'));
    expect(await db.outbox.count()).toBe(0);
    client.stop();
  });
});

describe('the sync bar while offline', () => {
  let onLine = true;
  beforeEach(async () => {
    await disposeStores();
    await resetDatabaseForTests();
    onLine = true;
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => onLine });
  });
  afterEach(() => {
    Reflect.deleteProperty(navigator, 'onLine');
    window.dispatchEvent(new Event('online'));
  });

  it('never shows "syncing" or "sending 0/3" after an offline reload', async () => {
    onLine = false;
    const db = useDatabase();
    const task = buildTask();
    await db.tasks.put(task);
    for (const p of [10, 20, 30]) await db.outbox.add(buildReportEntry(task.id, p));
    const { wrapper } = await mountWithApp(SyncStatusBar, { path: '/' });
    window.dispatchEvent(new Event('offline'));
    const sync = useSyncStore();
    const seen: string[] = [];
    watch(
      () => sync.state.status,
      (s) => seen.push(s),
    );
    await sync.start();
    await vi.waitFor(() => expect(sync.state.status).toBe('offline'));
    await settle();
    expect(seen).not.toContain('syncing');
    expect(wrapper.text()).toContain('Không có mạng');
    expect(wrapper.text()).toContain('3 mục chưa gửi');
    expect(wrapper.text()).not.toContain('Đang đồng bộ');
    expect(wrapper.text()).not.toContain('Đang gửi báo cáo');
  });

  it('does not claim to send when the network goes during a run', async () => {
    const { wrapper } = await mountWithApp(SyncStatusBar, { path: '/' });
    const sync = useSyncStore();
    sync.state = { ...sync.state, status: 'syncing', progress: { phase: 'push', done: 0, total: 3, bytes: 0 } };
    await settle();
    expect(wrapper.text()).toContain('Đang gửi báo cáo 0/3');
    onLine = false;
    window.dispatchEvent(new Event('offline'));
    await settle();
    expect(wrapper.text()).toContain('Không có mạng');
    expect(wrapper.text()).not.toContain('Đang gửi báo cáo');
    expect(wrapper.text()).not.toContain('Đang đồng bộ');
  });
});
