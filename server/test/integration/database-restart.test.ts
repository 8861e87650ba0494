import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/orm.js';
import { Role } from '../../src/modules/accounts/role.js';
import { post } from '../support/auth-helpers.js';
import { buildTask, buildTree, tokenFor } from '../support/factories.js';
import { createPgCluster, type PgCluster } from '../support/pg-cluster.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

// The API on a PostgreSQL of its own, which this test stops and starts under it.
let cluster: PgCluster;
let t: TestApp;
let token: string;
let taskId: string;
const clientId = randomUUID();

const PUSH = `mutation ($input: SyncPushInput!) { syncPush(input: $input) { results { id status } } }`;

const entry = () => {
  const id = randomUUID();
  return {
    id,
    kind: 'CREATE_REPORT',
    createdAt: new Date().toISOString(),
    createReport: { reportId: id, taskId, percent: 30, hasObstacles: false, writtenAt: new Date().toISOString() },
  };
};

const push = (entries: unknown[]) =>
  post<{ syncPush: { results: { id: string; status: string }[] } }>(
    t.url,
    { query: PUSH, variables: { input: { protocolVersion: 1, clientId, entries } } },
    { authorization: `Bearer ${token}` },
  );

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = Date.now();
  const value = await work();
  return { ms: Date.now() - started, value };
}

beforeAll(async () => {
  cluster = await createPgCluster();
  const databaseUrl = await cluster.createDatabase('resolute');
  await (await openDatabase(databaseUrl)).close(true);
  t = await createTestApp({}, { databaseUrl });
  const tree = await buildTree(t.em());
  taskId = (await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell })).id;
  token = (await tokenFor(t, tree.cell, [Role.REPORTER])).token;
}, 120_000);

afterAll(async () => {
  await t?.close();
  await cluster?.destroy();
});

describe('a database restart under a running API', () => {
  it('answers 503 DATABASE_UNAVAILABLE quickly while it is down, then recovers by itself, losing no acknowledged push', async () => {
    const before = [entry(), entry(), entry()];
    const acked = await push(before);
    expect(acked.json.data!.syncPush.results.map((r) => r.status)).toEqual(['APPLIED', 'APPLIED', 'APPLIED']);

    await cluster.stop('fast');

    const during = await timed(() => push([entry()]));
    expect(during.ms).toBeLessThan(5000);
    expect(during.value.status).toBe(503);
    expect(during.value.headers.get('retry-after')).toBe('5');
    expect(during.value.json.errors![0]!.extensions!.code).toBe('DATABASE_UNAVAILABLE');
    expect(during.value.json.errors![0]!.message).toBe('The database is not answering right now; try again in a few seconds');

    // Anonymous and signed-in reads alike; the token's account is looked up in the database.
    const read = await timed(() => post(t.url, { query: '{ me { id } }' }, { authorization: `Bearer ${token}` }));
    expect(read.ms).toBeLessThan(5000);
    expect([read.value.status, read.value.json.errors![0]!.extensions!.code]).toEqual([503, 'DATABASE_UNAVAILABLE']);
    const publicView = await fetch(`${t.url}/api/public/dashboards`);
    expect(publicView.status).toBe(503);

    const health = await timed(() => fetch(`${t.url}/healthz`));
    expect(health.ms).toBeLessThan(5000);
    expect(health.value.status).toBe(503);
    expect(await health.value.json()).toEqual({ status: 'unavailable', reason: 'database' });

    await cluster.start();

    // No restart of the API: the pool makes new connections once the database answers again.
    const until = Date.now() + 20_000;
    while ((await fetch(`${t.url}/healthz`)).status !== 200) {
      if (Date.now() > until) throw new Error('the API did not recover within 20 s');
      await new Promise((r) => setTimeout(r, 200));
    }
    const after = entry();
    const resent = await push([...before, after]);
    expect(resent.status).toBe(200);
    expect(resent.json.data!.syncPush.results.map((r) => r.status)).toEqual([
      'ALREADY_APPLIED',
      'ALREADY_APPLIED',
      'ALREADY_APPLIED',
      'APPLIED',
    ]);
    const stored = await t
      .em()
      .getConnection()
      .execute<{ id: string }[]>(`select id from progress_report where task_id = ? order by id`, [taskId]);
    expect(stored.map((r) => r.id).sort()).toEqual([...before, after].map((e) => e.id).sort());

    // The derived-data worker was elected again and catches up on its own.
    const workerUntil = Date.now() + 20_000;
    for (;;) {
      const { derived } = (await (await fetch(`${t.url}/healthz`)).json()) as {
        derived: { leader: boolean; lagSeconds: number };
      };
      if (derived.leader && derived.lagSeconds === 0) break;
      if (Date.now() > workerUntil) throw new Error(`the derived worker did not catch up: ${JSON.stringify(derived)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 90_000);
});
