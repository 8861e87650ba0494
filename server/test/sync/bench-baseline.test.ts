import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pullDifferences, rawPull, type RawPullInput } from '../../../bench/lib/raw-sync.js';
import { SYNC_PULL } from '../../../web/src/offline/protocol.js';
import type { Account } from '../../src/modules/accounts/account.entity.js';
import { Role } from '../../src/modules/accounts/role.js';
import { addDays, localDay } from '../../src/common/dates.js';
import { decodeCursor } from '../../src/modules/sync/sync-cursor.js';
import { PROTOCOL_VERSION } from '../../src/modules/sync/sync.service.js';
import type { Task } from '../../src/modules/tasks/task.entity.js';
import { buildIndicator, buildPlan, buildReport, buildTask, buildTree, tokenFor } from '../support/factories.js';
import { createTestApp, ok, type TestApp } from '../support/test-app.js';

// bench:sync times the app's pull against a hand-written one (bench/lib/raw-sync.ts); the ratio
// means something only while both answer the same. This holds the baseline to SyncService.pull:
// every page of a small world, for two viewers and two protocols, first round and after renames,
// removals and new rows, equal field for field (the cursor's snapshot ids aside).

type Page = Record<string, unknown> & { cursor: string; hasMore: boolean };

const REQUEST = `mutation($input: RequestExtensionInput!) { requestExtension(input: $input) { created } }`;

describe('the bench baseline (bench/lib/raw-sync.ts) pulls what SyncService.pull pulls', () => {
  let t: TestApp;
  let pool: pg.Pool;
  let tree: Awaited<ReturnType<typeof buildTree>>;
  const viewers: { label: string; token: string; account: Account; unitPath: string }[] = [];
  let tasks: Task[];
  let reporter: { token: string; account: Account };
  let leader: { token: string; account: Account };

  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'error' });
    pool = new pg.Pool({ connectionString: t.databaseUrl, max: 2 });
    tree = await buildTree(t.em());
    const em = t.em();
    reporter = await tokenFor(t, tree.cell, [Role.REPORTER, Role.FOCAL]);
    leader = await tokenFor(t, tree.commune, [Role.LEADER, Role.FOCAL]);
    viewers.push(
      { label: 'cell', ...reporter, unitPath: tree.cell.path },
      { label: 'commune', ...leader, unitPath: tree.commune.path },
    );
    const plan = await buildPlan(em, tree.commune);
    const provincePlan = await buildPlan(em, tree.province);
    const parent = await buildTask(em, { lead: tree.commune, assigner: tree.province, plan: provincePlan, title: 'Nhiệm vụ xã' });
    tasks = [];
    for (let i = 0; i < 5; i++) {
      const task = await buildTask(em, { lead: tree.cell, assigner: tree.commune, plan, parent, title: `Nhiệm vụ ${i + 1}` });
      await buildIndicator(em, task, { name: `Chỉ tiêu ${i + 1}` });
      if (i % 2) await buildIndicator(em, task, { name: `Chỉ tiêu phụ ${i + 1}`, currentValue: 3 });
      tasks.push(task);
    }
    // A task the province assigned straight to the cell: its assigner lies above the commune's view.
    tasks.push(await buildTask(em, { lead: tree.cell, assigner: tree.province, plan: provincePlan, dueOn: null }));
    const conn = em.getConnection();
    await conn.execute(`update task set report_frequency = 'MONTHLY', report_due_days = 5 where id = ?`, [tasks[0]!.id]);
    for (const task of tasks.slice(0, 4)) await buildReport(t.em(), task, reporter.account, { percent: 40 });
    const reviewed = await buildReport(t.em(), tasks[4]!, reporter.account, { percent: 70 });
    await conn.execute(
      `update progress_report set state = 'RETURNED', reviewed_by_id = ?, reviewed_at = now(), review_comment = 'Bổ sung số liệu'
        where id = ?`,
      [leader.account.id, reviewed.id],
    );
    await conn.execute(
      `insert into notification (id, account_id, kind, message, task_id) values (gen_random_uuid(), ?, 'TASK_ASSIGNED', 'Bạn được giao nhiệm vụ mới', ?)`,
      [reporter.account.id, tasks[1]!.id],
    );
    ok(
      await t.gql(
        REQUEST,
        {
          input: {
            taskId: tasks[2]!.id,
            baseVersion: tasks[2]!.version,
            requestedDueOn: addDays(localDay(), 60),
            reason: 'Mưa bão kéo dài, chưa thi công được',
          },
        },
        reporter.token,
      ),
    );
  });
  afterAll(async () => {
    await pool?.end();
    await t?.close();
  });

  const real = async (token: string, input: RawPullInput) =>
    ok(await t.gql<{ syncPull: Page }>(SYNC_PULL, { input }, token)).syncPull;
  const baseline = async (account: Account, unitPath: string, input: RawPullInput) =>
    JSON.parse(JSON.stringify(await rawPull(pool, { id: account.id, unitPath }, input))) as Page;

  /** Every page from `cursor` on, each compared with the baseline's answer to the same request. */
  async function compareRound(v: (typeof viewers)[number], protocolVersion: number, cursor: string | null, limit: number) {
    const clientId = randomUUID();
    let pages = 0;
    let rows = 0;
    for (;;) {
      const input = { protocolVersion, clientId, limit, ...(cursor ? { cursor } : {}) };
      const app = await real(v.token, input);
      const raw = await baseline(v.account, v.unitPath, input);
      expect(pullDifferences(app, raw), `${v.label}, protocol ${protocolVersion}, page ${pages + 1}`).toEqual([]);
      const { cursor: appCursor, serverTime: _a, ...appRest } = app;
      const { cursor: rawCursor, serverTime: _r, ...rawRest } = raw;
      expect(rawRest).toEqual(appRest);
      // The cursors name the same place; only the snapshot's xmin may have moved between the two.
      const [ca, cb] = [decodeCursor(appCursor), decodeCursor(rawCursor)];
      expect({ ...cb, next: '', since: cb?.after ? cb.since : '' }).toEqual({
        ...ca,
        next: '',
        since: ca?.after ? ca.since : '',
      });
      rows += ['tasks', 'reports', 'notifications', 'extensionRequests', 'removals', 'resolutions', 'units', 'people'].reduce(
        (n, k) => n + (app[k] as unknown[]).length,
        0,
      );
      pages++;
      cursor = appCursor;
      if (!app.hasMore) return { cursor, pages, rows };
    }
  }

  it('agrees on every page of a first sync, in pages of 3 and in one page', async () => {
    for (const v of viewers)
      for (const protocol of [3, PROTOCOL_VERSION]) {
        const paged = await compareRound(v, protocol, null, 3);
        expect(paged.pages).toBeGreaterThan(1);
        expect(paged.rows).toBeGreaterThan(0);
        await compareRound(v, protocol, null, 500);
      }
  });

  it('agrees after renames, a removal, new rows and on a foreign, older-protocol or unknown cursor', async () => {
    const cell = viewers[0]!;
    const { cursor } = await compareRound(cell, PROTOCOL_VERSION, null, 500);
    const { cursor: older } = await compareRound(cell, 3, null, 500);
    const conn = t.em().getConnection();
    await conn.execute(`update resolution set title_vi = title_vi || ' (sửa)' where id = ?`, [tasks[0]!.resolution.id]);
    await conn.execute(`update unit set name = 'Phường Xuân Hương mới' where id = ?`, [tree.commune.id]);
    await conn.execute(`update account set display_name = 'Đồng chí Bí thư' where id = ?`, [leader.account.id]);
    await conn.execute(`update task set lead_unit_path = ?, lead_unit_id = ? where id = ?`, [
      tree.siblingCell.path,
      tree.siblingCell.id,
      tasks[5]!.id,
    ]);
    await conn.execute(`update indicator set target = 90 where task_id = ?`, [tasks[3]!.id]);
    await buildReport(t.em(), tasks[1]!, cell.account, { percent: 55 });
    const after = await compareRound(cell, PROTOCOL_VERSION, cursor, 2);
    // The renames, the removal, the edited indicator's task and the new report all came.
    expect(after.rows).toBeGreaterThanOrEqual(6);
    await compareRound(cell, PROTOCOL_VERSION, older, 500);
    await compareRound(viewers[1]!, PROTOCOL_VERSION, cursor, 500);
    await compareRound(cell, PROTOCOL_VERSION, 'not-a-cursor', 500);
  });
});
