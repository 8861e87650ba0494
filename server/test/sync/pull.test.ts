import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Role } from '../../src/modules/accounts/role.js';
import type { Unit } from '../../src/modules/organisations/unit.entity.js';
import { Task } from '../../src/modules/tasks/task.entity.js';
import { buildIndicator, buildPlan, buildReport, buildResolution, buildTask, buildTree, tokenFor } from '../support/factories.js';
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

  describe('protocol 2 fields', () => {
    const PULL_V2 = `query ($input: SyncPullInput!) { syncPull(input: $input) {
      cursor hasMore reset
      tasks { id dueOn state completedAt resolution { id code titleVi titleEn } }
      reports { id state reviewedAt reviewComment reviewerName } } }`;
    interface PageV2 {
      cursor: string;
      hasMore: boolean;
      reset: boolean;
      tasks: {
        id: string;
        dueOn: string | null;
        state: string;
        completedAt: string | null;
        resolution: { id: string; code: string; titleVi: string; titleEn: string };
      }[];
      reports: {
        id: string;
        state: string;
        reviewedAt: string | null;
        reviewComment: string | null;
        reviewerName: string | null;
      }[];
    }
    async function pullV2(cursor: string | null, tok = token, protocolVersion = 2) {
      const tasks = new Map<string, PageV2['tasks'][number]>();
      const reports = new Map<string, PageV2['reports'][number]>();
      for (;;) {
        const res = await t.gql<{ syncPull: PageV2 }>(PULL_V2, { input: { protocolVersion, clientId, cursor } }, tok);
        const page = ok(res).syncPull;
        for (const x of page.tasks) tasks.set(x.id, x);
        for (const r of page.reports) reports.set(r.id, r);
        cursor = page.cursor;
        if (!page.hasMore) return { tasks, reports, cursor };
      }
    }

    it("sends each task's resolution and when it was completed, and still only the cell's own tasks", async () => {
      const resolution = await buildResolution(t.em(), { code: '57-NQ/TW', titleVi: 'Đột phá khoa học', titleEn: 'Science' });
      const plan = await buildPlan(t.em(), tree.commune, { resolution });
      const onTime = await taskFor(tree.cell, { plan, dueOn: '2026-06-30' });
      const late = await taskFor(tree.cell, { plan, dueOn: '2026-06-30' });
      const sibling = await buildTask(t.em(), { lead: tree.siblingCell, plan });
      const db = t.em().getConnection();
      // 16:59 UTC on the due date is still that day in Vietnam; 17:30 UTC is the next day there.
      await db.execute(
        `update task set state = 'COMPLETED', completed_at = '2026-06-30T16:59:00Z', progress = 100 where id = ?`,
        [onTime.id],
      );
      await db.execute(
        `update task set state = 'COMPLETED', completed_at = '2026-06-30T17:30:00Z', progress = 100 where id = ?`,
        [late.id],
      );

      const { tasks } = await pullV2(null);
      expect(tasks.get(onTime.id)!.resolution).toEqual({
        id: resolution.id,
        code: '57-NQ/TW',
        titleVi: 'Đột phá khoa học',
        titleEn: 'Science',
      });
      expect(tasks.get(onTime.id)!.completedAt).toBe('2026-06-30T16:59:00.000Z');
      expect(tasks.get(late.id)!.completedAt).toBe('2026-06-30T17:30:00.000Z');
      expect(tasks.has(sibling.id)).toBe(false);
      const [{ n }] = await db.execute<{ n: string }[]>(`select count(*)::text as n from task where lead_unit_path = ?`, [
        tree.cell.path,
      ]);
      expect(tasks.size).toBe(Number(n));
      for (const x of tasks.values()) expect(x.resolution.code).toMatch(/NQ\/TW$/);
    });

    it("sends the reviewer's name and review time with a returned report", async () => {
      const { account } = await tokenFor(t, tree.cell, [Role.REPORTER]);
      const { account: leader } = await tokenFor(t, tree.commune, [Role.LEADER]);
      const task = await taskFor(tree.cell);
      const report = await buildReport(t.em(), task, account);
      const first = await pullV2(null);
      expect(first.reports.get(report.id)).toMatchObject({ state: 'SUBMITTED', reviewerName: null, reviewedAt: null });
      await t
        .em()
        .getConnection()
        .execute(
          `update progress_report set state = 'RETURNED', review_comment = 'Thiếu ảnh', reviewed_by_id = ?, reviewed_at = '2026-11-29T03:00:00Z' where id = ?`,
          [leader.id, report.id],
        );
      const next = await pullV2(first.cursor);
      expect(next.reports.get(report.id)).toEqual({
        id: report.id,
        state: 'RETURNED',
        reviewedAt: '2026-11-29T03:00:00.000Z',
        reviewComment: 'Thiếu ảnh',
        reviewerName: leader.displayName,
      });
    });

    /** The `since` a cursor carries: '0' when the round started from the beginning. */
    const sinceOf = (cursor: string) => (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { s: string }).s;

    it('sends the whole view again, without a reset, to a client that moved to a newer protocol', async () => {
      const task = await taskFor(tree.cell);
      await taskFor(tree.cell);
      const old = await pullAll(null);
      expect(sinceOf(old.cursor)).not.toBe('0');
      // A protocol-1 client goes on from its cursor…
      const v1 = await t.gql<{ syncPull: PageV2 }>(
        PULL_V2,
        { input: { protocolVersion: 1, clientId, cursor: old.cursor, limit: 1 } },
        token,
      );
      expect(ok(v1).syncPull.reset).toBe(false);
      expect(sinceOf(ok(v1).syncPull.cursor)).not.toBe('0');
      // …the same device updated to protocol 2 starts the round over, with the new fields, and no reset.
      const v2 = await t.gql<{ syncPull: PageV2 }>(
        PULL_V2,
        { input: { protocolVersion: 2, clientId, cursor: old.cursor, limit: 1 } },
        token,
      );
      expect(ok(v2).syncPull).toMatchObject({ reset: false, hasMore: true });
      expect(sinceOf(ok(v2).syncPull.cursor)).toBe('0');
      const upgraded = await pullV2(old.cursor);
      const [{ code }] = await t
        .em()
        .getConnection()
        .execute(`select r.code from task t join resolution r on r.id = t.resolution_id where t.id = ?`, [task.id]);
      expect(upgraded.tasks.get(task.id)?.resolution.code).toBe(code);
      // Its own cursors then name protocol 2 and go on from where they are.
      expect(sinceOf(upgraded.cursor)).not.toBe('0');
      const next = await t.gql<{ syncPull: PageV2 }>(
        PULL_V2,
        { input: { protocolVersion: 2, clientId, cursor: upgraded.cursor, limit: 1 } },
        token,
      );
      expect(sinceOf(ok(next).syncPull.cursor)).not.toBe('0');
    });

    it('reads a cursor made before cursors named their protocol as protocol 1', async () => {
      const task = await taskFor(tree.cell);
      const { cursor } = await pullAll(null);
      const o = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
      expect(o.p).toBe(1);
      delete o.p;
      const legacy = Buffer.from(JSON.stringify(o)).toString('base64url');
      const v1 = await pullPage(legacy);
      expect(v1.reset).toBe(false);
      expect(sinceOf(v1.cursor)).not.toBe('0');
      expect((await pullV2(legacy)).tasks.has(task.id)).toBe(true);
    });
  });

  it('records when the device last pulled, for sync health', async () => {
    await pullPage(null);
    const [row] = await t.em().getConnection().execute(`select last_pull_at from sync_client where client_id = ?`, [clientId]);
    expect(row.last_pull_at).not.toBeNull();
  });
});
