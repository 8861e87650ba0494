import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics, metricsListener } from '../../src/common/metrics.js';
import { Role } from '../../src/modules/accounts/role.js';
import { buildAccountWithPassword, PASSWORD, SIGN_IN, type SignInData } from '../support/auth-helpers.js';
import { buildTask, buildTree } from '../support/factories.js';
import { createTestApp, ok, type TestApp } from '../support/test-app.js';

const METRICS_TOKEN = 'scrape-me-please-0123456789';

const PUSH = `mutation SyncPush($input: SyncPushInput!) { syncPush(input: $input) { results { id status } } }`;
const PULL = `query SyncPull($input: SyncPullInput!) {
  syncPull(input: $input) { cursor hasMore tasks { id } reports { id } notifications { id } removals { id } }
}`;

type Labels = Record<string, string>;

/** The value of the sample `name` whose labels include `labels` (0 when there is none). */
function sample(text: string, name: string, labels: Labels = {}): number {
  for (const line of text.split('\n')) {
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/);
    if (!m || m[1] !== name) continue;
    const got = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return 0;
}

async function scrape(url: string, token: string | null = METRICS_TOKEN) {
  const res = await fetch(`${url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, contentType: res.headers.get('content-type'), text: await res.text() };
}

describe('/metrics', () => {
  let t: TestApp;
  let taskId: string;
  let username: string;

  beforeAll(async () => {
    t = await createTestApp({ METRICS_TOKEN });
    const tree = await buildTree(t.em());
    username = (await buildAccountWithPassword(t.em(), tree.cell, [Role.FOCAL, Role.REPORTER])).username;
    taskId = (await buildTask(t.em(), { lead: tree.cell, assigner: tree.commune })).id;
  });
  afterAll(() => t.close());

  it('counts what a sign-in, a push and a pull did', async () => {
    const before = (await scrape(t.url)).text;

    const { signIn } = ok(await t.gql<SignInData>(SIGN_IN, { username, password: PASSWORD }));
    const clientId = randomUUID();
    const reportId = randomUUID();
    const report = {
      id: reportId,
      kind: 'CREATE_REPORT',
      createdAt: new Date().toISOString(),
      createReport: { reportId, taskId, percent: 30, hasObstacles: false, writtenAt: new Date().toISOString() },
    };
    // A payload that does not match its kind is rejected; the report beside it is applied.
    const bad = { id: randomUUID(), kind: 'UPDATE_TASK', createdAt: new Date().toISOString() };
    const first = ok(
      await t.gql<{ syncPush: { results: { status: string }[] } }>(
        PUSH,
        { input: { protocolVersion: 2, clientId, entries: [report, bad] } },
        signIn.accessToken,
      ),
    );
    expect(first.syncPush.results.map((r) => r.status)).toEqual(['APPLIED', 'REJECTED']);
    const again = ok(
      await t.gql<{ syncPush: { results: { status: string }[] } }>(
        PUSH,
        { input: { protocolVersion: 2, clientId, entries: [report] } },
        signIn.accessToken,
      ),
    );
    expect(again.syncPush.results.map((r) => r.status)).toEqual(['ALREADY_APPLIED']);

    // The pull's raw answer, to compare its size with what was counted.
    const pullRes = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${signIn.accessToken}` },
      body: JSON.stringify({ query: PULL, variables: { input: { protocolVersion: 2, clientId, cursor: null } } }),
    });
    const pullBody = await pullRes.text();
    const page = (JSON.parse(pullBody) as { data: { syncPull: { tasks: unknown[]; reports: unknown[] } } }).data.syncPull;
    expect(page.tasks).toHaveLength(1);
    expect(page.reports).toHaveLength(1);

    const invalid = await t.gql('query Broken { noSuchField }');
    expect(invalid.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

    const after = await scrape(t.url);
    expect(after.status).toBe(200);
    expect(after.contentType).toMatch(/^text\/plain/);
    const moved = (name: string, labels: Labels = {}) => sample(after.text, name, labels) - sample(before, name, labels);

    expect(moved('resolute_sync_push_entries_total', { kind: 'CREATE_REPORT', outcome: 'applied' })).toBe(1);
    expect(moved('resolute_sync_push_entries_total', { kind: 'CREATE_REPORT', outcome: 'already_applied' })).toBe(1);
    expect(moved('resolute_sync_push_entries_total', { kind: 'UPDATE_TASK', outcome: 'rejected' })).toBe(1);
    expect(moved('resolute_sync_pull_rows_total', { entity: 'task' })).toBe(1);
    expect(moved('resolute_sync_pull_rows_total', { entity: 'report' })).toBe(1);
    expect(moved('resolute_sync_pull_bytes_total')).toBe(Buffer.byteLength(pullBody));

    expect(moved('resolute_graphql_operation_duration_seconds_count', { operation: 'SyncPush', type: 'mutation' })).toBe(2);
    expect(moved('resolute_graphql_operation_duration_seconds_count', { operation: 'SyncPull', type: 'query' })).toBe(1);
    expect(moved('resolute_graphql_operation_duration_seconds_count', { operation: '(anonymous)', type: 'mutation' })).toBe(1);
    expect(moved('resolute_graphql_errors_total', { code: 'GRAPHQL_VALIDATION_FAILED', operation: '(invalid)' })).toBe(1);
    expect(
      moved('resolute_http_request_duration_seconds_count', { method: 'POST', route: '/graphql', status: '200' }),
    ).toBeGreaterThanOrEqual(4);
    // Operation names label the series, never the text of a query.
    expect(after.text).not.toContain('noSuchField');
    expect(after.text).not.toContain('syncPull(');
  });

  it('reports the database pool, the event loop and the process defaults', async () => {
    const { text } = await scrape(t.url);
    expect(sample(text, 'resolute_db_pool_max')).toBe(10);
    expect(text).toMatch(/^resolute_db_pool_in_use \d+$/m);
    expect(text).toMatch(/^resolute_db_pool_waiting \d+$/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds [\d.e-]+$/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total [\d.e-]+$/m);
    expect(text).toContain('# TYPE resolute_http_request_duration_seconds histogram');
  });

  it('reads a registered gauge at each scrape, and a failing one reads NaN without failing the scrape', async () => {
    let lag = 1.5;
    t.app.metrics.registerGauge('resolute_test_worker_lag_seconds', 'Seconds the test worker trails', () => lag);
    t.app.metrics.registerGauge('resolute_test_broken', 'Throws', () => {
      throw new Error('no value');
    });
    expect(sample((await scrape(t.url)).text, 'resolute_test_worker_lag_seconds')).toBe(1.5);
    lag = 4;
    const second = await scrape(t.url);
    expect(second.status).toBe(200);
    expect(sample(second.text, 'resolute_test_worker_lag_seconds')).toBe(4);
    // prom-client writes "Nan"; Prometheus reads NaN in any case.
    expect(second.text).toMatch(/^resolute_test_broken nan$/im);
  });

  it('answers 401 without the token or with a wrong one', async () => {
    const none = await scrape(t.url, null);
    expect(none.status).toBe(401);
    expect(none.text).not.toContain('resolute_');
    expect((await scrape(t.url, 'not-the-token-at-all')).status).toBe(401);
  });

  it('answers 404 on the main port when no token is set, and keeps a registry per app', async () => {
    const plain = await createTestApp();
    try {
      expect((await scrape(plain.url)).status).toBe(404);
      expect((await scrape(plain.url, null)).status).toBe(404);
      // The other app's pushes are not in this app's registry.
      expect(sample((await plain.app.metrics.scrape()).body, 'resolute_sync_push_entries_total', { outcome: 'applied' })).toBe(0);
      expect(sample((await t.app.metrics.scrape()).body, 'resolute_sync_push_entries_total', { outcome: 'applied' })).toBe(1);
    } finally {
      await plain.close();
    }
  });

  it('serves only /metrics on the separate listener, behind the token when one is set', async () => {
    const server = http.createServer(metricsListener(t.app.metrics, METRICS_TOKEN));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await scrape(url)).status).toBe(200);
      expect((await scrape(url, null)).status).toBe(401);
      expect((await fetch(`${url}/graphql`)).status).toBe(404);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('operation labels', () => {
  it('stop growing after 200 distinct names', () => {
    const metrics = createMetrics();
    for (let i = 0; i < 200; i++) expect(metrics.operationLabel(`Op${i}`)).toBe(`Op${i}`);
    expect(metrics.operationLabel('OneTooMany')).toBe('(other)');
    expect(metrics.operationLabel('Op7')).toBe('Op7');
    expect(metrics.operationLabel(null)).toBe('(anonymous)');
  });
});
