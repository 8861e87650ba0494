import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { backoffDelay, seededRandom } from '../../src/offline/backoff';
import { OfflineDatabase, getClientId, getMeta, setMeta } from '../../src/offline/db';
import { withSyncLock } from '../../src/offline/lock';
import { editTask, markNotificationRead, recordReport } from '../../src/offline/outbox';
import { UnsentEntriesError, signOutLocally } from '../../src/offline/session';
import { SyncClient } from '../../src/offline/sync-client';
import type { Transport } from '../../src/offline/transport';
import { PROTOCOL_VERSION, type OutboxEntryResult, type SyncPullResult } from '../../src/offline/types';
import { oldDatabase } from '../support/old-database';

let n = 0;
const freshDb = () => new OfflineDatabase(`offline-test-${n++}`, { indexedDB, IDBKeyRange });
const identity = async (b: Blob) => b;

type WireTask = SyncPullResult['tasks'][number];

/** A task as the server sends it (protocol 2: with its resolution). */
function serverTask(over: Partial<WireTask> = {}): WireTask {
  return {
    id: crypto.randomUUID(),
    parentId: null,
    title: 'Nhiệm vụ',
    description: 'Mô tả',
    responsiblePerson: 'Chị Lan',
    expectedResult: 'Báo cáo',
    startOn: null,
    dueOn: '2026-12-31',
    priority: 'NORMAL',
    state: 'OPEN',
    progress: 0,
    version: 1,
    updatedAt: new Date().toISOString(),
    lastReportAt: null,
    completedAt: null,
    originalDueOn: null,
    onTimeDueOn: null,
    resolution: { id: 'res-1', code: '1-NQ/TW', titleVi: 'Nghị quyết 1', titleEn: 'Resolution 1' },
    leadUnitId: 'unit-1',
    assignerUnitId: null,
    ancestorTitles: [],
    reportSchedule: null,
    indicators: [],
    ...over,
  };
}

function page(over: Partial<SyncPullResult> = {}): SyncPullResult {
  return {
    updateRequired: false,
    reset: false,
    cursor: 'c1',
    hasMore: false,
    serverTime: new Date().toISOString(),
    tasks: [],
    reports: [],
    notifications: [],
    extensionRequests: [],
    removals: [],
    resolutions: [],
    units: [],
    people: [],
    ...over,
  };
}

/** A scripted server: answers each push entry with `answer(entry)` and each pull with the next page. */
function fakeServer(answer: (e: { id: string; kind: string }) => Partial<OutboxEntryResult>, pages: SyncPullResult[] = []) {
  const pushed: string[] = [];
  const transport: Transport = async <T>(doc: string, vars: Record<string, unknown>) => {
    const input = vars.input as { entries?: { id: string; kind: string }[] };
    if (doc.includes('SyncPush')) {
      const results = input.entries!.map((e) => {
        pushed.push(e.id);
        return {
          id: e.id,
          status: 'APPLIED',
          code: null,
          field: null,
          reason: null,
          version: null,
          serverTask: null,
          ...answer(e),
        };
      });
      return { syncPush: { updateRequired: false, results } } as T;
    }
    return { syncPull: pages.shift() ?? page() } as T;
  };
  return { transport, pushed };
}

async function seedTask(db: OfflineDatabase, t = serverTask()) {
  await db.tasks.put({ ...t, server: t, serverVersion: t.version, pendingFields: [] });
  return t;
}

describe('local actions', () => {
  it('writes a report, its photos and its outbox entry together, with the photo hashed', async () => {
    const db = freshDb();
    const task = await seedTask(db);
    const blob = new Blob([new Uint8Array([1, 2, 3])], { type: 'image/jpeg' });
    const { report, photoErrors } = await recordReport(
      db,
      { taskId: task.id, percent: 40, photos: [{ blob, fileName: 'a.jpg' }] },
      { compressor: identity },
    );
    expect(photoErrors).toEqual([]);
    const [entry] = await db.outbox.toArray();
    expect(entry?.kind === 'CREATE_REPORT' && entry.createReport.attachments[0]?.sha256).toBe(
      '039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81',
    );
    expect(entry?.refs).toEqual([report.id, task.id]);
    expect((await db.photos.toArray())[0]?.reportId).toBe(report.id);
  });

  it('lays an edit over the server copy and bases it on the server version', async () => {
    const db = freshDb();
    const task = await seedTask(db, serverTask({ version: 7 }));
    const entry = await editTask(db, task.id, { responsiblePerson: 'Anh Hùng' });
    const row = await db.tasks.get(task.id);
    expect(row?.responsiblePerson).toBe('Anh Hùng');
    expect(row?.server.responsiblePerson).toBe('Chị Lan');
    expect(row?.pendingFields).toEqual(['responsiblePerson']);
    expect(entry.kind === 'UPDATE_TASK' && entry.updateTask.baseVersion).toBe(7);
  });

  it('refuses to sign out with unsent entries unless forced, and keeps the installation id', async () => {
    const db = freshDb();
    const clientId = await getClientId(db);
    const task = await seedTask(db);
    await recordReport(db, { taskId: task.id, percent: 1 }, { compressor: identity });
    await expect(signOutLocally(db)).rejects.toBeInstanceOf(UnsentEntriesError);
    expect(await db.outbox.count()).toBe(1);
    await signOutLocally(db, { force: true });
    expect(await db.outbox.count()).toBe(0);
    expect(await db.tasks.count()).toBe(0);
    expect(await getClientId(db)).toBe(clientId);
  });
});

describe('SyncClient', () => {
  it('removes confirmed entries and marks their reports synced', async () => {
    const db = freshDb();
    const task = await seedTask(db);
    const { report } = await recordReport(db, { taskId: task.id, percent: 10 }, { compressor: identity });
    const server = fakeServer(() => ({ status: 'ALREADY_APPLIED' }));
    const client = new SyncClient({ db, transport: server.transport, environment: null, intervalMs: 0, lock: 'none' });
    const result = await client.syncNow();
    expect(result.ok).toBe(true);
    expect(await db.outbox.count()).toBe(0);
    expect((await db.reports.get(report.id))?.syncState).toBe('SYNCED');
    expect(client.state.pending).toBe(0);
  });

  it('sets a rejected entry aside with its reason, keeps one to retry, and never blocks the rest', async () => {
    const db = freshDb();
    const task = await seedTask(db);
    const a = await recordReport(db, { taskId: task.id, percent: 1 }, { compressor: identity });
    const b = await recordReport(db, { taskId: task.id, percent: 2 }, { compressor: identity });
    const c = await recordReport(db, { taskId: task.id, percent: 3 }, { compressor: identity });
    const server = fakeServer((e) =>
      e.id === a.report.id
        ? { status: 'REJECTED', code: 'BAD_USER_INPUT', reason: 'phần trăm sai' }
        : e.id === b.report.id
          ? { status: 'RETRY_LATER' }
          : {},
    );
    const client = new SyncClient({
      db,
      transport: server.transport,
      environment: null,
      intervalMs: 0,
      lock: 'none',
      pushBatch: 1,
    });
    await client.syncNow();
    expect((await db.rejected.get(a.report.id))?.reason).toBe('phần trăm sai');
    expect((await db.reports.get(a.report.id))?.syncState).toBe('REJECTED');
    expect((await db.outbox.toArray()).map((e) => e.id)).toEqual([b.report.id]);
    expect((await db.reports.get(c.report.id))?.syncState).toBe('SYNCED');
  });

  it('records a conflict with both copies and shows the server copy', async () => {
    const db = freshDb();
    const task = await seedTask(db);
    const entry = await editTask(db, task.id, { description: 'Mô tả mới' });
    const theirs = { ...task, version: 2, description: 'Mô tả của tỉnh' };
    const server = fakeServer(() => ({ status: 'CONFLICT', serverTask: theirs }));
    const client = new SyncClient({ db, transport: server.transport, environment: null, intervalMs: 0, lock: 'none' });
    await client.syncNow();
    const conflict = await db.conflicts.get(entry.id);
    expect(conflict?.local.description).toBe('Mô tả mới');
    expect(conflict?.server.description).toBe('Mô tả của tỉnh');
    expect((await db.tasks.get(task.id))?.description).toBe('Mô tả của tỉnh');
    expect(await db.outbox.count()).toBe(0);
  });

  it('rebases a second edit of the same task on the version the first produced', async () => {
    const db = freshDb();
    const task = await seedTask(db, serverTask({ version: 3 }));
    await editTask(db, task.id, { description: 'một' });
    await editTask(db, task.id, { description: 'hai' });
    const bases: number[] = [];
    const transport: Transport = async <T>(doc: string, vars: Record<string, unknown>) => {
      if (!doc.includes('SyncPush')) return { syncPull: page() } as T;
      const entries = (vars.input as { entries: { id: string; updateTask: { baseVersion: number } }[] }).entries;
      const results = entries.map((e) => {
        bases.push(e.updateTask.baseVersion);
        return {
          id: e.id,
          status: 'APPLIED',
          code: null,
          field: null,
          reason: null,
          version: e.updateTask.baseVersion + 1,
          serverTask: null,
        };
      });
      return { syncPush: { updateRequired: false, results } } as T;
    };
    await new SyncClient({ db, transport, environment: null, intervalMs: 0, lock: 'none' }).syncNow();
    expect(bases).toEqual([3, 4]);
    expect((await db.tasks.get(task.id))?.serverVersion).toBe(5);
  });

  it('holds a second edit of a task back while the first waits to be retried', async () => {
    const db = freshDb();
    const task = await seedTask(db, serverTask({ version: 3 }));
    const first = await editTask(db, task.id, { description: 'một' });
    const second = await editTask(db, task.id, { description: 'hai' });
    const busy = fakeServer(() => ({ status: 'RETRY_LATER' }));
    await new SyncClient({ db, transport: busy.transport, environment: null, intervalMs: 0, lock: 'none' }).syncNow();
    // Sent alone on version 3, the second would overtake the first.
    expect(busy.pushed).toEqual([first.id]);
    expect((await db.outbox.orderBy('seq').toArray()).map((e) => e.id)).toEqual([first.id, second.id]);
    const ok = fakeServer(() => ({ status: 'APPLIED', version: 4 }));
    await new SyncClient({ db, transport: ok.transport, environment: null, intervalMs: 0, lock: 'none' }).syncNow();
    expect(ok.pushed).toEqual([first.id, second.id]);
  });

  it('does not apply a page whose cursor another tab replaced meanwhile (here by a reset)', async () => {
    const db = freshDb();
    await seedTask(db);
    await setMeta(db, 'cursor', 'c0');
    let asked!: () => void;
    const askedP = new Promise<void>((r) => (asked = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow: Transport = async <T>(doc: string) => {
      if (!doc.includes('SyncPull')) return { syncPush: { updateRequired: false, results: [] } } as T;
      asked();
      await gate;
      return { syncPull: page({ cursor: 'c1' }) } as T;
    };
    let calls = 0;
    const resetting: Transport = async <T>(doc: string) => {
      if (!doc.includes('SyncPull')) return { syncPush: { updateRequired: false, results: [] } } as T;
      if (calls++ === 0) return { syncPull: page({ reset: true }) } as T;
      throw new TypeError('Failed to fetch');
    };
    const first = new SyncClient({ db, transport: slow, environment: null, intervalMs: 0, lock: 'none' });
    const second = new SyncClient({ db, transport: resetting, environment: null, intervalMs: 0, lock: 'none' });
    const pending = first.syncNow();
    await askedP;
    // The second tab drops the view and is cut off before its full pull: nothing is stored now.
    await second.syncNow();
    expect(await getMeta(db, 'cursor')).toBeUndefined();
    release();
    await pending;
    // Written, c1 would claim the dropped rows were held: the next pull must start from scratch.
    expect(await getMeta(db, 'cursor')).toBeUndefined();
  });

  it('defers a removal while an entry refers to the record', async () => {
    const db = freshDb();
    const task = await seedTask(db);
    await markNotificationRead(db, 'none'); // no such notification: a no-op
    await recordReport(db, { taskId: task.id, percent: 9 }, { compressor: identity });
    const server = fakeServer(() => ({ status: 'RETRY_LATER' }), [page({ removals: [{ entity: 'TASK', id: task.id }] })]);
    const client = new SyncClient({ db, transport: server.transport, environment: null, intervalMs: 0, lock: 'none' });
    await client.syncNow();
    expect(await db.tasks.get(task.id)).toBeDefined();
    expect(await db.deferredRemovals.get(task.id)).toBeDefined();
  });

  it('stops and keeps the outbox when the server needs a newer app', async () => {
    const db = freshDb();
    const task = await seedTask(db);
    await recordReport(db, { taskId: task.id, percent: 9 }, { compressor: identity });
    const transport: Transport = async <T>() => ({ syncPush: { updateRequired: true, results: [] } }) as T;
    const client = new SyncClient({ db, transport, environment: null, intervalMs: 0, lock: 'none' });
    await client.syncNow();
    expect(client.state.status).toBe('updateRequired');
    expect(await db.outbox.count()).toBe(1);
  });

  it('reports progress by phase with bytes counted', async () => {
    const db = freshDb();
    const server = fakeServer(() => ({}), [page({ tasks: [serverTask()] })]);
    const client = new SyncClient({ db, transport: server.transport, environment: null, intervalMs: 0, lock: 'none' });
    const phases: string[] = [];
    let bytes = 0;
    client.on('progress', (p) => {
      phases.push(p.phase);
      bytes = Math.max(bytes, p.bytes);
    });
    await client.syncNow();
    expect(phases).toContain('pull');
    expect(bytes).toBeGreaterThan(0);
    expect(await db.tasks.count()).toBe(1);
  });
});

describe('database version 2', () => {
  it('upgrades a version-1 database: rows kept, new fields null, cursor dropped so the next pull brings them', async () => {
    const name = `offline-upgrade-${n++}`;
    const old = oldDatabase(name, 1);
    const v1Task: Record<string, unknown> = { ...serverTask({ title: 'Cũ' }) };
    delete v1Task.completedAt;
    delete v1Task.resolution;
    await old.table('tasks').put({ ...v1Task, server: { ...v1Task }, serverVersion: 1, pendingFields: [] });
    await old
      .table('reports')
      .put({ id: 'r1', taskId: v1Task.id, state: 'RETURNED', reviewComment: 'Bổ sung', syncState: 'SYNCED' });
    await old.table('outbox').add({ id: crypto.randomUUID(), kind: 'MARK_NOTIFICATION_READ', refs: [], createdAt: 'x' });
    await old.table('meta').bulkPut([
      { key: 'cursor', value: 'old-cursor' },
      { key: 'clientId', value: 'keep-me' },
    ]);
    old.close();

    const db = new OfflineDatabase(name, { indexedDB, IDBKeyRange });
    const task = (await db.tasks.get(v1Task.id as string))!;
    expect(task).toMatchObject({ title: 'Cũ', completedAt: null, resolution: null });
    expect(task.server).toMatchObject({ completedAt: null, resolution: null });
    expect(await db.reports.get('r1')).toMatchObject({ reviewComment: 'Bổ sung', reviewerName: null });
    expect(await db.outbox.count()).toBe(1);
    expect(await db.meta.get('cursor')).toBeUndefined();
    expect((await db.meta.get('clientId'))?.value).toBe('keep-me');

    // The next pull starts from the beginning and fills the new fields; the index finds tasks by resolution.
    const cursors: unknown[] = [];
    const resolution = { id: 'res-57', code: '57-NQ/TW', titleVi: 'Khoa học', titleEn: 'Science' };
    const transport: Transport = async <T>(_doc: string, vars: Record<string, unknown>) => {
      const input = vars.input as { cursor: unknown; protocolVersion: number };
      cursors.push([input.cursor, input.protocolVersion]);
      const t = serverTask({ id: task.id, title: 'Cũ', version: 1, resolution, completedAt: '2026-06-30T03:00:00.000Z' });
      return { syncPull: page({ tasks: [t] }) } as T;
    };
    await new SyncClient({ db, transport, environment: null, intervalMs: 0, lock: 'none' }).syncNow();
    expect(cursors).toEqual([[null, PROTOCOL_VERSION]]);
    expect(await db.tasks.where('resolution.id').equals('res-57').primaryKeys()).toEqual([task.id]);
    expect((await db.tasks.get(task.id))!.completedAt).toBe('2026-06-30T03:00:00.000Z');
  });
});

describe('helpers', () => {
  it('keeps backoff delays within the capped exponential', () => {
    const random = seededRandom(42);
    for (let attempt = 0; attempt < 20; attempt++) {
      const d = backoffDelay(attempt, { baseMs: 1000, maxMs: 60_000, random });
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(Math.min(60_000, 1000 * 2 ** attempt));
    }
  });

  it('lets one holder of the lease fallback sync at a time', async () => {
    const db = freshDb();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = withSyncLock(db, 'tab-1', () => held, { useWebLocks: false });
    await new Promise((r) => setTimeout(r, 20));
    expect(await withSyncLock(db, 'tab-2', async () => undefined, { useWebLocks: false })).toBe(false);
    release();
    expect(await first).toBe(true);
    expect(await withSyncLock(db, 'tab-2', async () => undefined, { useWebLocks: false })).toBe(true);
  });
});
