import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/common/logger.js';
import { READ_FROM_HEADER } from '../../src/db/read-routing.js';
import { openDatabase } from '../../src/db/orm.js';
import { lsnValue, ReadReplicas } from '../../src/db/replicas.js';
import { Role } from '../../src/modules/accounts/role.js';
import { buildTask, buildTree, tokenFor } from '../support/factories.js';
import { postgresBinaries, startPrimaryAndStandby, type Cluster } from '../support/standby.js';

// Reads on a real streaming standby made from the installed PostgreSQL binaries.

const binaries = postgresBinaries();
if ('missing' in binaries) {
  if (process.env.CI === 'true') throw new Error(`The replica tests need PostgreSQL's server binaries: ${binaries.missing}`);
  console.warn(`Skipping the read-replica tests: ${binaries.missing}`);
}

const PULL = `query ($input: SyncPullInput!) { syncPull(input: $input) { cursor hasMore reset tasks { id } reports { id } } }`;
const PUSH = `mutation ($input: SyncPushInput!) { syncPush(input: $input) { results { id status } } }`;
const SUMMARY = `{ analyticsSummary { total } }`;
const MAX_LAG = 2;

interface Page {
  cursor: string;
  hasMore: boolean;
  reset: boolean;
  tasks: { id: string }[];
  reports: { id: string }[];
}

describe.skipIf('missing' in binaries)('reads on a streaming standby', () => {
  let primary: Cluster;
  let standby: Cluster;
  let closeClusters: () => Promise<void>;
  let orm: MikroORM;
  let replicas: ReadReplicas;
  let app: App;
  let server: http.Server;
  let url: string;
  let tree: Awaited<ReturnType<typeof buildTree>>;
  /** Device A pushes reports; device B (same cell) only pulls. */
  let tokenA: string;
  let tokenB: string;
  let taskId: string;

  async function gql<T>(query: string, variables: Record<string, unknown>, token: string) {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const json = (await res.json()) as { data?: T; errors?: unknown[] };
    expect(res.status).toBe(200);
    expect(json.errors).toBeUndefined();
    return { data: json.data!, from: res.headers.get(READ_FROM_HEADER) };
  }

  const pull = (token: string, clientId: string, cursor: string | null) =>
    gql<{ syncPull: Page }>(PULL, { input: { protocolVersion: 1, clientId, cursor, limit: 500 } }, token).then((r) => ({
      page: r.data.syncPull,
      from: r.from,
    }));

  const standbyQuery = <T>(sql: string) => standby.query<T>(sql, 'resolute');

  /** Until the standby has replayed everything the primary has logged so far. */
  async function caughtUp(ms = 15_000) {
    const [{ lsn }] = await primary.query<{ lsn: string }>('select pg_current_wal_insert_lsn()::text as lsn');
    const until = Date.now() + ms;
    for (;;) {
      const [row] = await standbyQuery<{ lsn: string }>('select pg_last_wal_replay_lsn()::text as lsn');
      if (row && lsnValue(row.lsn) >= lsnValue(lsn!)) break;
      if (Date.now() > until) throw new Error('the standby did not catch up');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function inRotation(healthy: boolean, ms = 15_000) {
    const until = Date.now() + ms;
    while (replicas.states[0]!.healthy !== healthy) {
      if (Date.now() > until) throw new Error(`the replica did not become ${healthy ? 'healthy' : 'unhealthy'}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  beforeAll(async () => {
    ({ primary, standby, close: closeClusters } = await startPrimaryAndStandby((binaries as { bindir: string }).bindir));
    await primary.query('create database resolute');
    orm = await openDatabase(primary.url('resolute'));
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: primary.url('resolute'),
      DATABASE_REPLICA_URLS: standby.url('resolute'),
      REPLICA_MAX_LAG_SECONDS: String(MAX_LAG),
      DATA_DIR: '/tmp/resolute-test-data',
    });
    replicas = await ReadReplicas.open(config.databaseReplicaUrls, {
      primary: orm,
      maxLagSeconds: config.replicaMaxLagSeconds,
      checkMs: 200,
    });
    app = await createApp({ config, orm, logger: createLogger('silent'), secret: randomBytes(32).toString('hex'), replicas });
    server = http.createServer(app.express);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const em = orm.em.fork();
    tree = await buildTree(em);
    taskId = (await buildTask(em, { lead: tree.cell, assigner: tree.commune })).id;
    const t = { app, em: () => orm.em.fork() } as unknown as Parameters<typeof tokenFor>[0];
    ({ token: tokenA } = await tokenFor(t, tree.cell, [Role.FOCAL, Role.REPORTER]));
    ({ token: tokenB } = await tokenFor(t, tree.cell, [Role.REPORTER]));
    await caughtUp();
    await inRotation(true);
  }, 120_000);

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await app?.stop();
    await replicas?.close();
    await orm?.close(true);
    await closeClusters?.();
  });

  it('serves pulls and dashboards from the standby', async () => {
    const clientId = randomUUID();
    const first = await pull(tokenB, clientId, null);
    expect(first.from).toBe('replica-1');
    expect(first.page.tasks.map((t) => t.id)).toContain(taskId);
    // The device's visit is recorded on the primary all the same.
    const visits = await primary.query<{ n: number }>(
      `select count(*)::int as n from sync_client where client_id = '${clientId}' and last_pull_at is not null`,
      'resolute',
    );
    expect(visits[0]!.n).toBe(1);
    await app.derived.drain();
    await caughtUp();
    const summary = await gql<{ analyticsSummary: { total: number } }>(SUMMARY, {}, tokenB);
    expect(summary.from).toBe('replica-1');
    expect(summary.data.analyticsSummary.total).toBe(1);
    // The standby's own sessions show who read there.
    const sessions = await standbyQuery<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity where application_name = 'resolute-read' and datname = 'resolute'`,
    );
    expect(sessions[0]!.n).toBeGreaterThan(0);
    const onPrimary = await primary.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity where application_name = 'resolute-read'`,
    );
    expect(onPrimary[0]!.n).toBe(0);
  });

  it('shows a device its own push at once while the standby’s replay is paused, and others once it resumes', async () => {
    const clientA = randomUUID();
    const clientB = randomUUID();
    const before = await pull(tokenB, clientB, null);
    await caughtUp();
    await standbyQuery('select pg_wal_replay_pause()');
    // The pause takes hold at the next WAL record the standby receives: send one, then wait for it.
    await vi.waitFor(
      async () => {
        await primary.query(`select pg_logical_emit_message(false, 'resolute-test', 'pause')`, 'resolute');
        const [row] = await standbyQuery<{ state: string }>(`select pg_get_wal_replay_pause_state() as state`);
        expect(row!.state).toBe('paused');
      },
      { timeout: 10_000, interval: 100 },
    );
    try {
      const reportId = randomUUID();
      const now = new Date().toISOString();
      const pushed = await gql<{ syncPush: { results: { status: string }[] } }>(
        PUSH,
        {
          input: {
            protocolVersion: 1,
            clientId: clientA,
            entries: [
              {
                id: reportId,
                kind: 'CREATE_REPORT',
                createdAt: now,
                createReport: { reportId, taskId, percent: 30, hasObstacles: false, writtenAt: now },
              },
            ],
          },
        },
        tokenA,
      );
      expect(pushed.data.syncPush.results[0]!.status).toBe('APPLIED');
      // A's pull right after its push: the standby has not replayed it, so the primary answers.
      const mine = await pull(tokenA, clientA, null);
      expect(mine.from).toBe('primary');
      expect(mine.page.reports.map((r) => r.id)).toContain(reportId);
      // B wrote nothing: the paused standby answers, without the report yet.
      const theirs = await pull(tokenB, clientB, before.page.cursor);
      expect(theirs.from).toBe('replica-1');
      expect(theirs.page.reports.map((r) => r.id)).not.toContain(reportId);
      await standbyQuery('select pg_wal_replay_resume()');
      await caughtUp();
      const later = await pull(tokenB, clientB, theirs.page.cursor);
      expect(later.from).toBe('replica-1');
      expect(later.page.reports.map((r) => r.id)).toContain(reportId);
    } finally {
      await standbyQuery('select pg_wal_replay_resume()').catch(() => {});
    }
  });

  it('delivers every change made while the standby lagged, none skipped, and takes it out of rotation meanwhile', async () => {
    const clientB = randomUUID();
    const seen = new Set<string>();
    let cursor: string | null = null;
    const froms: string[] = [];
    const pullB = async () => {
      const { page, from } = await pull(tokenB, clientB, cursor);
      expect(page.reset).toBe(false);
      for (const t of page.tasks) seen.add(t.id);
      cursor = page.cursor;
      froms.push(from!);
    };
    await pullB();
    await caughtUp();
    await standbyQuery('select pg_wal_replay_pause()');
    const made: string[] = [];
    try {
      for (let i = 0; i < 3; i++) made.push((await buildTask(orm.em.fork(), { lead: tree.cell, assigner: tree.commune })).id);
      // Behind by more than REPLICA_MAX_LAG_SECONDS: out of rotation; the primary serves, no error.
      await inRotation(false);
      const health = (await (await fetch(`${url}/healthz`)).json()) as { replicas: { healthy: boolean; lagSeconds: number }[] };
      expect(health.replicas[0]).toMatchObject({ healthy: false });
      expect(health.replicas[0]!.lagSeconds).toBeGreaterThan(MAX_LAG);
      await pullB();
      expect(froms.at(-1)).toBe('primary');
      for (const id of made) expect(seen).toContain(id);
      // More changes while it still lags; B's cursor is now ahead of the standby.
      for (let i = 0; i < 2; i++) made.push((await buildTask(orm.em.fork(), { lead: tree.cell, assigner: tree.commune })).id);
    } finally {
      await standbyQuery('select pg_wal_replay_resume()');
    }
    await inRotation(true);
    await pullB();
    await caughtUp();
    await pullB();
    expect(froms.at(-1)).toBe('replica-1');
    for (const id of made) expect(seen).toContain(id);
  });

  it('falls back to the primary, with no failed request, when the standby stops, and uses it again once back', async () => {
    const clientB = randomUUID();
    await caughtUp();
    expect((await pull(tokenB, clientB, null)).from).toBe('replica-1');
    await standby.stop();
    // The very next request finds it gone and reads from the primary; so do the ones after.
    const froms = new Set<string>();
    for (let i = 0; i < 10; i++) froms.add((await pull(tokenB, clientB, null)).from!);
    expect([...froms]).toEqual(['primary']);
    await inRotation(false);
    await standby.start();
    await inRotation(true);
    await caughtUp();
    expect((await pull(tokenB, clientB, null)).from).toBe('replica-1');
  }, 60_000);
});
