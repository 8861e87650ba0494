import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../src/modules/accounts/role.js';
import { clockSkew, deviceTime } from '../../src/modules/sync/sync.service.js';
import { buildAccount, buildIndicator, buildTask, buildTree, tokenFor } from '../support/factories.js';
import { createTestApp, errorCode, ok, type TestApp } from '../support/test-app.js';

const PUSH = `mutation ($input: SyncPushInput!) { syncPush(input: $input) { updateRequired results { id status code field reason version } } }`;

interface Result {
  id: string;
  status: string;
  code: string | null;
  field: string | null;
  reason: string | null;
  version: number | null;
}

describe('SyncService.push', () => {
  let t: TestApp;
  let token: string;
  let taskId: string;
  let tree: Awaited<ReturnType<typeof buildTree>>;
  const clientId = randomUUID();

  beforeAll(async () => {
    t = await createTestApp();
    tree = await buildTree(t.em());
    ({ token } = await tokenFor(t, tree.cell, [Role.FOCAL, Role.REPORTER]));
    taskId = (await buildTask(t.em(), { lead: tree.cell, assigner: tree.commune })).id;
  });
  afterAll(() => t.close());

  const report = (id = randomUUID()) => ({
    id,
    kind: 'CREATE_REPORT',
    createdAt: new Date().toISOString(),
    createReport: { reportId: id, taskId, percent: 20, hasObstacles: false, writtenAt: new Date().toISOString() },
  });

  async function push(entries: unknown[], protocolVersion = 1) {
    const res = await t.gql<{ syncPush: { updateRequired: boolean; results: Result[] } }>(
      PUSH,
      { input: { protocolVersion, clientId, entries } },
      token,
    );
    return res;
  }

  it('answers APPLIED, then ALREADY_APPLIED for the same entry, storing it once', async () => {
    const e = report();
    expect(ok(await push([e])).syncPush.results[0]!.status).toBe('APPLIED');
    expect(ok(await push([e])).syncPush.results[0]!.status).toBe('ALREADY_APPLIED');
    const rows = await t.em().getConnection().execute(`select id from progress_report where id = ?`, [e.id]);
    expect(rows).toHaveLength(1);
  });

  it('rejects an entry whose payload does not match its kind, naming the field, and applies the rest', async () => {
    const bad = {
      id: randomUUID(),
      kind: 'UPDATE_TASK',
      createdAt: new Date().toISOString(),
      markNotificationRead: { notificationId: randomUUID() },
    };
    const good = report();
    const { results } = ok(await push([bad, good])).syncPush;
    expect(results.map((r) => r.status)).toEqual(['REJECTED', 'APPLIED']);
    expect(results[0]!.code).toBe('BAD_USER_INPUT');
    expect(results[0]!.field).toBe('updateTask');
  });

  it('answers the version a task edit produced', async () => {
    const [{ version }] = await t
      .em()
      .getConnection()
      .execute<{ version: number }[]>(`select version from task where id = ?`, [taskId]);
    const e = {
      id: randomUUID(),
      kind: 'UPDATE_TASK',
      createdAt: new Date().toISOString(),
      updateTask: { taskId, baseVersion: version, responsiblePerson: 'Chị Mai' },
    };
    const [first] = ok(await push([e])).syncPush.results;
    expect(first).toMatchObject({ status: 'APPLIED', version: version + 1 });
    const [again] = ok(await push([e])).syncPush.results;
    expect(again).toMatchObject({ status: 'ALREADY_APPLIED', version: version + 1 });
  });

  it('stores a report entry with its values, the task’s last report time, one audit event and the notice, once', async () => {
    const em = t.em();
    const task = await buildTask(em, { lead: tree.cell, assigner: tree.commune });
    const a = await buildIndicator(em, task);
    const b = await buildIndicator(em, task);
    const foreign = await buildIndicator(em, await buildTask(em, { lead: tree.cell, assigner: tree.commune }));
    const leader = await buildAccount(em, tree.commune, [Role.LEADER]);
    const entry = (values: { indicatorId: string; value: number }[]) => {
      const e = report();
      return { ...e, createReport: { ...e.createReport, taskId: task.id, values } };
    };
    const bad = entry([
      { indicatorId: a.id, value: 1 },
      { indicatorId: foreign.id, value: 1 },
    ]);
    const good = entry([
      { indicatorId: a.id, value: 2.5 },
      { indicatorId: b.id, value: 0.001 },
    ]);
    const { results } = ok(await push([bad, good])).syncPush;
    expect(results.map((r) => [r.status, r.field])).toEqual([
      ['REJECTED', 'values'],
      ['APPLIED', null],
    ]);
    expect(ok(await push([good])).syncPush.results[0]!.status).toBe('ALREADY_APPLIED');

    const db = t.em().getConnection();
    const count = async (sql: string, id: string) => (await db.execute<{ n: number }[]>(sql, [id]))[0]!.n;
    const values = await db.execute<{ indicator_id: string; value: number }[]>(
      `select indicator_id, value from report_indicator_value where report_id = ? order by value desc`,
      [good.id],
    );
    expect(values).toEqual([
      { indicator_id: a.id, value: 2.5 },
      { indicator_id: b.id, value: 0.001 },
    ]);
    const [{ last_report_at }] = await db.execute<{ last_report_at: string | null }[]>(
      `select last_report_at from task where id = ?`,
      [task.id],
    );
    expect(last_report_at).not.toBeNull();
    expect(
      await count(`select count(*)::int as n from audit_event where entity_id = ? and action = 'report.submit'`, good.id),
    ).toBe(1);
    const notices = await db.execute<{ account_id: string }[]>(`select account_id from notification where report_id = ?`, [
      good.id,
    ]);
    expect(notices.map((n) => n.account_id)).toEqual([leader.id]);
    // The refused entry left nothing, not even its id: a fixed retry goes through.
    expect(await count(`select count(*)::int as n from progress_report where id = ?`, bad.id)).toBe(0);
    expect(await count(`select count(*)::int as n from sync_applied_entry where id = ?`, bad.id)).toBe(0);
    expect(await count(`select count(*)::int as n from audit_event where entity_id = ?`, bad.id)).toBe(0);
  });

  it('refuses more than 100 entries and tells an old client to update', async () => {
    expect(errorCode(await push(Array.from({ length: 101 }, () => report())))).toBe('BAD_USER_INPUT');
    expect(ok(await push([report()], 0)).syncPush.updateRequired).toBe(true);
  });

  it('corrects device times by the clock offset measured at push, never past now', () => {
    const now = new Date('2026-11-30T03:00:00Z');
    const day = 24 * 3600_000;
    expect(clockSkew(new Date(now.getTime() + day), now)).toBe(day);
    expect(clockSkew(new Date(now.getTime() + 30_000), now)).toBe(0);
    expect(deviceTime(new Date(now.getTime() + day - 60_000), day, now).toISOString()).toBe('2026-11-30T02:59:00.000Z');
    expect(deviceTime(new Date(now.getTime() + day), 0, now)).toEqual(now);
  });
});
