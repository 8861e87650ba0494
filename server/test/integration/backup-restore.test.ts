import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../src/modules/accounts/role.js';
import { buildTask, buildTree, tokenFor } from '../support/factories.js';
import { createPgCluster, type PgCluster } from '../support/pg-cluster.js';
import { runScript } from '../support/server-process.js';
import { createTestApp, ok, type TestApp } from '../support/test-app.js';

let t: TestApp;
let cluster: PgCluster;
let tmp: string;
let sourceData: string;
let photo: Buffer;

const script = (name: string, args: string[], env: Record<string, string>) =>
  runScript(`src/scripts/${name}.ts`, args, { NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env });

/** Every table's rows in a stable order, as text: equal digests mean equal contents. */
async function digest(url: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`set timezone = 'UTC'`);
    const { rows: tables } = await client.query<{ tablename: string }>(
      `select tablename from pg_tables where schemaname = 'public' order by tablename`,
    );
    const out: Record<string, string> = {};
    for (const { tablename } of tables) {
      const { rows } = await client.query<{ d: string | null; n: number }>(
        `select md5(string_agg(x::text, '|' order by x::text)) as d, count(*)::int as n from "${tablename}" x`,
      );
      out[tablename] = `${rows[0]!.n}:${rows[0]!.d ?? ''}`;
    }
    return out;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'resolute-backup-test-'));
  sourceData = path.join(tmp, 'source-data');
  t = await createTestApp({ DATA_DIR: sourceData });
  // Reports through the API (audit events, sealed by the worker) and one evidence photo.
  const tree = await buildTree(t.em());
  const task = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell });
  const { token } = await tokenFor(t, tree.cell, [Role.REPORTER]);
  const submit = `mutation($input: SubmitReportInput!) { submitReport(input: $input) { report { id } } }`;
  const reportIds: string[] = [];
  for (let i = 0; i < 5; i++) {
    const id = randomUUID();
    ok(
      await t.gql(
        submit,
        { input: { id, taskId: task.id, percent: 10 * i, values: [], writtenAt: new Date().toISOString() } },
        token,
      ),
    );
    reportIds.push(id);
  }
  photo = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('ảnh hiện trường '.repeat(100))]);
  const announce = {
    id: randomUUID(),
    reportId: reportIds[0],
    sha256: createHash('sha256').update(photo).digest('hex'),
    size: photo.length,
    contentType: 'image/jpeg',
    fileName: 'anh.jpg',
  };
  const auth = { authorization: `Bearer ${token}` };
  const started = await fetch(`${t.url}/files/uploads`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(announce),
  });
  expect(started.status).toBe(201);
  const sent = await fetch(`${t.url}/files/uploads/${announce.id}`, {
    method: 'PATCH',
    headers: { ...auth, 'upload-offset': '0' },
    body: new Uint8Array(photo),
  });
  expect(sent.status).toBe(200);
  await t.drain();
  cluster = await createPgCluster();
}, 120_000);

afterAll(async () => {
  await t?.close();
  await cluster?.destroy();
  await rm(tmp, { recursive: true, force: true });
});

describe('backup and restore', () => {
  it('round-trips the database and the evidence files into a fresh cluster, with equal contents and intact audit chains', async () => {
    // The worker notes each pass in warning_fact_state: stopped, the source holds still to compare.
    await t.drain();
    await t.app.derived.stop();
    const archive = path.join(tmp, 'resolute.tar');
    const backup = await script('backup', ['--out', archive], { DATABASE_URL: t.databaseUrl, DATA_DIR: sourceData });
    expect(backup.output).toMatch(/^Wrote .*resolute\.tar: \d+ tables, \d+ rows, 1 evidence files/m);
    expect(backup.code).toBe(0);

    const target = await cluster.createDatabase('restored');
    const targetData = path.join(tmp, 'restored-data');
    const restored = await script('restore', [archive], { DATABASE_URL: target, DATA_DIR: targetData });
    expect(restored.output).toMatch(/tables and \d+ rows match the manifest; 1 evidence files match their checksums/);
    expect(restored.output).toMatch(/audit chain\(s\) intact: [1-9]\d* events verified/);
    expect(restored.code).toBe(0);

    const contents = await digest(target);
    expect(contents).toEqual(await digest(t.databaseUrl));
    expect([contents.progress_report?.split(':')[0], contents.attachment?.split(':')[0]]).toEqual(['5', '1']);
    const sha = createHash('sha256').update(photo).digest('hex');
    expect(await readFile(path.join(targetData, 'files', sha.slice(0, 2), sha))).toEqual(photo);

    const audit = await script('audit-verify', [], { DATABASE_URL: target });
    expect(audit.output).toMatch(/intact/);
    expect(audit.code).toBe(0);

    // A second restore into the now-filled database is refused, naming why, and changes nothing.
    const again = await script('restore', [archive], { DATABASE_URL: target, DATA_DIR: path.join(tmp, 'other') });
    expect(again.code).toBe(2);
    expect(again.output).toContain('The target database already has tables');
    expect(existsSync(path.join(tmp, 'other', 'files'))).toBe(false);
  }, 120_000);

  it('says what to do when pg_dump is missing', async () => {
    const res = await script('backup', ['--out', path.join(tmp, 'x.tar')], {
      DATABASE_URL: t.databaseUrl,
      PG_BIN: '/nonexistent',
    });
    expect(res.code).toBe(2);
    expect(res.output).toContain('pg_dump was not found in PG_BIN (/nonexistent)');
  });
});
