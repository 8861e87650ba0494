import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../src/modules/accounts/role.js';
import { verifyAuditChains } from '../../src/modules/audit/audit-verify.js';
import { applyBatch } from '../../src/modules/derived/derived-apply.js';
import { verifyDerived } from '../../src/modules/derived/derived-verify.js';
import { buildIndicator, buildTask, buildTree, buildUnit, tokenFor } from '../support/factories.js';
import { createTestApp, ok, type GraphQLResponse, type TestApp } from '../support/test-app.js';

const PUSH = `mutation ($input: SyncPushInput!) { syncPush(input: $input) { results { id status reason } } }`;
const PULL = `query ($input: SyncPullInput!) { syncPull(input: $input) { reports { id percent } tasks { id lastReportAt } } }`;

let t: TestApp;
let tree: Awaited<ReturnType<typeof buildTree>>;

beforeAll(async () => {
  t = await createTestApp();
  tree = await buildTree(t.em());
});
afterAll(() => t.close());

/** A request that does not wait for the derived worker, as a device's does. */
async function post<T>(app: TestApp, query: string, variables: Record<string, unknown>, token: string) {
  const res = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GraphQLResponse<T>;
}

function reportEntry(taskId: string, percent: number, values: { indicatorId: string; value: number }[] = []) {
  const id = randomUUID();
  const now = new Date().toISOString();
  return {
    id,
    kind: 'CREATE_REPORT',
    createdAt: now,
    createReport: {
      reportId: id,
      taskId,
      percent,
      values,
      hasObstacles: percent < 30,
      obstacles: percent < 30 ? 'Thiếu kinh phí' : null,
      writtenAt: now,
    },
  };
}

interface Device {
  token: string;
  clientId: string;
  taskId: string;
  indicatorId: string;
}

async function devices(n: number): Promise<Device[]> {
  const out: Device[] = [];
  for (let i = 0; i < n; i++) {
    const cell = await buildUnit(t.em(), { parent: i % 2 ? tree.commune : tree.siblingCommune, kind: 'CELL' });
    const { token } = await tokenFor(t, cell, [Role.REPORTER]);
    const task = await buildTask(t.em(), { lead: cell, assigner: tree.province });
    const indicator = await buildIndicator(t.em(), task);
    out.push({ token, clientId: randomUUID(), taskId: task.id, indicatorId: indicator.id });
  }
  return out;
}

/** One report pushed by the device, applied. */
async function pushReport(d: Device, percent: number): Promise<void> {
  const entries = [reportEntry(d.taskId, percent)];
  ok(await post(t, PUSH, { input: { protocolVersion: 2, clientId: d.clientId, entries } }, d.token));
}

async function pendingChanges(): Promise<number> {
  const [row] = await t.em().getConnection().execute<{ n: number }[]>(`select count(*)::int as n from derived_change`);
  return row!.n;
}

async function expectConsistent() {
  await t.drain();
  expect((await verifyDerived(t.em())).differences).toEqual([]);
  const audit = await verifyAuditChains(t.em());
  expect(audit.problems).toEqual([]);
  expect(audit.unsealed).toBe(0);
}

describe('the write path', () => {
  it('stores a push of 50 reports in one transaction, and a pull shows them before the worker runs', async () => {
    const [d] = await devices(1);
    await t.app.derived.stop();
    const entries = Array.from({ length: 50 }, (_, i) =>
      reportEntry(d!.taskId, i * 2, [{ indicatorId: d!.indicatorId, value: i }]),
    );
    const pushed = ok(
      await post<{ syncPush: { results: { status: string }[] } }>(
        t,
        PUSH,
        { input: { protocolVersion: 2, clientId: d!.clientId, entries } },
        d!.token,
      ),
    );
    expect(pushed.syncPush.results.map((r) => r.status)).toEqual(Array(50).fill('APPLIED'));
    expect(await pendingChanges()).toBeGreaterThanOrEqual(50);
    const pulled = ok(
      await post<{ syncPull: { reports: { id: string }[] } }>(
        t,
        PULL,
        { input: { protocolVersion: 2, clientId: d!.clientId, limit: 1000 } },
        d!.token,
      ),
    );
    expect(pulled.syncPull.reports.map((r) => r.id).sort()).toEqual(entries.map((e) => e.id).sort());
    // Derived figures follow once the worker has run.
    const [before] = await t
      .em()
      .getConnection()
      .execute<{ n: number | null }[]>(`select (select n from task_report_state where task_id = ?) as n`, [d!.taskId]);
    expect(before!.n).toBeNull();
    // The API says how far derived figures trail: to before the push, until the worker runs.
    const FRESHNESS = `{ derivedFreshness { currentTo lagSeconds } }`;
    type Fresh = { derivedFreshness: { currentTo: string; lagSeconds: number } };
    const trailing = ok(await post<Fresh>(t, FRESHNESS, {}, d!.token)).derivedFreshness;
    expect(trailing.lagSeconds).toBeGreaterThan(0);
    expect(new Date(trailing.currentTo).getTime()).toBeLessThanOrEqual(Date.parse(entries[0]!.createdAt) + 1000);
    await expectConsistent();
    const caughtUp = ok(await post<Fresh>(t, FRESHNESS, {}, d!.token)).derivedFreshness;
    expect(caughtUp.lagSeconds).toBe(0);
    expect(new Date(caughtUp.currentTo).getTime()).toBeGreaterThan(new Date(trailing.currentTo).getTime());
    const [after] = await t
      .em()
      .getConnection()
      .execute<{ n: number }[]>(`select n from task_report_state where task_id = ?`, [d!.taskId]);
    expect(after!.n).toBe(50);
    t.app.derived.start();
  });

  it('stays consistent under concurrent pushes from many devices, each entry stored once', async () => {
    const list = await devices(12);
    const batches = list.flatMap((d) =>
      Array.from({ length: 3 }, () =>
        Array.from({ length: 5 }, (_, i) => reportEntry(d.taskId, 10 + i * 15, [{ indicatorId: d.indicatorId, value: i }])),
      ),
    );
    const pushes = batches.map((entries, i) => {
      const d = list[Math.floor(i / 3)]!;
      return post<{ syncPush: { results: { status: string }[] } }>(
        t,
        PUSH,
        { input: { protocolVersion: 2, clientId: d.clientId, entries } },
        d.token,
      );
    });
    // Every batch sent twice at once, as two tabs or a lost response would.
    const again = batches.map((entries, i) => {
      const d = list[Math.floor(i / 3)]!;
      return post<{ syncPush: { results: { status: string }[] } }>(
        t,
        PUSH,
        { input: { protocolVersion: 2, clientId: d.clientId, entries } },
        d.token,
      );
    });
    const answers = await Promise.all([...pushes, ...again]);
    const statuses = answers.flatMap((a) => ok(a).syncPush.results.map((r) => r.status));
    expect(statuses.filter((s) => s === 'APPLIED')).toHaveLength(180);
    expect(statuses.filter((s) => s === 'ALREADY_APPLIED')).toHaveLength(180);
    const ids = batches.flat().map((e) => e.id);
    const [stored] = await t
      .em()
      .getConnection()
      .execute<{ n: number }[]>(`select count(*)::int as n from progress_report where id = any(?::uuid[])`, [
        `{${ids.join(',')}}`,
      ]);
    expect(stored!.n).toBe(180);
    await expectConsistent();
  });

  it('derived:verify finds a stored figure that differs from the base tables, past rounding', async () => {
    const [d] = await devices(1);
    await pushReport(d!, 40);
    await expectConsistent();
    const conn = t.em().getConnection();
    await conn.execute(`update task_report_state set sy = sy + 0.001 where task_id = ?`, [d!.taskId]);
    const found = (await verifyDerived(t.em())).differences.map((x) => x.check);
    await conn.execute(`update task_report_state set sy = sy - 0.001 where task_id = ?`, [d!.taskId]);
    expect(found).toContain('task_report_state');
    expect((await verifyDerived(t.em())).differences).toEqual([]);
  });

  it("a new report brings its reviewing unit's clock forward; one stored long waiting is a bottleneck at once", async () => {
    const [d] = await devices(1);
    const conn = t.em().getConnection();
    await pushReport(d!, 40);
    await expectConsistent();
    const clockOf = async () =>
      (
        await conn.execute<{ next_on: string }[]>(`select next_on::text from review_clock where unit_id = ?`, [tree.province.id])
      )[0]?.next_on;
    // Waiting since today, it crosses the threshold (7 days) on the 8th day from now at the latest.
    const [{ limit }] = await conn.execute<{ limit: string }[]>(
      `select ((now() at time zone 'Asia/Ho_Chi_Minh')::date + 8)::text as limit`,
    );
    expect((await clockOf())! <= limit!).toBe(true);
    // A clock set too late is found by the verifier.
    await conn.execute(`update review_clock set next_on = 'infinity' where unit_id = ?`, [tree.province.id]);
    expect((await verifyDerived(t.em())).differences.map((x) => x.check)).toContain('review_clock');
    // A report that arrives already long waiting (kept back by a relay, say) counts in this batch.
    const [{ id: author }] = await conn.execute<{ id: string }[]>(
      `select author_id as id from progress_report where task_id = ? limit 1`,
      [d!.taskId],
    );
    const [{ unit_id, unit_path }] = await conn.execute<{ unit_id: string; unit_path: string }[]>(
      `select lead_unit_id as unit_id, lead_unit_path as unit_path from task where id = ?`,
      [d!.taskId],
    );
    await conn.execute(
      `insert into progress_report (id, task_id, unit_id, unit_path, author_id, percent, written_at, received_at)
       values (gen_random_uuid(), ?, ?, ?, ?, 20, now() - interval '12 days', now() - interval '12 days')`,
      [d!.taskId, unit_id, unit_path, author],
    );
    await expectConsistent();
    const [fact] = await conn.execute<{ n: number }[]>(
      `select n from warning_fact where kind = 'REVIEW_BOTTLENECK' and unit_id = ? and all_res`,
      [tree.province.id],
    );
    expect(fact?.n).toBeGreaterThanOrEqual(1);
  });

  it('replays a batch the worker crashed in the middle of, with nothing lost or applied twice', async () => {
    const [d] = await devices(1);
    await t.app.derived.stop();
    const entries = Array.from({ length: 10 }, (_, i) => reportEntry(d!.taskId, 50 + i));
    ok(await post(t, PUSH, { input: { protocolVersion: 2, clientId: d!.clientId, entries } }, d!.token));
    const pending = await pendingChanges();
    // The worker's connection dies after it applied the batch and before it committed.
    await expect(
      t
        .em()
        .fork()
        .transactional(async (tx) => {
          await applyBatch(tx, 1000);
          await tx.execute(`select pg_terminate_backend(pg_backend_pid())`);
        }),
    ).rejects.toThrow();
    expect(await pendingChanges()).toBe(pending);
    t.app.derived.start();
    await expectConsistent();
    const [state] = await t
      .em()
      .getConnection()
      .execute<{ n: number }[]>(`select n from task_report_state where task_id = ?`, [d!.taskId]);
    expect(state!.n).toBe(10);
  });

  it('derives a review: progress up the tree, the indicator value, the reporter notified', async () => {
    const cell = await buildUnit(t.em(), { parent: tree.commune, kind: 'CELL' });
    const { token: reporter } = await tokenFor(t, cell, [Role.REPORTER]);
    const { token: leader } = await tokenFor(t, tree.commune, [Role.LEADER]);
    const parent = await buildTask(t.em(), { lead: tree.commune, assigner: tree.province });
    const child = await buildTask(t.em(), { lead: cell, assigner: tree.commune, parent });
    const indicator = await buildIndicator(t.em(), child);
    const e = reportEntry(child.id, 100, [{ indicatorId: indicator.id, value: 7 }]);
    ok(await t.gql(PUSH, { input: { protocolVersion: 2, clientId: randomUUID(), entries: [e] } }, reporter));
    ok(await t.gql(`mutation ($id: ID!) { approveReport(id: $id) { id state } }`, { id: e.id }, leader));
    const [row] = await t
      .em()
      .getConnection()
      .execute<{ child: number; parent: number; state: string; value: number; notes: number }[]>(
        `select (select progress from task where id = ?) as child, (select progress from task where id = ?) as parent,
              (select state from task where id = ?) as state, (select current_value from indicator where id = ?) as value,
              (select count(*)::int from notification where report_id = ? and kind = 'REPORT_APPROVED') as notes`,
        [child.id, parent.id, child.id, indicator.id, e.id],
      );
    expect(row).toMatchObject({ child: 100, parent: 100, state: 'COMPLETED', value: 7 });
    expect(row!.notes).toBeGreaterThanOrEqual(1);
    await expectConsistent();
  });
});

describe('the derived worker across processes', () => {
  it('runs in exactly one process, another takes over when it stops, and duplicates across them store once', async () => {
    const second = await createTestApp({}, { databaseUrl: t.databaseUrl, secret: t.secret });
    try {
      const deadline = Date.now() + 10_000;
      while (!t.app.derived.isLeader && !second.app.derived.isLeader && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect([t.app.derived.isLeader, second.app.derived.isLeader].filter(Boolean)).toHaveLength(1);
      const [d] = await devices(1);
      const entries = Array.from({ length: 20 }, (_, i) => reportEntry(d!.taskId, i));
      const input = { input: { protocolVersion: 2, clientId: d!.clientId, entries } };
      const [a, b] = await Promise.all([
        post<{ syncPush: { results: { status: string }[] } }>(t, PUSH, input, d!.token),
        post<{ syncPush: { results: { status: string }[] } }>(second, PUSH, input, d!.token),
      ]);
      const all = [...ok(a).syncPush.results, ...ok(b).syncPush.results].map((r) => r.status);
      expect(all.filter((s) => s === 'APPLIED')).toHaveLength(20);
      expect(all.filter((s) => s === 'ALREADY_APPLIED')).toHaveLength(20);

      const [leader, other] = t.app.derived.isLeader ? [t, second] : [second, t];
      await leader.app.derived.stop();
      const until = Date.now() + 10_000;
      while (!other.app.derived.isLeader && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      expect(other.app.derived.isLeader).toBe(true);
      // The new worker drains what is left without being asked.
      const drained = Date.now() + 10_000;
      while ((await pendingChanges()) > 0 && Date.now() < drained) await new Promise((r) => setTimeout(r, 100));
      expect(await pendingChanges()).toBe(0);
      const health = (await (await fetch(`${other.url}/healthz`)).json()) as { derived: { leader: boolean; lagSeconds: number } };
      expect(health.derived.leader).toBe(true);
      expect(health.derived.lagSeconds).toBe(0);
      leader.app.derived.start();
      await expectConsistent();
    } finally {
      await second.close();
    }
  });
});
