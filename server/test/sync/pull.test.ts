import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Role } from '../../src/modules/accounts/role.js';
import type { Unit } from '../../src/modules/organisations/unit.entity.js';
import { Task } from '../../src/modules/tasks/task.entity.js';
import { buildIndicator, buildReport, buildTask, buildTree, tokenFor } from '../support/factories.js';
import { createTestApp, errorCode, ok, type TestApp } from '../support/test-app.js';

const PULL = `query ($input: SyncPullInput!) { syncPull(input: $input) {
  updateRequired reset cursor hasMore
  tasks { id title version ancestorTitles indicators { id name } }
  reports { id taskId state }
  removals { entity id } } }`;

interface Page {
  updateRequired: boolean;
  reset: boolean;
  cursor: string;
  hasMore: boolean;
  tasks: { id: string; title: string; version: number; ancestorTitles: string[]; indicators: { id: string }[] }[];
  reports: { id: string; taskId: string; state: string }[];
  removals: { entity: string; id: string }[];
}

describe('SyncService.pull', () => {
  let t: TestApp;
  let tree: Awaited<ReturnType<typeof buildTree>>;
  let token: string;
  const clientId = randomUUID();

  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'error' });
    tree = await buildTree(t.em());
    ({ token } = await tokenFor(t, tree.cell, [Role.REPORTER]));
  });
  afterAll(() => t.close());

  async function pullPage(cursor: string | null, limit = 500, tok = token): Promise<Page> {
    const res = await t.gql<{ syncPull: Page }>(PULL, { input: { protocolVersion: 1, clientId, cursor, limit } }, tok);
    return ok(res).syncPull;
  }

  /** Pulls pages until done; answers everything seen and the final cursor. */
  async function pullAll(cursor: string | null, limit = 500, tok = token) {
    const tasks = new Map<string, Page['tasks'][number]>();
    const removals: string[] = [];
    const reports = new Map<string, Page['reports'][number]>();
    let pages = 0;
    for (;;) {
      const page = await pullPage(cursor, limit, tok);
      pages++;
      for (const x of page.tasks) tasks.set(x.id, x);
      for (const r of page.reports) reports.set(r.id, r);
      removals.push(...page.removals.map((r) => r.id));
      cursor = page.cursor;
      if (!page.hasMore) return { tasks, reports, removals, cursor, pages };
    }
  }

  async function taskFor(lead: Unit, over: Partial<Parameters<typeof buildTask>[1]> = {}) {
    return buildTask(t.em(), { lead, assigner: tree.commune, ...over });
  }

  it('brings every task of the unit, with indicators and ancestor titles, in bounded pages', async () => {
    const parent = await buildTask(t.em(), { lead: tree.commune, title: 'Nhiệm vụ cấp xã' });
    const tasks: Task[] = [];
    for (let i = 0; i < 7; i++) tasks.push(await taskFor(tree.cell, { parent }));
    await buildIndicator(t.em(), tasks[0]!);
    await buildTask(t.em(), { lead: tree.siblingCell });

    const { tasks: seen, pages } = await pullAll(null, 3);
    expect([...seen.keys()].sort()).toEqual(tasks.map((x) => x.id).sort());
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(seen.get(tasks[0]!.id)!.indicators).toHaveLength(1);
    expect(seen.get(tasks[1]!.id)!.ancestorTitles).toEqual(['Nhiệm vụ cấp xã']);
  });

  it('does not miss a change committed late by a transaction that was open during the pull', async () => {
    const early = await taskFor(tree.cell, { title: 'sớm' });
    const late = await taskFor(tree.cell, { title: 'muộn' });
    const { cursor } = await pullAll(null);

    const slow = new pg.Client({ connectionString: t.databaseUrl });
    const fast = new pg.Client({ connectionString: t.databaseUrl });
    await slow.connect();
    await fast.connect();
    try {
      // The slow transaction takes its id (and writes) first, and commits last.
      await slow.query('begin');
      await slow.query(`update task set title = 'muộn, đã sửa', version = version + 1 where id = $1`, [late.id]);
      await fast.query(`update task set title = 'sớm, đã sửa', version = version + 1 where id = $1`, [early.id]);

      const during = await pullAll(cursor);
      expect(during.tasks.get(early.id)?.title).toBe('sớm, đã sửa');
      expect(during.tasks.has(late.id) ? during.tasks.get(late.id)!.title : 'muộn').toBe('muộn');

      await slow.query('commit');
      const after = await pullAll(during.cursor);
      expect(after.tasks.get(late.id)?.title).toBe('muộn, đã sửa');
    } finally {
      await slow.query('rollback').catch(() => undefined);
      await slow.end();
      await fast.end();
    }
  });

  it('purges old removals and sends a device that could have missed one to download its view again', async () => {
    const task = await taskFor(tree.cell);
    const { cursor: before } = await pullAll(null);
    const conn = t.em().getConnection();
    await conn.execute(`update task set lead_unit_path = ?, lead_unit_id = ? where id = ?`, [
      tree.siblingCell.path,
      tree.siblingCell.id,
      task.id,
    ]);
    // A recent removal stays; an old one goes.
    expect(await t.app.services.sync.purgeTombstones(t.em(), 30)).toBe(0);
    // A retention of 0 days: every removal made before now is old, once no open transaction
    // anywhere in the cluster is older than it.
    await vi.waitFor(
      async () => {
        const [row] = await conn.execute(
          `select bool_and(change_xid < pg_snapshot_xmin(pg_current_snapshot())) ok from sync_tombstone where entity_id = ?`,
          [task.id],
        );
        expect(row.ok).toBe(true);
      },
      { timeout: 30_000, interval: 100 },
    );
    const { cursor: after } = await pullAll(before);
    expect(await t.app.services.sync.purgeTombstones(t.em(), 0)).toBeGreaterThanOrEqual(1);
    const [left] = await conn.execute(`select count(*)::int n from sync_tombstone where entity_id = ?`, [task.id]);
    expect(left.n).toBe(0);

    // The cursor from before the removal could have missed it: reset, then a full download.
    const stale = await pullPage(before);
    expect(stale.reset).toBe(true);
    expect(stale.tasks).toEqual([]);
    const again = await pullAll(null);
    expect(again.tasks.has(task.id)).toBe(false);
    // A cursor from after the removal had it already and goes on as usual.
    const fresh = await pullPage(after);
    expect(fresh.reset).toBe(false);
  });

  it('sends a removal when a task is reassigned away, and none once it comes back', async () => {
    const task = await taskFor(tree.cell);
    const { cursor } = await pullAll(null);
    await t
      .em()
      .getConnection()
      .execute(`update task set lead_unit_path = ?, lead_unit_id = ? where id = ?`, [
        tree.siblingCell.path,
        tree.siblingCell.id,
        task.id,
      ]);
    const away = await pullAll(cursor);
    expect(away.removals).toContain(task.id);
    expect(away.tasks.has(task.id)).toBe(false);

    await t
      .em()
      .getConnection()
      .execute(`update task set lead_unit_path = ?, lead_unit_id = ? where id = ?`, [tree.cell.path, tree.cell.id, task.id]);
    const back = await pullAll(away.cursor);
    expect(back.removals).not.toContain(task.id);
    expect(back.tasks.has(task.id)).toBe(true);
  });

  it("brings the unit's reports with their review state when they change", async () => {
    const { account } = await tokenFor(t, tree.cell, [Role.REPORTER]);
    const { account: leader } = await tokenFor(t, tree.commune, [Role.LEADER]);
    const task = await taskFor(tree.cell);
    const report = await buildReport(t.em(), task, account);
    const first = await pullAll(null);
    expect(first.reports.get(report.id)?.state).toBe('SUBMITTED');
    await t
      .em()
      .getConnection()
      .execute(
        `update progress_report set state = 'RETURNED', review_comment = 'Bổ sung ảnh', reviewed_by_id = ?, reviewed_at = now() where id = ?`,
        [leader.id, report.id],
      );
    const next = await pullAll(first.cursor);
    expect(next.reports.get(report.id)?.state).toBe('RETURNED');
  });

  it("answers reset for a cursor made for another account's view", async () => {
    const { cursor } = await pullAll(null);
    const other = await tokenFor(t, tree.siblingCell, [Role.REPORTER]);
    const page = await pullPage(cursor, 500, other.token);
    expect(page.reset).toBe(true);
    expect(page.tasks).toEqual([]);
  });

  it('tells an old client to update, and refuses a limit out of range', async () => {
    const res = await t.gql<{ syncPull: Page }>(PULL, { input: { protocolVersion: 0, clientId, cursor: null } }, token);
    expect(ok(res).syncPull.updateRequired).toBe(true);
    const bad = await t.gql(PULL, { input: { protocolVersion: 1, clientId, cursor: null, limit: 5000 } }, token);
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
  });

  it('records when the device last pulled, for sync health', async () => {
    await pullPage(null);
    const [row] = await t.em().getConnection().execute(`select last_pull_at from sync_client where client_id = ?`, [clientId]);
    expect(row.last_pull_at).not.toBeNull();
  });
});
