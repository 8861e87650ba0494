import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDay } from '../../src/common/dates.js';
import { Role } from '../../src/modules/accounts/role.js';
import type { Unit } from '../../src/modules/organisations/unit.entity.js';
import { TaskStatus } from '../../src/modules/tasks/task.enums.js';
import { buildPlan, buildTask, buildTree, buildUnit, tokenFor } from '../support/factories.js';
import { createTestApp, ok, type TestApp } from '../support/test-app.js';

// totalCount of the task list comes from task_rollup when the filter allows; these check it
// against the rows the page query itself returns, for every viewer level and filter.

let t: TestApp;
let tree: Awaited<ReturnType<typeof buildTree>>;
let resolutionA: string;
let resolutionB: string;
const made = new Map<string, number>(); // unit id → tasks led there

const LIST = `query($filter: TaskFilter) { tasks(first: 200, filter: $filter) { totalCount nodes { id status } } }`;
interface ListPage {
  tasks: { totalCount: number; nodes: { id: string; status: string }[] };
}

/** Tasks of every status and due-date position (months before, this month either side of today, later, none). */
async function populate(lead: Unit, assigner: Unit) {
  const em = t.em();
  const today = localDay();
  const dues = [addDays(today, -40), addDays(today, -1), today, addDays(today, 1), addDays(today, 40), null];
  const ids: string[] = [];
  for (const [i, plan] of [await buildPlan(em, assigner), await buildPlan(em, assigner)].entries()) {
    for (const dueOn of dues)
      for (const progress of [0, 30]) ids.push((await buildTask(em, { plan, assigner, lead, dueOn, progress })).id);
    if (i === 0) resolutionA = plan.resolution.id;
    else resolutionB = plan.resolution.id;
  }
  const conn = em.getConnection();
  // Completed late, completed on time, cancelled; and a completion without a date (never a rollup count).
  await conn.execute(`update task set state = 'COMPLETED', progress = 100, completed_at = now() where id = any(?::uuid[])`, [
    `{${[ids[0], ids[1], ids[12]].join(',')}}`,
  ]);
  await conn.execute(
    `update task set state = 'COMPLETED', progress = 100, completed_at = now() - interval '50 days' where id = ?`,
    [ids[8]],
  );
  await conn.execute(`update task set state = 'CANCELLED', cancelled_at = now() where id = any(?::uuid[])`, [
    `{${[ids[2], ids[13]].join(',')}}`,
  ]);
  await conn.execute(`update task set state = 'COMPLETED', progress = 100, completed_at = null where id = ?`, [ids[9]]);
  made.set(lead.id, (made.get(lead.id) ?? 0) + ids.length);
}

beforeAll(async () => {
  t = await createTestApp({ DERIVED_WORKER: 'false' });
  tree = await buildTree(t.em());
  await populate(tree.central, tree.central);
  await populate(tree.province, tree.central);
  await populate(tree.commune, tree.province);
  await populate(tree.cell, tree.commune);
  await populate(tree.siblingCommune, tree.siblingCommune);
  await populate(tree.otherCommune, tree.otherProvince);
});
afterAll(() => t.close());

const everyStatus = Object.values(TaskStatus);

describe('task list totalCount', () => {
  it('equals the rows listed, for every viewer level, status, resolution and unit filter', async () => {
    const viewers = [tree.central, tree.province, tree.otherProvince, tree.commune, tree.cell];
    for (const unit of viewers) {
      const { token } = await tokenFor(t, unit, [Role.VIEWER]);
      const filters: Record<string, unknown>[] = [
        {},
        ...everyStatus.map((s) => ({ status: [s] })),
        { status: [TaskStatus.OVERDUE, TaskStatus.IN_PROGRESS] },
        { status: [TaskStatus.NOT_STARTED, TaskStatus.CANCELLED, TaskStatus.COMPLETED_LATE] },
        { resolutionId: resolutionA },
        { resolutionId: resolutionB, status: [TaskStatus.OVERDUE] },
        { unitId: unit.id },
        { unitId: unit.id, status: [TaskStatus.NOT_STARTED] },
      ];
      for (const filter of filters) {
        const page = ok(await t.gql<ListPage>(LIST, { filter }, token)).tasks;
        expect(page.nodes.length, `${unit.name} ${JSON.stringify(filter)}`).toBeLessThan(200);
        expect(page.totalCount, `${unit.name} ${JSON.stringify(filter)}`).toBe(page.nodes.length);
        if (filter.status) expect(page.nodes.every((n) => (filter.status as string[]).includes(n.status))).toBe(true);
      }
    }
  });

  it('never counts another province’s tasks, and the nation counts what the centre leads itself', async () => {
    const per = made.get(tree.province.id)!;
    const count = async (unit: Unit) => {
      const { token } = await tokenFor(t, unit, [Role.VIEWER]);
      return ok(await t.gql<ListPage>(`{ tasks { totalCount } }`, {}, token)).tasks.totalCount;
    };
    // Lâm Đồng: its own, its two communes' and its cell's; Hà Nội: its commune's only.
    expect(await count(tree.province)).toBe(per * 4);
    expect(await count(tree.otherProvince)).toBe(per);
    expect(await count(tree.central)).toBe(per * 6);
    // A new province with no work counts nothing, though its path shares a prefix of digits.
    const empty = await buildUnit(t.em(), { parent: tree.central, kind: 'PROVINCE' });
    expect(await count(empty)).toBe(0);
  });

  it('counts exactly the filters the rollups cannot answer', async () => {
    const { token } = await tokenFor(t, tree.province, [Role.VIEWER]);
    const today = localDay();
    const filters: Record<string, unknown>[] = [
      // A completion without a date is neither on time nor late in the list's own condition.
      { status: [TaskStatus.COMPLETED_ON_TIME] },
      { dueFrom: today },
      { dueTo: addDays(today, 1), status: [TaskStatus.OVERDUE] },
      { search: 'Nhiệm vụ' },
      { rootsOnly: true },
      { topOfView: true },
      { incompleteOnly: true },
    ];
    for (const filter of filters) {
      const page = ok(await t.gql<ListPage>(LIST, { filter }, token)).tasks;
      expect(page.totalCount, JSON.stringify(filter)).toBe(page.nodes.length);
    }
    const onTime = ok(await t.gql<ListPage>(LIST, { filter: { status: [TaskStatus.COMPLETED_ON_TIME] } }, token)).tasks;
    expect(onTime.totalCount).toBeGreaterThan(0);
  });

  it('lists the top of the view: roots for the sole root unit, tasks under unreadable parents below it', async () => {
    const em = t.em();
    const parent = await buildTask(em, { lead: tree.central, assigner: tree.central });
    const child = await buildTask(em, { lead: tree.province, assigner: tree.central, parent });
    const top = async (unit: Unit) => {
      const { token } = await tokenFor(t, unit, [Role.VIEWER]);
      const page = ok(await t.gql<ListPage>(LIST, { filter: { topOfView: true } }, token)).tasks;
      expect(page.totalCount).toBe(page.nodes.length);
      return page.nodes.map((n) => n.id);
    };
    const [{ n: roots }] = await em
      .getConnection()
      .execute<{ n: number }[]>(`select count(*)::int n from task where parent_id is null`);
    const national = await top(tree.central);
    expect(national).toHaveLength(roots);
    expect(national).toContain(parent.id);
    expect(national).not.toContain(child.id);
    const provinceTop = await top(tree.province);
    expect(provinceTop).toContain(child.id);
    // The same rows page by page, in both orders, as in one page.
    const { token } = await tokenFor(t, tree.province, [Role.VIEWER]);
    for (const orderBy of ['DUE_ON', 'CREATED_AT']) {
      const seen: string[] = [];
      let after: string | null = null;
      for (let pages = 0; pages < 100; pages++) {
        const page: { tasks: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } = ok(
          await t.gql(
            `query($after: String, $orderBy: TaskOrder) { tasks(first: 3, after: $after, orderBy: $orderBy, filter: { topOfView: true }) { nodes { id } pageInfo { hasNextPage endCursor } } }`,
            { after, orderBy },
            token,
          ),
        );
        seen.push(...page.tasks.nodes.map((n) => n.id));
        if (!page.tasks.pageInfo.hasNextPage) break;
        after = page.tasks.pageInfo.endCursor;
      }
      expect([...seen].sort()).toEqual([...provinceTop].sort());
    }
    // A second root: the first no longer sees every unit, and the list falls back to the parent check.
    const otherRoot = await buildUnit(em, { kind: 'CENTRAL' });
    const elsewhere = await buildTask(em, { lead: otherRoot });
    const afterSecondRoot = await top(tree.central);
    expect(afterSecondRoot).toHaveLength(roots);
    expect(afterSecondRoot).not.toContain(elsewhere.id);
    expect(afterSecondRoot).not.toContain(child.id);
    expect(await top(otherRoot)).toEqual([elsewhere.id]);
  });

  it('follows writes at once: a cancellation moves a task between counts', async () => {
    const em = t.em();
    const { token } = await tokenFor(t, tree.siblingCommune, [Role.VIEWER]);
    const count = async (status: TaskStatus) =>
      ok(await t.gql<ListPage>(LIST, { filter: { status: [status] } }, token)).tasks.totalCount;
    const task = await buildTask(em, { lead: tree.siblingCommune, dueOn: addDays(localDay(), 60) });
    const [notStarted, cancelled] = [await count(TaskStatus.NOT_STARTED), await count(TaskStatus.CANCELLED)];
    await em.getConnection().execute(`update task set state = 'CANCELLED', cancelled_at = now() where id = ?`, [task.id]);
    expect(await count(TaskStatus.NOT_STARTED)).toBe(notStarted - 1);
    expect(await count(TaskStatus.CANCELLED)).toBe(cancelled + 1);
  });

  it('is counted only when the query selects it', async () => {
    const { token } = await tokenFor(t, tree.central, [Role.VIEWER]);
    const knex = t.orm.em.getConnection().getKnex();
    const statements = async (query: string) => {
      const seen: string[] = [];
      const onQuery = (q: { sql: string }) => seen.push(q.sql);
      await t.drain();
      knex.on('query', onQuery);
      ok(await t.gql(query, {}, token, { drain: false }));
      knex.off('query', onQuery);
      return seen.filter((s) => /task_rollup|count\(/.test(s)).length;
    };
    expect(await statements(`{ tasks { nodes { id } } }`)).toBe(0);
    expect(await statements(`{ tasks { totalCount nodes { id } } }`)).toBeGreaterThan(0);
  });
});
