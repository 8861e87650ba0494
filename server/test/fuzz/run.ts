// npm run fuzz -- [--requests N] [--seed S]: the schema fuzzer for long, against a fresh database
// on DATABASE_URL's server (or an embedded PostgreSQL). Prints its figures; exit 1 on any failure.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/common/logger.js';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { openDatabase } from '../../src/db/orm.js';
import { withDatabase } from '../global-setup.js';
import { buildFuzzWorld } from './fuzz-world.js';
import { fuzz } from './schema-fuzz.js';

const { values } = parseArgs({
  options: { requests: { type: 'string', default: '10000' }, seed: { type: 'string', default: String(Date.now() % 1_000_000) } },
});
const requests = Number(values.requests);
const seed = Number(values.seed);

const tmp = await mkdtemp(path.join(os.tmpdir(), 'resolute-fuzz-'));
const embedded = process.env.DATABASE_URL ? null : await startEmbeddedPostgres(tmp, createLogger('silent'), 'postgres');
const adminUrl = process.env.DATABASE_URL ?? embedded!.url;
const name = `resolute_fuzz_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: withDatabase(adminUrl, 'postgres') });
await admin.connect();
await admin.query(`create database "${name}"`);
const url = withDatabase(adminUrl, name);
const orm = await openDatabase(url);
const config = loadConfig({
  NODE_ENV: 'test',
  DATABASE_URL: url,
  DATA_DIR: tmp,
  DERIVED_WORKER: 'false',
  SIGNIN_DELAY_MS: '0',
  LOG_LEVEL: 'silent',
});
const app = await createApp({ config, orm, logger: createLogger('silent'), secret: randomBytes(32).toString('hex') });
const server = http.createServer(app.express);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
let exitCode = 0;
try {
  const target = await buildFuzzWorld({
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    em: () => orm.em.fork(),
    app,
  });
  console.log(`fuzzing ${requests} requests, seed ${seed}`);
  const figures = await fuzz(target, {
    seed,
    requests,
    progressEvery: 1000,
    onProgress: (f) => console.log(`  ${f.requests} requests, ${f.failures.length} failures, ${(f.ms / 1000).toFixed(0)} s`),
  });
  for (const f of figures.failures.slice(0, 20))
    console.error(`FAILURE ${f.field}: ${f.reason}\n  request: ${f.request}\n  answer: ${f.status} ${f.body}`);
  const fivexx = Object.entries(figures.byStatus)
    .filter(([s]) => Number(s) >= 500)
    .reduce((n, [, c]) => n + c, 0);
  console.log(
    `${figures.requests} requests (seed ${seed}) over ${figures.fieldsCovered}/${figures.fieldsTotal} root fields in ${(figures.ms / 1000).toFixed(1)} s: ` +
      `${fivexx} answers >= 500, ${figures.failures.length} failures, ${figures.accepted} accepted, ` +
      `${figures.refusedMutationsChecked} refused mutations checked for changed rows`,
  );
  console.log(`statuses ${JSON.stringify(figures.byStatus)}`);
  console.log(`codes ${JSON.stringify(figures.byCode)}`);
  if (figures.failures.length) exitCode = 1;
} finally {
  server.closeAllConnections();
  server.close();
  await app.stop();
  await orm.close(true);
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.end();
  await embedded?.stop();
  await rm(tmp, { recursive: true, force: true });
}
process.exit(exitCode);
