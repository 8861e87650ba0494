import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/db/seed/seed.js';
import { post } from '../support/auth-helpers.js';
import { entityMapping } from '../support/entity-mapping.js';
import { createTestDatabase } from '../support/test-app.js';
import { queryOnce } from '../support/server-process.js';

const serverDir = path.resolve(import.meta.dirname, '../..');

/*
 * The server as `npm start` runs it: `node --import tsx`, where no decorator metadata is emitted.
 * Vitest's transform emits it, so a column whose JS type MikroORM would infer from metadata can
 * read differently here (a bare 'bigint' became a JS BigInt that GraphQL could not serialise).
 */
let url = '';
let databaseUrl = '';
let dataDir = '';
let output = '';
let child: ReturnType<typeof spawn> | null = null;

async function gql<T>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
  const { status, json } = await post<T>(url, { query, variables }, token ? { authorization: `Bearer ${token}` } : {});
  expect(json.errors, `${query}\n${output.slice(-4000)}`).toBeUndefined();
  expect(status).toBe(200);
  return json.data!;
}

async function signIn(username: string): Promise<string> {
  const data = await gql<{ signIn: { accessToken: string } }>(
    'mutation($u: String!, $p: String!) { signIn(username: $u, password: $p) { accessToken } }',
    { u: username, p: DEMO_PASSWORD },
  );
  return data.signIn.accessToken;
}

const sql = <T>(text: string, params: unknown[] = []) => queryOnce<T>(databaseUrl, text, params);

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'resolute-process-'));
  child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: serverDir,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      SEED_DEMO: 'true',
      LOG_LEVEL: 'info',
      JWT_SECRET: 'x'.repeat(40),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const until = Date.now() + 60_000;
  const listening = /"url":"http:\/\/localhost:(\d+)\/".*?"msg":"listening"/;
  while (!listening.test(output)) {
    if (Date.now() > until || child.exitCode !== null) throw new Error(`the server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  url = `http://127.0.0.1:${output.match(listening)![1]}`;
}, 90_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('entity mapping under tsx', () => {
  it('is the same as under vitest, and no column reads as a JS BigInt', async () => {
    const underTsx = await new Promise<string[]>((resolve, reject) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', 'test/support/entity-mapping.ts'],
        { cwd: serverDir, env: { PATH: process.env.PATH, HOME: process.env.HOME } },
        (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(JSON.parse(stdout) as string[])),
      ),
    );
    expect(underTsx).toEqual(await entityMapping());
    expect(underTsx.filter((line) => /runtime=bigint|\(bigint\)/.test(line))).toEqual([]);
  });
});

describe('the real server process (tsx) answers bigint-backed fields in their GraphQL types', () => {
  it('task history: ids are numeric strings, the task numbers are numbers', async () => {
    const focal = await signIn('daumoi.tw');
    const { tasks } = await gql<{ tasks: { nodes: { id: string; version: number; title: string; depth: number }[] } }>(
      '{ tasks(first: 200) { nodes { id version title depth } } }',
      {},
      focal,
    );
    // A top-level task: the centre assigned it, so its focal officer may edit it.
    const task = tasks.nodes.find((t) => t.depth === 0)!;
    await gql(
      'mutation($input: UpdateTaskInput!) { updateTask(input: $input) { id } }',
      { input: { id: task.id, baseVersion: task.version, title: `${task.title} (sửa)` } },
      focal,
    );
    const { task: read } = await gql<{
      task: { weight: unknown; progress: unknown; history: { id: unknown; kind: string; at: unknown }[] };
    }>('query($id: ID!) { task(id: $id) { weight progress history { id kind at } } }', { id: task.id }, focal);
    expect(read.history.map((h) => h.kind)).toContain('UPDATED');
    for (const h of read.history) {
      expect(h.id).toMatch(/^\d+$/);
      expect(typeof h.at).toBe('string');
    }
    expect(typeof read.weight).toBe('number');
    expect(typeof read.progress).toBe('number');
  });

  it('audit events: ids are numeric strings', async () => {
    const admin = await signIn('admin.tw');
    const { auditEvents } = await gql<{ auditEvents: { totalCount: number; nodes: { id: unknown; action: string }[] } }>(
      '{ auditEvents(first: 20) { totalCount nodes { id action at } } }',
      {},
      admin,
    );
    expect(auditEvents.totalCount).toBeGreaterThan(0);
    for (const e of auditEvents.nodes) expect(e.id).toMatch(/^\d+$/);
  });

  it('sync: a pull records the device, and sync health counts it', async () => {
    const reporter = await signIn('canbo.tdp1');
    const { syncPull } = await gql<{ syncPull: { cursor: string; tasks: { id: string }[] } }>(
      'query($input: SyncPullInput!) { syncPull(input: $input) { cursor tasks { id } } }',
      { input: { clientId: randomUUID(), protocolVersion: 2 } },
      reporter,
    );
    expect(typeof syncPull.cursor).toBe('string');
    const [client] = await sql<{ pushed_entries: string }>('select pushed_entries from sync_client');
    expect(client).toBeDefined();
    const leader = await signIn('lanhdao.xuanhuong');
    const { syncHealth } = await gql<{ syncHealth: { devices: unknown; reports: unknown; own: boolean }[] }>(
      '{ syncHealth { own devices reports lastSyncAt averageLagHours } }',
      {},
      leader,
    );
    expect(syncHealth.length).toBeGreaterThan(0);
    for (const row of syncHealth) {
      expect(typeof row.devices).toBe('number');
      expect(typeof row.reports).toBe('number');
    }
    expect(syncHealth.reduce((n, row) => n + (row.devices as number), 0)).toBeGreaterThan(0);
  });

  it('attachments: size and received bytes are numbers', async () => {
    const [report] = await sql<{ id: string; author: string }>(
      `select r.id, r.author_id as author from progress_report r order by r.id limit 1`,
    );
    const id = randomUUID();
    await sql(
      `insert into attachment (id, report_id, sha256, size, received_bytes, content_type, file_name, status, uploaded_by_id)
       values ($1, $2, $3, 123456, 4096, 'image/jpeg', 'anh.jpg', 'UPLOADING', $4)`,
      [id, report!.id, 'a'.repeat(64), report!.author],
    );
    const admin = await signIn('admin.tw');
    const data = await gql<{ report: { attachments: { id: string; size: unknown; receivedBytes: unknown }[] } }>(
      'query($id: ID!) { report(id: $id) { attachments { id size receivedBytes status } } }',
      { id: report!.id },
      admin,
    );
    expect(data.report.attachments).toEqual([expect.objectContaining({ id, size: 123456, receivedBytes: 4096 })]);
  });
  it('the public dashboard JSON: counts, rates and indicator values are numbers', async () => {
    const leader = await signIn('lanhdao.lamdong');
    const [ids] = await sql<{ resolution: string; unit: string }>(
      `select (select id from resolution where code like '57%') as resolution, (select id from unit where code = 'P-LAMDONG') as unit`,
    );
    const { publishResolution } = await gql<{ publishResolution: { id: string } }>(
      'mutation($r: ID!, $u: ID!) { publishResolution(resolutionId: $r, unitId: $u) { id } }',
      { r: ids!.resolution, u: ids!.unit },
      leader,
    );
    const res = await fetch(`${url}/api/public/dashboards/${publishResolution.id}`);
    expect(res.status).toBe(200);
    const snap = (await res.json()) as {
      summary: { total: unknown; completionRate: unknown; indicators: { count: unknown; achieved: unknown } };
      units: { total: unknown }[];
      targets: { baseline: unknown; target: unknown }[];
    };
    expect(typeof snap.summary.total).toBe('number');
    expect(['number', 'object']).toContain(typeof snap.summary.completionRate);
    expect(typeof snap.summary.indicators.count).toBe('number');
    expect(typeof snap.summary.indicators.achieved).toBe('number');
    expect(snap.units.length).toBeGreaterThan(0);
    for (const u of snap.units) expect(typeof u.total).toBe('number');
    expect(snap.targets.length).toBeGreaterThan(0);
    for (const x of snap.targets) {
      expect(typeof x.baseline).toBe('number');
      expect(typeof x.target).toBe('number');
    }
  });
});
