import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../src/modules/accounts/role.js';
import {
  buildAccount,
  buildIndicator,
  buildPlan,
  buildReport,
  buildResolution,
  buildTask,
  buildTree,
  buildUnit,
  tokenFor,
} from '../support/factories.js';
import { createTestApp, errorCode, ok, type TestApp } from '../support/test-app.js';

let t: TestApp;
let tree: Awaited<ReturnType<typeof buildTree>>;

beforeAll(async () => {
  t = await createTestApp({ DERIVED_WORKER: 'false' });
  tree = await buildTree(t.em());
});
afterAll(() => t.close());

const QUEUE = `query($unitId: ID, $resolutionId: ID, $first: Int!, $after: String) {
  reviewQueue(unitId: $unitId, resolutionId: $resolutionId, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id percent previousApprovedPercent state unit { id } authorName values { indicatorId value }
      task { id title indicators { id target } } }
  }
}`;

interface Queue {
  reviewQueue: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: {
      id: string;
      percent: number;
      previousApprovedPercent: number | null;
      state: string;
      unit: { id: string };
      authorName: string;
      values: { indicatorId: string; value: number }[];
      task: { id: string; title: string; indicators: { id: string; target: number }[] };
    }[];
  };
}

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

describe('reviewQueue', () => {
  it('lists the submitted reports of units below the leader, oldest received first, and nothing else', async () => {
    const resolution = await buildResolution(t.em());
    const plan = await buildPlan(t.em(), tree.commune, { resolution });
    const em = t.em();
    const reporter = await buildAccount(em, tree.cell, [Role.REPORTER]);
    const siblingReporter = await buildAccount(em, tree.siblingCell, [Role.REPORTER]);
    const communeReporter = await buildAccount(em, tree.commune, [Role.REPORTER]);
    const cellTask = await buildTask(em, { plan, assigner: tree.commune, lead: tree.cell });
    const siblingTask = await buildTask(em, { plan, assigner: tree.commune, lead: tree.siblingCell });
    const ownTask = await buildTask(em, { plan, assigner: tree.commune, lead: tree.commune });
    const newer = await buildReport(em, cellTask, reporter, { receivedAt: minutesAgo(5) });
    const older = await buildReport(em, siblingTask, siblingReporter, { receivedAt: minutesAgo(50) });
    await buildReport(em, ownTask, communeReporter, { receivedAt: minutesAgo(40) });

    const { token } = await tokenFor(t, tree.commune, [Role.LEADER]);
    const page = ok(await t.gql<Queue>(QUEUE, { resolutionId: resolution.id, first: 50 }, token)).reviewQueue;
    // The commune's own report is reviewed by the unit above it, not by its own leader.
    expect(page.nodes.map((n) => n.id)).toEqual([older.id, newer.id]);
    expect(page.totalCount).toBe(2);
    expect(page.nodes[1]!.unit.id).toBe(tree.cell.id);

    // Once decided, a report leaves the queue.
    const { token: approver } = await tokenFor(t, tree.commune, [Role.LEADER]);
    ok(await t.gql(`mutation($id: ID!) { approveReport(id: $id) { id } }`, { id: older.id }, approver));
    const after = ok(await t.gql<Queue>(QUEUE, { resolutionId: resolution.id, first: 50 }, token)).reviewQueue;
    expect(after.nodes.map((n) => n.id)).toEqual([newer.id]);
  });

  it('never shows a commune leader the reports of another commune, and refuses its units', async () => {
    const resolution = await buildResolution(t.em());
    const em = t.em();
    const siblingCell = await buildUnit(em, { parent: tree.siblingCommune, kind: 'CELL' });
    const plan = await buildPlan(em, tree.siblingCommune, { resolution });
    const task = await buildTask(em, { plan, assigner: tree.siblingCommune, lead: siblingCell });
    const report = await buildReport(em, task, await buildAccount(em, siblingCell), { receivedAt: minutesAgo(1) });

    const { token } = await tokenFor(t, tree.commune, [Role.LEADER]);
    const mine = ok(await t.gql<Queue>(QUEUE, { resolutionId: resolution.id, first: 50 }, token)).reviewQueue;
    expect(mine.nodes).toEqual([]);
    expect(mine.totalCount).toBe(0);
    expect(errorCode(await t.gql(QUEUE, { unitId: tree.siblingCommune.id, first: 50 }, token))).toBe('NOT_FOUND');

    // The province leader above both sees it, also when narrowed to that commune.
    const { token: province } = await tokenFor(t, tree.province, [Role.LEADER]);
    const theirs = ok(
      await t.gql<Queue>(QUEUE, { unitId: tree.siblingCommune.id, resolutionId: resolution.id, first: 50 }, province),
    ).reviewQueue;
    expect(theirs.nodes.map((n) => n.id)).toEqual([report.id]);
  });

  it('is for leaders only, and answers NOT_FOUND for an unknown resolution', async () => {
    const { token } = await tokenFor(t, tree.commune, [Role.FOCAL, Role.REPORTER, Role.VIEWER, Role.ADMIN]);
    expect(errorCode(await t.gql(QUEUE, { first: 10 }, token))).toBe('FORBIDDEN');
    const { token: leader } = await tokenFor(t, tree.commune, [Role.LEADER]);
    expect(errorCode(await t.gql(QUEUE, { resolutionId: '00000000-0000-4000-8000-000000000000', first: 10 }, leader))).toBe(
      'NOT_FOUND',
    );
  });

  it('pages with cursors that neither repeat nor skip reports received within the same millisecond', async () => {
    const resolution = await buildResolution(t.em());
    const em = t.em();
    const plan = await buildPlan(em, tree.commune, { resolution });
    const task = await buildTask(em, { plan, assigner: tree.commune, lead: tree.cell });
    const author = await buildAccount(em, tree.cell);
    // Five reports microseconds apart, all within one millisecond.
    const ids = Array.from({ length: 5 }, () => randomUUID());
    for (const [i, id] of ids.entries())
      await em.getConnection().execute(
        `insert into progress_report (id, task_id, unit_id, unit_path, author_id, percent, written_at, received_at)
         values (?, ?, ?, ?, ?, 10, now(), ?::timestamptz)`,
        [id, task.id, tree.cell.id, tree.cell.path, author.id, `2026-11-01T03:00:00.123${String(100 + i)}Z`],
      );
    const { token } = await tokenFor(t, tree.commune, [Role.LEADER]);
    const seen: string[] = [];
    let after: string | null = null;
    for (let round = 0; round < 5; round++) {
      const page: Queue['reviewQueue'] = ok(
        await t.gql<Queue>(QUEUE, { resolutionId: resolution.id, first: 2, after }, token),
      ).reviewQueue;
      seen.push(...page.nodes.map((n) => n.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(ids);
  });

  it('gives each waiting report the previous approved percent and the task’s indicator targets', async () => {
    const resolution = await buildResolution(t.em());
    const em = t.em();
    const plan = await buildPlan(em, tree.commune, { resolution });
    const task = await buildTask(em, { plan, assigner: tree.commune, lead: tree.cell });
    const indicator = await buildIndicator(em, task, { target: 40 });
    const author = await buildAccount(em, tree.cell);
    const first = await buildReport(em, task, author, { percent: 30, receivedAt: minutesAgo(30) });
    const { token } = await tokenFor(t, tree.commune, [Role.LEADER]);
    ok(await t.gql(`mutation($id: ID!) { approveReport(id: $id) { id } }`, { id: first.id }, token));
    const waiting = await buildReport(em, task, author, { percent: 55, receivedAt: minutesAgo(1) });

    const page = ok(await t.gql<Queue>(QUEUE, { resolutionId: resolution.id, first: 10 }, token)).reviewQueue;
    expect(page.nodes).toHaveLength(1);
    expect(page.nodes[0]).toMatchObject({
      id: waiting.id,
      percent: 55,
      previousApprovedPercent: 30,
      state: 'SUBMITTED',
      task: { id: task.id, indicators: [{ id: indicator.id, target: 40 }] },
    });
  });
});

describe('reviewQueue cost', () => {
  it('costs the same number of SQL statements for 5 reports as for 40, with everything the review screen shows', async () => {
    const resolution = await buildResolution(t.em());
    const em = t.em();
    const plan = await buildPlan(em, tree.commune, { resolution });
    const author = await buildAccount(em, tree.cell);
    for (let i = 0; i < 40; i++) {
      const task = await buildTask(em, { plan, assigner: tree.commune, lead: tree.cell });
      const indicator = await buildIndicator(em, task);
      const report = await buildReport(em, task, author, { receivedAt: minutesAgo(100 - i) });
      await em
        .getConnection()
        .execute(`insert into report_indicator_value (report_id, indicator_id, value) values (?, ?, 5)`, [
          report.id,
          indicator.id,
        ]);
    }
    const { token } = await tokenFor(t, tree.commune, [Role.LEADER]);
    const SCREEN = `query($resolutionId: ID, $first: Int!) {
      reviewQueue(resolutionId: $resolutionId, first: $first) {
        totalCount nodes { id percent previousApprovedPercent narrative obstacles authorName
          unit { id name } values { indicatorId value } attachments { id url }
          task { id title resolution { code } indicators { id name target } } }
      }
    }`;
    const knex = t.orm.em.getConnection().getKnex();
    const count = async (first: number) => {
      let n = 0;
      const onQuery = () => n++;
      await t.drain();
      knex.on('query', onQuery);
      const res = ok(await t.gql<Queue>(SCREEN, { resolutionId: resolution.id, first }, token, { drain: false }));
      knex.off('query', onQuery);
      expect(res.reviewQueue.nodes).toHaveLength(first);
      expect(res.reviewQueue.nodes[0]!.values).toHaveLength(1);
      return n;
    };
    const small = await count(5);
    const large = await count(40);
    expect(large).toBe(small);
  });
});

const UNITS = `query($unitId: ID, $search: String, $first: Int!, $after: String) {
  units(unitId: $unitId, search: $search, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { id name depth }
  }
}`;
interface Units {
  units: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: { id: string }[] };
}

describe('units', () => {
  it('lists the viewer’s subtree, nearest levels first, and searches by name inside it only', async () => {
    const { token } = await tokenFor(t, tree.commune, [Role.FOCAL]);
    const all = ok(await t.gql<Units>(UNITS, { first: 50 }, token)).units;
    expect(all.nodes.map((n) => n.id)).toEqual([tree.commune.id, tree.cell.id, tree.siblingCell.id]);

    const village = await buildUnit(t.em(), { parent: tree.commune, kind: 'CELL', name: 'Chi bộ Thôn Đa Lộc' });
    const found = ok(await t.gql<Units>(UNITS, { search: 'Thôn Lộc', first: 50 }, token)).units;
    expect(found.nodes.map((n) => n.id)).toEqual([village.id]);
    // Units of another commune are never found, by name or by asking for them.
    const outside = ok(await t.gql<Units>(UNITS, { search: 'Lang Biang', first: 50 }, token)).units;
    expect(outside.totalCount).toBe(0);
    expect(errorCode(await t.gql(UNITS, { unitId: tree.siblingCommune.id, first: 50 }, token))).toBe('NOT_FOUND');
  });

  it('pages through a subtree without repeating a unit', async () => {
    const { token } = await tokenFor(t, tree.province, [Role.FOCAL]);
    const all = ok(await t.gql<Units>(UNITS, { first: 200 }, token)).units;
    const paged: string[] = [];
    let after: string | null = null;
    do {
      const page: Units['units'] = ok(await t.gql<Units>(UNITS, { first: 2, after }, token)).units;
      paged.push(...page.nodes.map((n) => n.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(paged).toEqual(all.nodes.map((n) => n.id));
    expect(all.totalCount).toBe(paged.length);
  });
});

describe('tasks(filter: { topOfView })', () => {
  it('gives the tasks at the top of the viewer’s view: those whose parent it cannot read', async () => {
    const resolution = await buildResolution(t.em());
    const em = t.em();
    const centralPlan = await buildPlan(em, tree.central, { resolution });
    const top = await buildTask(em, { plan: centralPlan, assigner: tree.central, lead: tree.province });
    const communeTask = await buildTask(em, { plan: centralPlan, parent: top, assigner: tree.province, lead: tree.commune });
    await buildTask(em, { plan: centralPlan, parent: communeTask, assigner: tree.commune, lead: tree.cell });
    const query = `query($f: TaskFilter) { tasks(filter: $f) { nodes { id } } }`;
    const { token } = await tokenFor(t, tree.commune, [Role.FOCAL]);
    const commune = ok(
      await t.gql<{ tasks: { nodes: { id: string }[] } }>(query, { f: { resolutionId: resolution.id, topOfView: true } }, token),
    );
    expect(commune.tasks.nodes.map((n) => n.id)).toEqual([communeTask.id]);
    const { token: provinceToken } = await tokenFor(t, tree.province, [Role.FOCAL]);
    const province = ok(
      await t.gql<{ tasks: { nodes: { id: string }[] } }>(
        query,
        { f: { resolutionId: resolution.id, topOfView: true } },
        provinceToken,
      ),
    );
    expect(province.tasks.nodes.map((n) => n.id)).toEqual([top.id]);
  });
});
