import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDay } from '../../src/common/dates.js';
import { Role } from '../../src/modules/accounts/role.js';
import {
  buildAccount,
  buildIndicator,
  buildUnit,
  buildPlan,
  buildReport,
  buildTask,
  buildTree,
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

const TASKS = `query($first: Int, $after: String, $filter: TaskFilter) {
  tasks(first: $first, after: $after, filter: $filter) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id title dueOn status leadUnit { id name } indicators { id name } latestReport { id percent } }
  }
}`;

interface TasksPage {
  tasks: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: { id: string; title: string; dueOn: string | null; status: string; leadUnit: { id: string } }[];
  };
}

describe('tasks query', () => {
  it('walks every page exactly once in due-date order, undated last', async () => {
    const em = t.em();
    const plan = await buildPlan(em, tree.otherProvince);
    const today = localDay();
    const made = [];
    for (let i = 0; i < 23; i++)
      made.push(
        await buildTask(em, {
          plan,
          assigner: tree.otherProvince,
          lead: tree.otherCommune,
          dueOn: i % 5 === 0 ? null : addDays(today, i % 7),
        }),
      );
    const { token } = await tokenFor(t, tree.otherProvince, [Role.VIEWER]);
    const seen: TasksPage['tasks']['nodes'] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const page: TasksPage = ok(await t.gql<TasksPage>(TASKS, { first: 5, after }, token));
      expect(page.tasks.totalCount).toBe(23);
      seen.push(...page.tasks.nodes);
      if (!page.tasks.pageInfo.hasNextPage) break;
      after = page.tasks.pageInfo.endCursor;
    }
    expect(seen.map((n) => n.id).sort()).toEqual(made.map((m) => m.id).sort());
    const dues = seen.map((n) => n.dueOn ?? '9999-12-31');
    expect(dues).toEqual([...dues].sort());
  });

  it('filters by status, due date, search and unit subtree', async () => {
    const em = t.em();
    const today = localDay();
    const overdue = await buildTask(em, {
      assigner: tree.province,
      lead: tree.cell,
      dueOn: addDays(today, -3),
      title: 'Chuyển đổi số trường học',
    });
    const later = await buildTask(em, {
      assigner: tree.province,
      lead: tree.siblingCommune,
      dueOn: addDays(today, 90),
      title: 'Khám sức khỏe',
    });
    const { token } = await tokenFor(t, tree.province, [Role.VIEWER]);
    const byStatus = ok(await t.gql<TasksPage>(TASKS, { filter: { status: ['OVERDUE'] } }, token));
    expect(byStatus.tasks.nodes.map((n) => n.id)).toEqual([overdue.id]);
    const bySearch = ok(await t.gql<TasksPage>(TASKS, { filter: { search: 'sức khỏe' } }, token));
    expect(bySearch.tasks.nodes.map((n) => n.id)).toEqual([later.id]);
    const byUnit = ok(await t.gql<TasksPage>(TASKS, { filter: { unitId: tree.commune.id } }, token));
    expect(byUnit.tasks.nodes.map((n) => n.id)).toEqual([overdue.id]);
    const byDue = ok(await t.gql<TasksPage>(TASKS, { filter: { dueFrom: addDays(today, 60) } }, token));
    expect(byDue.tasks.nodes.map((n) => n.id)).toEqual([later.id]);
  });

  it('lists tasks missing one of the five clears', async () => {
    const em = t.em();
    const cell = await buildUnit(em, { parent: tree.siblingCommune, kind: 'CELL' });
    const complete = await buildTask(em, { assigner: tree.siblingCommune, lead: cell });
    const noPerson = await buildTask(em, { assigner: tree.siblingCommune, lead: cell, responsiblePerson: null });
    const { token } = await tokenFor(t, cell, [Role.VIEWER]);
    const res = ok(
      await t.gql<{ tasks: { nodes: { id: string; missingClears: string[] }[] } }>(
        `{ tasks(filter: { incompleteOnly: true }) { nodes { id missingClears } } }`,
        {},
        token,
      ),
    );
    expect(res.tasks.nodes).toEqual([{ id: noPerson.id, missingClears: ['PERSON'] }]);
    expect(res.tasks.nodes.map((n) => n.id)).not.toContain(complete.id);
  });

  it('costs the same number of SQL statements for 10 tasks as for 100', async () => {
    const em = t.em();
    const cellA = await buildUnit(em, { parent: tree.commune, kind: 'CELL' });
    const reporter = await buildAccount(em, cellA, [Role.REPORTER]);
    const plan = await buildPlan(em, tree.commune);
    for (let i = 0; i < 100; i++) {
      const task = await buildTask(em, { plan, assigner: tree.commune, lead: cellA });
      await buildIndicator(em, task);
      if (i % 2) await buildReport(em, task, reporter, { percent: i % 100 });
    }
    const { token } = await tokenFor(t, cellA, [Role.VIEWER]);
    const knex = t.orm.em.getConnection().getKnex();
    const count = async (first: number) => {
      let n = 0;
      const onQuery = () => n++;
      await t.drain();
      knex.on('query', onQuery);
      const res = ok(await t.gql<TasksPage>(TASKS, { first }, token, { drain: false }));
      knex.off('query', onQuery);
      expect(res.tasks.nodes).toHaveLength(first);
      return n;
    };
    const small = await count(10);
    const large = await count(100);
    expect(large).toBe(small);
    expect(large).toBeLessThanOrEqual(8);
  });

  it('refuses a cursor it did not issue, naming the argument', async () => {
    const { token } = await tokenFor(t, tree.province, [Role.VIEWER]);
    const res = await t.gql(TASKS, { after: 'not-a-cursor' }, token);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.extensions!.field).toBe('after');
  });

  it('refuses a page size above the limit', async () => {
    const { token } = await tokenFor(t, tree.province, [Role.VIEWER]);
    const res = await t.gql(TASKS, { first: 5000 }, token);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.extensions!.field).toBe('first');
  });
});

describe('scope on reads', () => {
  it('answers a forbidden task exactly like a missing one', async () => {
    const em = t.em();
    const hidden = await buildTask(em, { assigner: tree.commune, lead: tree.siblingCell });
    const { token } = await tokenFor(t, tree.cell, [Role.REPORTER]);
    const forbidden = await t.gql(`query($id: ID!) { task(id: $id) { id } }`, { id: hidden.id }, token);
    const missing = await t.gql(`query($id: ID!) { task(id: $id) { id } }`, { id: randomUUID() }, token);
    expect(errorCode(forbidden)).toBe('NOT_FOUND');
    expect(forbidden.errors![0]!.message).toBe(missing.errors![0]!.message);
    expect(Object.keys(forbidden.errors![0]!.extensions!).sort()).toEqual(Object.keys(missing.errors![0]!.extensions!).sort());
  });

  it('never counts tasks outside the subtree', async () => {
    const em = t.em();
    await buildTask(em, { assigner: tree.otherProvince, lead: tree.otherCommune });
    const mine = await buildTask(em, { assigner: tree.siblingCommune, lead: tree.siblingCommune });
    const { token } = await tokenFor(t, tree.siblingCommune, [Role.VIEWER]);
    const res = ok(await t.gql<TasksPage>(TASKS, {}, token));
    expect(res.tasks.nodes.map((n) => n.id)).toContain(mine.id);
    for (const n of res.tasks.nodes)
      expect(n.leadUnit.id === tree.siblingCommune.id || n.leadUnit.id !== tree.otherCommune.id).toBe(true);
    const ids = new Set(res.tasks.nodes.map((n) => n.leadUnit.id));
    expect(ids.has(tree.otherCommune.id)).toBe(false);
  });

  it('hides the assigner unit above the viewer but shows ancestor titles', async () => {
    const em = t.em();
    const parent = await buildTask(em, { assigner: tree.central, lead: tree.province, title: 'Nhiệm vụ cấp trên' });
    const child = await buildTask(em, {
      assigner: tree.province,
      lead: tree.commune,
      parent,
      plan: await buildPlan(em, tree.province),
    });
    const { token } = await tokenFor(t, tree.commune, [Role.VIEWER]);
    const res = ok(
      await t.gql<{ task: { assignerUnit: unknown; ancestors: { title: string }[] } }>(
        `query($id: ID!) { task(id: $id) { assignerUnit { id } ancestors { title readable } } }`,
        { id: child.id },
        token,
      ),
    );
    expect(res.task.assignerUnit).toBeNull();
    expect(res.task.ancestors).toEqual([{ title: 'Nhiệm vụ cấp trên', readable: false }]);
    // The province leads the parent: its own viewer may open it.
    const { token: provinceToken } = await tokenFor(t, tree.province, [Role.VIEWER]);
    const fromProvince = ok(
      await t.gql<{ task: { ancestors: { readable: boolean }[] } }>(
        `query($id: ID!) { task(id: $id) { ancestors { readable } } }`,
        { id: child.id },
        provinceToken,
      ),
    );
    expect(fromProvince.task.ancestors).toEqual([{ readable: true }]);
  });

  it('does not let a unit browse above its own', async () => {
    const em = t.em();
    const commune = await buildUnit(em, { parent: tree.province, kind: 'COMMUNE' });
    const cells = [
      await buildUnit(em, { parent: commune, kind: 'CELL' }),
      await buildUnit(em, { parent: commune, kind: 'CELL' }),
    ];
    const { token } = await tokenFor(t, commune, [Role.VIEWER]);
    const res = ok(
      await t.gql<{ myUnit: { id: string; parent: unknown; children: { id: string }[] } }>(
        `{ myUnit { id parent { id } children { id } } }`,
        {},
        token,
      ),
    );
    expect(res.myUnit.id).toBe(commune.id);
    expect(res.myUnit.parent).toBeNull();
    expect(res.myUnit.children.map((c) => c.id).sort()).toEqual(cells.map((c) => c.id).sort());
    expect(errorCode(await t.gql(`query($id: ID!) { unit(id: $id) { id } }`, { id: tree.province.id }, token))).toBe('NOT_FOUND');
  });
});

describe('requests', () => {
  it('asks for sign-in when no token is sent', async () => {
    expect(errorCode(await t.gql(`{ tasks { totalCount } }`))).toBe('UNAUTHENTICATED');
  });

  it('answers a malformed id as bad input naming the field', async () => {
    const { token } = await tokenFor(t, tree.province, [Role.VIEWER]);
    const res = await t.gql(`{ task(id: "42") { id } }`, {}, token);
    expect(errorCode(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.extensions!.field).toBe('id');
  });

  it('answers an unknown field as a validation error', async () => {
    const { token } = await tokenFor(t, tree.province, [Role.VIEWER]);
    expect(errorCode(await t.gql(`{ tasks { nope } }`, {}, token))).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('rejects a forged token', async () => {
    expect(errorCode(await t.gql(`{ me { id } }`, {}, 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.forged'))).toBe('UNAUTHENTICATED');
  });

  it('reports health with the database checked', async () => {
    const res = await fetch(`${t.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ok',
      derived: { lagSeconds: expect.any(Number), unsealedAudit: expect.any(Number) },
    });
  });
});
