import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../src/modules/accounts/role.js';
import { Task } from '../../src/modules/tasks/task.entity.js';
import { buildAccount, buildTask, buildTree, tokenFor } from '../support/factories.js';
import { createTestApp, errorCode, ok, type TestApp } from '../support/test-app.js';

// What the committee task page (/committee/tasks/:id) relies on: its lists page on without a
// repeat or a gap, and a cancel is the assigner's alone, leaves the rollups and reaches the phones.

let t: TestApp;
let tree: Awaited<ReturnType<typeof buildTree>>;

beforeAll(async () => {
  t = await createTestApp({ LOG_LEVEL: 'error' });
  tree = await buildTree(t.em());
});
afterAll(() => t.close());

const HISTORY = `query($id: ID!, $after: String) { task(id: $id) {
  historyPage(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id kind reason actorName } } } }`;
const REPORTS = `query($id: ID!, $after: String) { task(id: $id) {
  reports(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id } } } }`;
const CANCEL = `mutation($input: CancelTaskInput!) { cancelTask(input: $input) { id status version cancelledAt } }`;
const PULL = `query ($input: SyncPullInput!) { syncPull(input: $input) {
  cursor hasMore tasks { id state version } removals { entity id } } }`;

interface Page<N> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: N[];
}

/** Every page of a task's list, following the cursors. */
async function allPages<N>(query: string, field: 'historyPage' | 'reports', id: string, token: string) {
  const pages: Page<N>[] = [];
  let after: string | null = null;
  for (;;) {
    const data: { task: Record<string, Page<N>> } = ok(await t.gql(query, { id, after }, token));
    const page = data.task[field]!;
    pages.push(page);
    if (!page.pageInfo.hasNextPage) return pages;
    after = page.pageInfo.endCursor;
  }
}

describe('Task.historyPage', () => {
  it('pages newest first with no repeat or gap, even within one millisecond, and names only actors in scope', async () => {
    const task = await buildTask(t.em(), { assigner: tree.province, lead: tree.commune });
    const provinceFocal = await buildAccount(t.em(), tree.province, [Role.FOCAL]);
    const conn = t.em().getConnection();
    // Five entries a microsecond apart: a millisecond cursor would lose or repeat some.
    for (let i = 0; i < 5; i++)
      await conn.execute(
        `insert into task_history (task_id, actor_account_id, kind, reason, at) values (?, ?, 'UPDATED', ?, '2026-03-01T08:00:00.000100Z'::timestamptz + make_interval(secs => ? / 1000000.0))`,
        [task.id, provinceFocal.id, `thay đổi ${i}`, i],
      );
    const { token: commune } = await tokenFor(t, tree.commune, [Role.FOCAL]);
    const { token: province } = await tokenFor(t, tree.province, [Role.FOCAL]);

    const pages = await allPages<{ id: string; reason: string; actorName: string | null }>(
      HISTORY,
      'historyPage',
      task.id,
      commune,
    );
    expect(pages).toHaveLength(3);
    expect(pages[0]!.totalCount).toBe(5);
    expect(pages.flatMap((p) => p.nodes.map((n) => n.reason))).toEqual([4, 3, 2, 1, 0].map((i) => `thay đổi ${i}`));
    // The province's officer is above the commune: named to the province, not to the commune.
    expect(pages[0]!.nodes[0]!.actorName).toBeNull();
    const seenAbove = ok(await t.gql<{ task: { historyPage: Page<{ actorName: string }> } }>(HISTORY, { id: task.id }, province));
    expect(seenAbove.task.historyPage.nodes[0]!.actorName).toBe(provinceFocal.displayName);
  });

  it('refuses a cursor it did not issue, naming the argument', async () => {
    const task = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell });
    const { token } = await tokenFor(t, tree.commune, [Role.FOCAL]);
    const forged = Buffer.from(JSON.stringify(['yesterday', 'x'])).toString('base64url');
    const res = await t.gql(HISTORY, { id: task.id, after: forged }, token);
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});

describe('Task.reports paging', () => {
  it('reaches every report, newest first, when several arrived in the same millisecond', async () => {
    const task = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell });
    const reporter = await buildAccount(t.em(), tree.cell, [Role.REPORTER]);
    const ids: string[] = [];
    // Same millisecond, microseconds apart, in the order they were made (the table is append-only).
    for (let i = 0; i < 5; i++) {
      const id = randomUUID();
      ids.push(id);
      await t
        .em()
        .getConnection()
        .execute(
          `insert into progress_report (id, task_id, unit_id, unit_path, author_id, percent, written_at, received_at)
           values (?, ?, ?, ?, ?, ?, now(), '2026-03-01T08:00:00.000100Z'::timestamptz + make_interval(secs => ? / 1000000.0))`,
          [id, task.id, tree.cell.id, tree.cell.path, reporter.id, i * 10, i],
        );
    }
    const { token } = await tokenFor(t, tree.commune, [Role.FOCAL]);
    const pages = await allPages<{ id: string }>(REPORTS, 'reports', task.id, token);
    expect(pages[0]!.totalCount).toBe(5);
    expect(pages.flatMap((p) => p.nodes.map((n) => n.id))).toEqual([...ids].reverse());
  });
});

describe('cancelTask from the task page', () => {
  it('is the assigning unit’s focal officers’ alone: not the lead unit, not the unit above, not a reporter', async () => {
    const task = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell });
    const input = { id: task.id, baseVersion: 1, reason: 'Không còn phù hợp' };
    const lead = await tokenFor(t, tree.cell, [Role.FOCAL, Role.REPORTER]);
    const above = await tokenFor(t, tree.province, [Role.FOCAL, Role.LEADER, Role.ADMIN]);
    const reporter = await tokenFor(t, tree.commune, [Role.REPORTER, Role.LEADER]);
    for (const { token } of [lead, above, reporter]) expect(errorCode(await t.gql(CANCEL, { input }, token))).toBe('FORBIDDEN');
    expect((await t.em().findOneOrFail(Task, { id: task.id })).state).toBe('OPEN');
  });

  it('needs a reason and the current version, naming the field or answering the server’s copy', async () => {
    const task = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell });
    const { token } = await tokenFor(t, tree.commune, [Role.FOCAL]);
    const blank = await t.gql(CANCEL, { input: { id: task.id, baseVersion: 1, reason: '   ' } }, token);
    expect(blank.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    const long = await t.gql(CANCEL, { input: { id: task.id, baseVersion: 1, reason: 'x'.repeat(2001) } }, token);
    expect(long.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    await t.em().getConnection().execute(`update task set title = 'Đã sửa', version = version + 1 where id = ?`, [task.id]);
    const stale = await t.gql(CANCEL, { input: { id: task.id, baseVersion: 1, reason: 'Thôi' } }, token);
    expect(stale.errors![0]!.extensions).toMatchObject({
      code: 'CONFLICT',
      current: { id: task.id, version: 2, title: 'Đã sửa' },
    });
    const done = ok(
      await t.gql<{ cancelTask: { status: string; version: number } }>(
        CANCEL,
        { input: { id: task.id, baseVersion: 2, reason: 'Thôi' } },
        token,
      ),
    );
    expect(done.cancelTask).toMatchObject({ status: 'CANCELLED', version: 3 });
  });

  it('drops the cancelled sub-tree out of every rollup above it', async () => {
    const top = await buildTask(t.em(), { assigner: tree.province, lead: tree.province });
    const mid = await buildTask(t.em(), { assigner: tree.province, lead: tree.commune, parent: top });
    const other = await buildTask(t.em(), { assigner: tree.province, lead: tree.siblingCommune, parent: top, progress: 80 });
    const gone = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell, parent: mid, progress: 20 });
    const under = await buildTask(t.em(), { assigner: tree.cell, lead: tree.cell, parent: gone, progress: 20 });
    await buildTask(t.em(), { assigner: tree.commune, lead: tree.siblingCell, parent: mid, progress: 60 });
    // Recompute from the leaves up first: mid (20 + 60) / 2 = 40, top (40 + 80) / 2 = 60.
    await t.em().getConnection().execute(`insert into derived_change (kind, task_id) values ('PROGRESS', ?)`, [gone.id]);
    await t.drain();
    const progress = async (task: Task) => (await t.em().findOneOrFail(Task, { id: task.id })).progress;
    expect([await progress(mid), await progress(top)]).toEqual([40, 60]);

    const { token } = await tokenFor(t, tree.commune, [Role.FOCAL]);
    ok(await t.gql(CANCEL, { input: { id: gone.id, baseVersion: 1, reason: 'Trùng nhiệm vụ khác' } }, token));
    expect((await t.em().findOneOrFail(Task, { id: under.id })).state).toBe('CANCELLED');
    expect([await progress(mid), await progress(top)]).toEqual([60, 70]);
    expect(await progress(other)).toBe(80);
  });

  it('reaches the lead unit’s phones on their next pull, as a cancelled task and not a removal', async () => {
    const parent = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell });
    const child = await buildTask(t.em(), { assigner: tree.cell, lead: tree.cell, parent });
    const { token: phone } = await tokenFor(t, tree.cell, [Role.REPORTER]);
    const clientId = randomUUID();
    type PullPage = {
      cursor: string;
      hasMore: boolean;
      tasks: { id: string; state: string; version: number }[];
      removals: { id: string }[];
    };
    const pull = async (cursor: string | null) => {
      const seen = new Map<string, { state: string; version: number }>();
      const removed: string[] = [];
      for (;;) {
        const page: PullPage = ok(
          await t.gql<{ syncPull: PullPage }>(PULL, { input: { protocolVersion: 3, clientId, cursor, limit: 500 } }, phone),
        ).syncPull;
        for (const x of page.tasks) seen.set(x.id, x);
        removed.push(...page.removals.map((r) => r.id));
        cursor = page.cursor;
        if (!page.hasMore) return { seen, removed, cursor };
      }
    };
    const first = await pull(null);
    expect(first.seen.get(parent.id)?.state).toBe('OPEN');

    const { token } = await tokenFor(t, tree.commune, [Role.FOCAL]);
    ok(await t.gql(CANCEL, { input: { id: parent.id, baseVersion: 1, reason: 'Dừng thực hiện' } }, token));
    const next = await pull(first.cursor);
    expect(next.seen.get(parent.id)).toMatchObject({ state: 'CANCELLED', version: 2 });
    expect(next.seen.get(child.id)).toMatchObject({ state: 'CANCELLED', version: 2 });
    expect(next.removed).not.toContain(parent.id);
  });
});
