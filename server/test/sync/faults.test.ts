import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editTask, recordReport, resolveConflict } from '../../../web/src/offline/outbox.js';
import { SyncClient } from '../../../web/src/offline/sync-client.js';
import { fetchTransport } from '../../../web/src/offline/transport.js';
import type { Fault } from './support/fault-proxy.js';
import { buildFieldWorld, serverView } from './support/field-world.js';
import { SyncHarness, syncUntilClean } from './support/sync-harness.js';

const identity = async (b: Blob) => b;

describe('offline sync under faults', () => {
  let h: SyncHarness;
  let n = 0;
  const dbName = () => `faults-${process.pid}-${n++}`;

  beforeAll(async () => {
    h = await SyncHarness.start();
  });
  afterAll(() => h.close());

  /** Faults for push requests only, in the order given, then pass. */
  function failPushes(...faults: Fault[]) {
    const queue = [...faults];
    h.proxy.decide = (req) => (req.body.includes('SyncPush') ? (queue.shift() ?? 'pass') : 'pass');
  }

  /** Reassigns through the real API, as the assigning commune's focal officer. */
  async function reassign(taskId: string, leadUnitId: string, token: string) {
    const gql = fetchTransport(`${h.proxyUrl}/graphql`, () => token);
    const [{ version }] = await h
      .em()
      .getConnection()
      .execute<{ version: number }[]>(`select version from task where id = ?`, [taskId]);
    await gql(`mutation ($input: ReassignTaskInput!) { reassignTask(input: $input) { id } }`, {
      input: { id: taskId, baseVersion: version, leadUnitId, reason: 'Điều chỉnh phân công' },
    });
  }

  async function reportsOnServer(ids: string[]) {
    const rows = await h
      .em()
      .getConnection()
      .execute<{ id: string }[]>(`select id from progress_report where id in (${ids.map(() => '?').join(',')})`, ids);
    return rows.map((r) => r.id).sort();
  }

  async function submitAudits(id: string) {
    const [{ n }] = await h
      .em()
      .getConnection()
      .execute<{ n: string }[]>(`select count(*) as n from audit_event where action = 'report.submit' and entity_id = ?`, [id]);
    return Number(n);
  }

  async function fieldDevice(tasks = 3) {
    const w = await buildFieldWorld(h, { tasks, people: 1 });
    const d = h.device(dbName(), w.people[0]!.token);
    h.proxy.decide = () => 'pass';
    await syncUntilClean(d.client);
    return { w, ...d };
  }

  it('stores a report once when the response was lost after the server committed', async () => {
    const { w, db, client } = await fieldDevice();
    const { report } = await recordReport(db, { taskId: w.tasks[0]!.id, percent: 40 }, { compressor: identity });
    failPushes('lose-response');
    const first = await client.syncNow();
    expect(first.ok).toBe(false);
    expect(await db.outbox.count()).toBe(1);
    expect(await reportsOnServer([report.id])).toEqual([report.id]);
    await syncUntilClean(client);
    expect(await submitAudits(report.id)).toBe(1);
    expect((await db.reports.get(report.id))?.syncState).toBe('SYNCED');
  });

  it('applies nothing from a request cut mid-body, and everything on the retry', async () => {
    const { w, db, client } = await fieldDevice();
    const { report } = await recordReport(db, { taskId: w.tasks[1]!.id, percent: 10 }, { compressor: identity });
    failPushes('reset-request');
    expect((await client.syncNow()).ok).toBe(false);
    expect(await reportsOnServer([report.id])).toEqual([]);
    await syncUntilClean(client);
    expect(await reportsOnServer([report.id])).toEqual([report.id]);
  });

  it('stores a batch delivered twice at once only once', async () => {
    const { w, db, client } = await fieldDevice();
    const ids = [];
    for (const t of w.tasks)
      ids.push((await recordReport(db, { taskId: t.id, percent: 30 }, { compressor: identity })).report.id);
    failPushes('duplicate');
    await syncUntilClean(client);
    expect(await reportsOnServer(ids)).toEqual([...ids].sort());
    for (const id of ids) expect(await submitAudits(id)).toBe(1);
  });

  it('stores each entry once when two tabs push the same outbox at once', async () => {
    const { w, db } = await fieldDevice();
    const ids = [];
    for (let i = 0; i < 12; i++) {
      ids.push((await recordReport(db, { taskId: w.tasks[i % 3]!.id, percent: i }, { compressor: identity })).report.id);
    }
    const token = w.people[0]!.token;
    const tab = () =>
      new SyncClient({
        db,
        transport: fetchTransport(`${h.proxyUrl}/graphql`, () => token),
        environment: null,
        intervalMs: 0,
        lock: 'none',
        pushBatch: 3,
      });
    await Promise.all([tab().syncNow(), tab().syncNow()]);
    await syncUntilClean(tab());
    expect(await reportsOnServer(ids)).toEqual([...ids].sort());
    for (const id of ids) expect(await submitAudits(id)).toBe(1);
    expect(await db.outbox.count()).toBe(0);
  });

  it('sets a poison entry aside with its reason and lets the entries behind it through', async () => {
    const { w, db, client } = await fieldDevice();
    const before = await recordReport(db, { taskId: w.tasks[0]!.id, percent: 5 }, { compressor: identity });
    const poison = await recordReport(db, { taskId: crypto.randomUUID(), percent: 5 }, { compressor: identity });
    const after = await recordReport(db, { taskId: w.tasks[1]!.id, percent: 6 }, { compressor: identity });
    const rejected: string[] = [];
    client.on('rejected', (e) => rejected.push(e.entryId));
    await syncUntilClean(client);
    expect(await reportsOnServer([before.report.id, poison.report.id, after.report.id])).toEqual(
      [before.report.id, after.report.id].sort(),
    );
    expect(rejected).toEqual([poison.report.id]);
    const setAside = await db.rejected.get(poison.report.id);
    expect(setAside?.code).toBe('NOT_FOUND');
    expect((await db.reports.get(poison.report.id))?.syncState).toBe('REJECTED');
  });

  it('loses and doubles nothing when the server restarts in the middle of a push', async () => {
    const { w, db, client } = await fieldDevice();
    const ids = [];
    for (let i = 0; i < 40; i++) {
      ids.push((await recordReport(db, { taskId: w.tasks[i % 3]!.id, percent: i }, { compressor: identity })).report.id);
    }
    let restarting: Promise<void> | null = null;
    h.proxy.decide = (req) => {
      if (req.body.includes('SyncPush') && !restarting)
        restarting = new Promise((r) => setTimeout(r, 15)).then(() => h.restart());
      return 'pass';
    };
    await client.syncNow();
    await restarting;
    h.proxy.decide = () => 'pass';
    await syncUntilClean(client);
    expect(await reportsOnServer(ids)).toEqual([...ids].sort());
    for (const id of ids) expect(await submitAudits(id)).toBe(1);
  });

  it('accepts reports from a device whose clock is a day off either way', async () => {
    const w = await buildFieldWorld(h, { tasks: 1, people: 2 });
    const day = 24 * 3600_000;
    const ahead = h.device(dbName(), w.people[0]!.token, { now: () => new Date(Date.now() + day) });
    const behind = h.device(dbName(), w.people[1]!.token, { now: () => new Date(Date.now() - day) });
    await syncUntilClean(ahead.client);
    await syncUntilClean(behind.client);
    const a = await recordReport(
      ahead.db,
      { taskId: w.tasks[0]!.id, percent: 20 },
      { now: () => new Date(Date.now() + day), compressor: identity },
    );
    const b = await recordReport(
      behind.db,
      { taskId: w.tasks[0]!.id, percent: 30 },
      { now: () => new Date(Date.now() - day), compressor: identity },
    );
    await syncUntilClean(ahead.client);
    await syncUntilClean(behind.client);
    expect(await reportsOnServer([a.report.id, b.report.id])).toEqual([a.report.id, b.report.id].sort());
    const rows = await h
      .em()
      .getConnection()
      .execute<{ id: string; written_at: Date }[]>(`select id, written_at from progress_report where id in (?, ?)`, [
        a.report.id,
        b.report.id,
      ]);
    for (const r of rows) {
      // The skew measured at push puts the written time back in server time.
      expect(Math.abs(new Date(r.written_at).getTime() - Date.now())).toBeLessThan(10 * 60_000);
    }
  });

  it('keeps and flags a report for a task reassigned while the device was offline, then drops the task', async () => {
    const { w, db, client } = await fieldDevice(2);
    const other = await buildFieldWorld(h, { tasks: 0, people: 0, commune: w.commune });
    const task = w.tasks[0]!;
    const { report } = await recordReport(db, { taskId: task.id, percent: 70 }, { compressor: identity });
    await reassign(task.id, other.cell.id, w.leader.token);
    await syncUntilClean(client);
    const [row] = await h
      .em()
      .getConnection()
      .execute<{ flagged_reassigned: boolean }[]>(`select flagged_reassigned from progress_report where id = ?`, [report.id]);
    expect(row?.flagged_reassigned).toBe(true);
    expect((await db.reports.get(report.id))?.syncState).toBe('SYNCED');
    expect(await db.tasks.get(task.id)).toBeUndefined();
  });

  it('turns a task edited on both sides into one visible conflict and overwrites nothing', async () => {
    const w = await buildFieldWorld(h, { tasks: 1, people: 2 });
    const a = h.device(dbName(), w.people[0]!.token);
    const b = h.device(dbName(), w.people[1]!.token);
    await syncUntilClean(a.client);
    await syncUntilClean(b.client);
    const id = w.tasks[0]!.id;
    await editTask(a.db, id, { responsiblePerson: 'Chị Lan' });
    await editTask(b.db, id, { responsiblePerson: 'Anh Hùng' });
    await syncUntilClean(a.client);
    await syncUntilClean(b.client);
    const [server] = (await serverView(h, w.cell.path)).tasks;
    expect(server!.responsible_person).toBe('Chị Lan');
    const conflicts = await b.db.conflicts.toArray();
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]!.local.responsiblePerson).toBe('Anh Hùng');
    expect(conflicts[0]!.server.responsiblePerson).toBe('Chị Lan');
    expect((await b.db.tasks.get(id))?.responsiblePerson).toBe('Chị Lan');

    await resolveConflict(b.db, conflicts[0]!.id, 'MINE');
    await syncUntilClean(b.client);
    await syncUntilClean(a.client);
    const [after] = (await serverView(h, w.cell.path)).tasks;
    expect(after!.responsible_person).toBe('Anh Hùng');
    expect((await a.db.tasks.get(id))?.responsiblePerson).toBe('Anh Hùng');
    expect(await b.db.conflicts.count()).toBe(0);
  });

  it('keeps a removed task while an unsent entry refers to it, and removes it once the entry is confirmed', async () => {
    const { w, db, client } = await fieldDevice(2);
    const other = await buildFieldWorld(h, { tasks: 0, people: 0, commune: w.commune });
    const task = w.tasks[1]!;
    const { report } = await recordReport(db, { taskId: task.id, percent: 15 }, { compressor: identity });
    await reassign(task.id, other.cell.id, w.leader.token);
    // Pushes fail, pulls pass: the removal arrives while the report is still unsent.
    const pullOnly = new SyncClient({
      db,
      transport: async (doc, vars) => {
        // The push goes unanswered (entries stay), the pull goes through.
        if (doc.includes('SyncPush')) return { syncPush: { updateRequired: false, results: [] } } as never;
        return fetchTransport(`${h.proxyUrl}/graphql`, () => w.people[0]!.token)(doc, vars);
      },
      environment: null,
      intervalMs: 0,
    });
    await pullOnly.syncNow();
    expect(await db.tasks.get(task.id)).toBeDefined();
    expect(await db.deferredRemovals.get(task.id)).toBeDefined();
    h.proxy.decide = () => 'pass';
    await syncUntilClean(client);
    expect(await reportsOnServer([report.id])).toEqual([report.id]);
    expect(await db.tasks.get(task.id)).toBeUndefined();
    expect(await db.deferredRemovals.count()).toBe(0);
  });
});
