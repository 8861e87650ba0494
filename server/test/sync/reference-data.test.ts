import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../src/modules/accounts/account.entity.js';
import { Role } from '../../src/modules/accounts/role.js';
import type { Indicator } from '../../src/modules/indicators/indicator.entity.js';
import type { Resolution } from '../../src/modules/resolutions/resolution.entity.js';
import { encodeCursor, viewFingerprint } from '../../src/modules/sync/sync-cursor.js';
import type { Task } from '../../src/modules/tasks/task.entity.js';
import { buildIndicator, buildPlan, buildReport, buildResolution, buildTask, buildTree, tokenFor } from '../support/factories.js';
import { createTestApp, ok, type TestApp } from '../support/test-app.js';

// Sync protocol 4 (docs/SYNC.md, "Reference data"): the names the synced rows show come as rows
// of their own, and a rename reaches the phones whose rows name it — and no other phone.
// Rows may come again in a later round (an open transaction anywhere in the cluster holds the
// cursor's xmin back), so the checks are on what arrives and on what must never arrive.

const PULL = `query ($input: SyncPullInput!) { syncPull(input: $input) {
  reset cursor hasMore
  tasks { id resolution { id } leadUnitId assignerUnitId indicators { id name target } }
  reports { id reviewedById reviewerName }
  resolutions { id code titleVi titleEn }
  units { id name kind }
  people { id displayName } } }`;

interface Page {
  reset: boolean;
  cursor: string;
  hasMore: boolean;
  tasks: {
    id: string;
    resolution: { id: string };
    leadUnitId: string;
    assignerUnitId: string | null;
    indicators: { id: string; name: string; target: number }[];
  }[];
  reports: { id: string; reviewedById: string | null; reviewerName: string | null }[];
  resolutions: { id: string; code: string; titleVi: string; titleEn: string }[];
  units: { id: string; name: string; kind: string }[];
  people: { id: string; displayName: string }[];
}

interface Seen {
  tasks: Map<string, Page['tasks'][number]>;
  reports: Map<string, Page['reports'][number]>;
  resolutions: Map<string, Page['resolutions'][number]>;
  units: Map<string, Page['units'][number]>;
  people: Map<string, Page['people'][number]>;
  cursor: string;
  pages: number;
}

describe('SyncService.pull: reference data (protocol 4)', () => {
  let t: TestApp;
  let tree: Awaited<ReturnType<typeof buildTree>>;
  let cellToken: string;
  let siblingToken: string;
  let centralAdmin: string;
  let provinceAdmin: string;
  let communeFocal: string;
  let reviewer: Account;
  let reporter: Account;
  let siblingReporter: Account;
  let siblingReviewer: Account;
  let resolution: Resolution;
  let siblingResolution: Resolution;
  let cellTask: Task;
  let indicator: Indicator;

  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'error' });
    tree = await buildTree(t.em());
    const em = t.em();
    ({ token: cellToken, account: reporter } = await tokenFor(t, tree.cell, [Role.REPORTER]));
    ({ token: siblingToken, account: siblingReporter } = await tokenFor(t, tree.siblingCell, [Role.REPORTER]));
    ({ token: centralAdmin } = await tokenFor(t, tree.central, [Role.ADMIN]));
    ({ token: provinceAdmin } = await tokenFor(t, tree.province, [Role.ADMIN]));
    ({ token: communeFocal } = await tokenFor(t, tree.commune, [Role.FOCAL]));
    ({ account: reviewer } = await tokenFor(t, tree.commune, [Role.LEADER]));
    ({ account: siblingReviewer } = await tokenFor(t, tree.commune, [Role.LEADER]));

    resolution = await buildResolution(em, { code: '57-NQ/TW', titleVi: 'Đột phá khoa học', titleEn: 'Science breakthroughs' });
    siblingResolution = await buildResolution(em, { code: '66-NQ/TW', titleVi: 'Xây dựng pháp luật', titleEn: 'Law-making' });
    const plan = await buildPlan(em, tree.commune, { resolution });
    const siblingPlan = await buildPlan(em, tree.commune, { resolution: siblingResolution });
    cellTask = await buildTask(em, { lead: tree.cell, assigner: tree.commune, plan });
    indicator = await buildIndicator(em, cellTask, { name: 'Hộ dùng nước sạch', target: 80 });
    await buildTask(em, { lead: tree.cell, assigner: tree.commune, plan });
    const siblingTask = await buildTask(em, { lead: tree.siblingCell, assigner: tree.commune, plan: siblingPlan });

    const report = await buildReport(em, cellTask, reporter);
    const siblingReport = await buildReport(em, siblingTask, siblingReporter);
    const db = em.getConnection();
    for (const [r, by] of [
      [report, reviewer],
      [siblingReport, siblingReviewer],
    ] as const)
      await db.execute(
        `update progress_report set state = 'RETURNED', review_comment = 'Bổ sung', reviewed_by_id = ?, reviewed_at = now() where id = ?`,
        [by.id, r.id],
      );
  });
  afterAll(() => t.close());

  async function pullAll(cursor: string | null, token: string, limit = 500, protocolVersion = 4): Promise<Seen> {
    const seen: Seen = {
      tasks: new Map(),
      reports: new Map(),
      resolutions: new Map(),
      units: new Map(),
      people: new Map(),
      cursor: '',
      pages: 0,
    };
    const clientId = randomUUID();
    for (;;) {
      const res = await t.gql<{ syncPull: Page }>(PULL, { input: { protocolVersion, clientId, cursor, limit } }, token);
      const page = ok(res).syncPull;
      expect(page.reset).toBe(false);
      seen.pages++;
      for (const x of page.tasks) seen.tasks.set(x.id, x);
      for (const x of page.reports) seen.reports.set(x.id, x);
      for (const x of page.resolutions) seen.resolutions.set(x.id, x);
      for (const x of page.units) seen.units.set(x.id, x);
      for (const x of page.people) seen.people.set(x.id, x);
      cursor = page.cursor;
      if (!page.hasMore) return { ...seen, cursor };
    }
  }

  async function gqlOk(query: string, variables: Record<string, unknown>, token: string): Promise<void> {
    ok(await t.gql(query, variables, token));
  }
  const renameResolution = (id: string, titleVi: string) =>
    gqlOk(
      `mutation ($input: UpdateResolutionInput!) { updateResolution(input: $input) { id } }`,
      { input: { id, titleVi } },
      centralAdmin,
    );
  const renameUnit = (id: string, name: string) =>
    gqlOk(
      `mutation ($id: ID!, $input: UpdateUnitInput!) { updateUnit(id: $id, input: $input) { id } }`,
      { id, input: { name } },
      provinceAdmin,
    );
  const renamePerson = (id: string, displayName: string) =>
    gqlOk(
      `mutation ($id: ID!, $input: UpdateAccountInput!) { updateAccount(id: $id, input: $input) { id } }`,
      { id, input: { displayName } },
      provinceAdmin,
    );
  /**
   * A cursor whose round starts after everything written so far: the transaction id taken now is
   * above every earlier writer's and below every later one's. Whatever the next pull brings came
   * by its own change feed, even while a long transaction elsewhere in the cluster holds the
   * snapshots' xmin back (which would make a real cursor resend every row).
   */
  async function cursorFromNow(account: Account, unitPath: string): Promise<string> {
    await t.drain();
    const [{ x }] = await t.em().getConnection().execute<{ x: string }[]>(`select pg_current_xact_id()::text as x`);
    return encodeCursor({ since: x, next: x, after: null, view: viewFingerprint(account.id, unitPath), protocol: 4 });
  }
  const changeXid = async (table: string, id: string) =>
    (await t.em().getConnection().execute<{ x: string }[]>(`select change_xid::text as x from "${table}" where id = ?`, [id]))[0]!
      .x;

  it('sends with the first pull the resolutions, the unit and the reviewers its rows name, and nothing else', async () => {
    const first = await pullAll(null, cellToken);
    expect([...first.resolutions.values()]).toEqual([
      { id: resolution.id, code: '57-NQ/TW', titleVi: 'Đột phá khoa học', titleEn: 'Science breakthroughs' },
    ]);
    // The cell's own unit; the commune that assigned the tasks is above it and is not named.
    expect([...first.units.values()]).toEqual([{ id: tree.cell.id, name: tree.cell.name, kind: 'CELL' }]);
    expect(first.tasks.get(cellTask.id)).toMatchObject({ leadUnitId: tree.cell.id, assignerUnitId: null });
    expect([...first.people.values()]).toEqual([{ id: reviewer.id, displayName: reviewer.displayName }]);
    expect([...first.reports.values()].map((r) => r.reviewedById)).toEqual([reviewer.id]);
  });

  it('brings a renamed resolution, unit and reviewer, and a changed indicator, to the next pull, without resending the tasks', async () => {
    const cell = { cursor: await cursorFromNow(reporter, tree.cell.path) };
    const sibling = { cursor: await cursorFromNow(siblingReporter, tree.siblingCell.path) };
    const taskXid = await changeXid('task', cellTask.id);

    await renameResolution(resolution.id, 'Đột phá phát triển khoa học, công nghệ');
    await renameUnit(tree.cell.id, 'Chi bộ thôn Tân Lập');
    await renamePerson(reviewer.id, 'Nguyễn Thị Hoa');
    await renameResolution(siblingResolution.id, 'Đổi mới công tác xây dựng pháp luật');
    await renamePerson(siblingReviewer.id, 'Trần Văn Bình');
    // A rename touches neither the tasks that name it nor their change sequence.
    expect(await changeXid('task', cellTask.id)).toBe(taskXid);

    const next = await pullAll(cell.cursor, cellToken);
    // The names came on their own: the tasks that name them were not sent again.
    expect(next.tasks.has(cellTask.id)).toBe(false);
    expect([...next.resolutions.values()]).toEqual([
      expect.objectContaining({ id: resolution.id, titleVi: 'Đột phá phát triển khoa học, công nghệ' }),
    ]);
    expect([...next.units.values()]).toEqual([{ id: tree.cell.id, name: 'Chi bộ thôn Tân Lập', kind: 'CELL' }]);
    expect([...next.people.values()]).toEqual([{ id: reviewer.id, displayName: 'Nguyễn Thị Hoa' }]);

    // The sibling cell's device: its own resolution and reviewer, never the cell's.
    const other = await pullAll(sibling.cursor, siblingToken);
    expect(other.resolutions.get(siblingResolution.id)?.titleVi).toBe('Đổi mới công tác xây dựng pháp luật');
    expect(other.people.get(siblingReviewer.id)?.displayName).toBe('Trần Văn Bình');
    expect(other.resolutions.has(resolution.id)).toBe(false);
    expect(other.people.has(reviewer.id)).toBe(false);
    expect(other.units.has(tree.cell.id)).toBe(false);
    expect(other.tasks.has(cellTask.id)).toBe(false);
    expect(next.resolutions.has(siblingResolution.id)).toBe(false);
    expect(next.people.has(siblingReviewer.id)).toBe(false);

    // A changed target reaches the cell's next pull as its task's change; the sibling's, nothing.
    const [{ version }] = await t
      .em()
      .getConnection()
      .execute<{ version: number }[]>(`select version from indicator where id = ?`, [indicator.id]);
    await gqlOk(
      `mutation ($input: UpdateIndicatorInput!) { updateIndicator(input: $input) { id } }`,
      {
        input: {
          id: indicator.id,
          baseVersion: version,
          name: 'Hộ dùng nước sạch hợp vệ sinh',
          target: 90,
          reason: 'Chỉ tiêu mới',
        },
      },
      communeFocal,
    );
    const changed = await pullAll(next.cursor, cellToken);
    expect(changed.tasks.get(cellTask.id)!.indicators).toEqual([
      { id: indicator.id, name: 'Hộ dùng nước sạch hợp vệ sinh', target: 90 },
    ]);
    expect(changed.resolutions.get(resolution.id)?.titleVi).toBe('Đột phá phát triển khoa học, công nghệ');
    expect((await pullAll(other.cursor, siblingToken)).tasks.has(cellTask.id)).toBe(false);
  });

  it('resends the task of a deleted indicator, to its own unit only', async () => {
    const extra = await buildIndicator(t.em(), cellTask, { name: 'Tạm thời' });
    const cell = await pullAll(null, cellToken);
    const sibling = await pullAll(null, siblingToken);
    expect(cell.tasks.get(cellTask.id)!.indicators.map((i) => i.id)).toContain(extra.id);
    // Direct SQL: the service refuses an indicator reported on, and the trigger is what matters.
    await t.em().getConnection().execute(`delete from indicator where id = ?`, [extra.id]);
    const next = await pullAll(cell.cursor, cellToken);
    expect(next.tasks.get(cellTask.id)!.indicators.map((i) => i.id)).not.toContain(extra.id);
    expect((await pullAll(sibling.cursor, siblingToken)).tasks.has(cellTask.id)).toBe(false);
  });

  it('sends every renamed row across page boundaries, the last copy of each carrying the new name', async () => {
    const cell = await pullAll(null, cellToken);
    await renameResolution(resolution.id, 'Tên mới A');
    await renameUnit(tree.cell.id, 'Chi bộ A');
    await renamePerson(reviewer.id, 'Người duyệt A');
    const last = new Map<string, string>();
    let cursor: string | null = cell.cursor;
    let pages = 0;
    for (;;) {
      const res = await t.gql<{ syncPull: Page }>(
        PULL,
        { input: { protocolVersion: 4, clientId: randomUUID(), cursor, limit: 1 } },
        cellToken,
      );
      const page: Page = ok(res).syncPull;
      pages++;
      // What the device keeps: each row as its last page had it (pages are ever later snapshots).
      for (const x of page.resolutions) last.set(x.id, x.titleVi);
      for (const x of page.units) last.set(x.id, x.name);
      for (const x of page.people) last.set(x.id, x.displayName);
      cursor = page.cursor;
      if (!page.hasMore) break;
    }
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(Object.fromEntries(last)).toEqual({
      [resolution.id]: 'Tên mới A',
      [tree.cell.id]: 'Chi bộ A',
      [reviewer.id]: 'Người duyệt A',
    });
  });

  it('does not miss a rename committed late by a transaction open during the pull', async () => {
    const cell = await pullAll(null, cellToken);
    const slow = new pg.Client({ connectionString: t.databaseUrl });
    await slow.connect();
    try {
      await slow.query('begin');
      await slow.query(`update resolution set title_en = 'Renamed late' where id = $1`, [resolution.id]);
      const during = await pullAll(cell.cursor, cellToken);
      expect(during.resolutions.get(resolution.id)?.titleEn ?? 'unchanged').not.toBe('Renamed late');
      await slow.query('commit');
      const after = await pullAll(during.cursor, cellToken);
      expect(after.resolutions.get(resolution.id)?.titleEn).toBe('Renamed late');
    } finally {
      await slow.query('rollback').catch(() => undefined);
      await slow.end();
    }
  });

  it('marks a row renamed only when what the phones show changes', async () => {
    const db = t.em().getConnection();
    const renamed = async (table: string, id: string) =>
      (await db.execute<{ x: string }[]>(`select renamed_xid::text as x from "${table}" where id = ?`, [id]))[0]!.x;
    const account = await renamed('account', reviewer.id);
    const unit = await renamed('unit', tree.cell.id);
    // A sign-in, a failed attempt, a unit's other columns: not a rename.
    await db.execute(`update account set last_sign_in_at = now(), failed_attempts = failed_attempts + 1 where id = ?`, [
      reviewer.id,
    ]);
    await db.execute(`update unit set active = active, depth = depth where id = ?`, [tree.cell.id]);
    expect(await renamed('account', reviewer.id)).toBe(account);
    expect(await renamed('unit', tree.cell.id)).toBe(unit);
    // A new row starts at 0: it reaches the phones with the rows that name it.
    const fresh = await buildResolution(t.em());
    expect(await renamed('resolution', fresh.id)).toBe('0');
    await renameResolution(fresh.id, 'Đổi tên');
    expect(await renamed('resolution', fresh.id)).not.toBe('0');
  });

  it('answers a protocol-3 client as before: no reference rows, the names inline', async () => {
    const OLD = `query ($input: SyncPullInput!) { syncPull(input: $input) {
      cursor hasMore tasks { id resolution { id titleVi } } reports { id reviewerName } } }`;
    const first = await pullAll(null, cellToken, 500, 3);
    expect(first.resolutions.size + first.units.size + first.people.size).toBe(0);
    const res = await t.gql<{ syncPull: { tasks: { id: string; resolution: { titleVi: string } }[] } }>(
      OLD,
      { input: { protocolVersion: 3, clientId: randomUUID(), cursor: null } },
      cellToken,
    );
    expect(ok(res).syncPull.tasks.find((x) => x.id === cellTask.id)?.resolution.titleVi).toBeTypeOf('string');
    await renameResolution(resolution.id, 'Tên cho máy cũ');
    expect((await pullAll(first.cursor, cellToken, 500, 3)).resolutions.size).toBe(0);
  });
});
