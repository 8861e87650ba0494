import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDay } from '../../src/common/dates.js';
import { Role } from '../../src/modules/accounts/role.js';
import { createTestApp, errorCode, ok, type TestApp } from '../support/test-app.js';
import { buildPlan, buildResolution, buildTask, buildTree, tokenFor } from '../support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const EVALUATE = `mutation($input: EvaluateTaskInput!) { evaluateTask(input: $input) { id period rating comment } }`;
const RANKING = `query($r: ID, $p: String) { unitRanking(resolutionId: $r, period: $p) {
  rank unit { id } summary { onTimeRate }
  score { score rated doneWell done notDone ratingScore onTimeRate ratingWeight onTimeWeight formula } } }`;

describe('evaluateTask', () => {
  it('rates a task below the leader, replaces the rating on a second call, and audits both', async () => {
    const em = t.em();
    const tree = await buildTree(em);
    const task = await buildTask(em, { assigner: tree.province, lead: tree.commune });
    const { token } = await tokenFor(t, tree.province, [Role.LEADER]);
    const first = ok(
      await t.gql<{ evaluateTask: { id: string; rating: string } }>(
        EVALUATE,
        { input: { taskId: task.id, period: '2026-Q4', rating: 'DONE', comment: ' Đạt ' } },
        token,
      ),
    ).evaluateTask;
    expect(first).toMatchObject({ rating: 'DONE', comment: 'Đạt' });
    const again = ok(
      await t.gql<{ evaluateTask: { id: string; rating: string } }>(
        EVALUATE,
        { input: { taskId: task.id, period: '2026-Q4', rating: 'DONE_WELL' } },
        token,
      ),
    ).evaluateTask;
    expect(again).toMatchObject({ id: first.id, rating: 'DONE_WELL' });
    const events = await t
      .em()
      .getConnection()
      .execute<{ action: string }[]>(`select action from audit_event where entity_id = ? order by id`, [first.id]);
    expect(events.map((e) => e.action)).toEqual(['evaluation.create', 'evaluation.update']);
    const list = ok(
      await t.gql<{ evaluations: { totalCount: number; nodes: { task: { id: string } }[] } }>(
        `{ evaluations { totalCount nodes { task { id } } } }`,
        {},
        token,
      ),
    ).evaluations;
    expect(list.totalCount).toBe(1);
    expect(list.nodes[0].task.id).toBe(task.id);
  });

  it('refuses its own unit’s task, another province’s, a bad period, and a non-leader', async () => {
    const em = t.em();
    const tree = await buildTree(em);
    const own = await buildTask(em, { lead: tree.province });
    const other = await buildTask(em, { assigner: tree.otherProvince, lead: tree.otherCommune });
    const mine = await buildTask(em, { assigner: tree.province, lead: tree.commune });
    const { token } = await tokenFor(t, tree.province, [Role.LEADER]);
    const input = (taskId: string, period = '2026') => ({ input: { taskId, period, rating: 'DONE' } });
    expect(errorCode(await t.gql(EVALUATE, input(own.id), token))).toBe('FORBIDDEN');
    expect(errorCode(await t.gql(EVALUATE, input(other.id), token))).toBe('NOT_FOUND');
    const bad = await t.gql(EVALUATE, input(mine.id, '2026-Q5'), token);
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0].extensions?.field).toBe('period');
    const { token: focal } = await tokenFor(t, tree.province, [Role.FOCAL]);
    expect(errorCode(await t.gql(EVALUATE, input(mine.id), focal))).toBe('FORBIDDEN');
    const [{ n }] = await t
      .em()
      .getConnection()
      .execute<{ n: number }[]>(`select count(*)::int n from task_evaluation where task_id in (?, ?, ?)`, [
        own.id,
        other.id,
        mine.id,
      ]);
    expect(n).toBe(0);
  });
});

describe('unitRanking', () => {
  it('ranks child units by ratings and on-time rate and shows how', async () => {
    const em = t.em();
    const tree = await buildTree(em);
    const resolution = await buildResolution(em);
    const plan = await buildPlan(em, tree.province, { resolution });
    const today = localDay();
    const a = await buildTask(em, { plan, assigner: tree.province, lead: tree.cell, dueOn: addDays(today, 10) });
    const b = await buildTask(em, { plan, assigner: tree.province, lead: tree.siblingCommune, dueOn: addDays(today, -10) });
    await t
      .em()
      .getConnection()
      .execute(`update task set state = 'COMPLETED', progress = 100, completed_at = now() where id = ?`, [a.id]);
    const { token } = await tokenFor(t, tree.province, [Role.LEADER]);
    ok(await t.gql(EVALUATE, { input: { taskId: a.id, period: '2026', rating: 'DONE_WELL' } }, token));
    ok(await t.gql(EVALUATE, { input: { taskId: b.id, period: '2026', rating: 'NOT_DONE' } }, token));
    type R = {
      rank: number;
      unit: { id: string };
      score: { score: number | null; rated: number; ratingScore: number | null; onTimeRate: number | null; formula: string };
    };
    const ranking = ok(await t.gql<{ unitRanking: R[] }>(RANKING, { r: resolution.id, p: '2026' }, token)).unitRanking;
    expect(ranking.map((r) => r.unit.id)).toEqual([tree.commune.id, tree.siblingCommune.id]);
    expect(ranking[0].score).toMatchObject({ score: 100, rated: 1, ratingScore: 1, onTimeRate: 1 });
    expect(ranking[1].score).toMatchObject({ score: 0, rated: 1, ratingScore: 0, onTimeRate: 0 });
    expect(ranking[0].score.formula).toContain('onTimeRate');
    const none = ok(await t.gql<{ unitRanking: R[] }>(RANKING, { r: resolution.id, p: '2025' }, token)).unitRanking;
    expect(none[0].score.rated).toBe(0);
    expect(errorCode(await t.gql(RANKING, { p: 'soon' }, token))).toBe('BAD_USER_INPUT');
  });
});
