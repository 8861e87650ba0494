/**
 * Bytes on the wire and time for a field device's first sync of 200 tasks and for an empty
 * incremental sync, through the real client library (web/src/offline on fake-indexeddb) against
 * the real server and PostgreSQL.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:sync
 *
 * Creates (and drops) its own database. Bytes are GraphQL request and response bodies (JSON,
 * uncompressed, HTTP headers not counted).
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import pg from 'pg';
import { createApp } from '../server/src/app.js';
import { createLogger } from '../server/src/common/logger.js';
import { loadConfig } from '../server/src/config.js';
import { openDatabase } from '../server/src/db/orm.js';
import { Role } from '../server/src/modules/accounts/role.js';
import { buildAccount, buildIndicator, buildPlan, buildTask, buildUnit } from '../server/test/support/factories.js';
import { OfflineDatabase } from '../web/src/offline/db.js';
import { SyncClient } from '../web/src/offline/sync-client.js';
import { fetchTransport, type ByteCounter } from '../web/src/offline/transport.js';

const TASKS = Number(process.env.BENCH_TASKS ?? 200);
const INCREMENTAL_RUNS = 20;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main() {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('set DATABASE_URL (a PostgreSQL server where a database may be created)');
  const dbName = `resolute_bench_sync_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database "${dbName}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  const orm = await openDatabase(url.toString());
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: url.toString(),
    DATA_DIR: '/tmp/resolute-bench',
    ACCESS_TOKEN_TTL_SECONDS: '3600',
  });
  const app = await createApp({ config, orm, logger: createLogger('silent'), secret: randomBytes(32).toString('hex') });
  const server = http.createServer(app.express);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  try {
    const em = orm.em.fork();
    const province = await buildUnit(em, { kind: 'PROVINCE', name: 'Tỉnh Lâm Đồng' });
    const commune = await buildUnit(em, { parent: province, kind: 'COMMUNE', name: 'Phường Xuân Hương' });
    const cell = await buildUnit(em, { parent: commune, kind: 'CELL', name: 'Chi bộ 1' });
    const plan = await buildPlan(em, commune);
    const parent = await buildTask(em, { lead: commune, assigner: province, title: 'Chuyển đổi số toàn diện cấp xã' });
    for (let i = 0; i < TASKS; i++) {
      const t = await buildTask(em, {
        lead: cell,
        assigner: commune,
        plan,
        parent,
        title: `Nhiệm vụ số ${i + 1}: triển khai dịch vụ công trực tuyến`,
      });
      await buildIndicator(em, t, { name: 'Tỷ lệ hồ sơ trực tuyến', unitOfMeasure: '%' });
      await buildIndicator(em, t, { name: 'Số người dân được hướng dẫn', unitOfMeasure: 'người', target: 500 });
    }
    const account = await buildAccount(em, cell, [Role.REPORTER]);
    const token = (await app.services.auth.startSession(em, account)).accessToken;

    const bytes: ByteCounter = { sent: 0, received: 0 };
    const db = new OfflineDatabase(`bench-${process.pid}`, { indexedDB, IDBKeyRange });
    let requests = 0;
    const transport = fetchTransport(`${base}/graphql`, () => token, { bytes });
    const client = new SyncClient({
      db,
      transport: (doc, vars) => {
        requests++;
        return transport(doc, vars);
      },
      environment: null,
      intervalMs: 0,
    });

    const t0 = performance.now();
    const first = await client.syncNow();
    const firstMs = performance.now() - t0;
    if (!first.ok) throw new Error(`first sync failed: ${first.error}`);
    const firstBytes = { ...bytes };
    const firstRequests = requests;
    const stored = await db.tasks.count();

    const incMs: number[] = [];
    const incBytes: number[] = [];
    const incRequests: number[] = [];
    for (let i = 0; i < INCREMENTAL_RUNS; i++) {
      bytes.sent = bytes.received = 0;
      requests = 0;
      const s = performance.now();
      const r = await client.syncNow();
      incMs.push(performance.now() - s);
      if (!r.ok) throw new Error(`incremental sync failed: ${r.error}`);
      incBytes.push(bytes.sent + bytes.received);
      incRequests.push(requests);
    }
    const incSent = bytes.sent;
    const incReceived = bytes.received;

    console.log(`sync-wire: first sync of ${TASKS} tasks (2 indicators each, ancestor titles), page limit 500`);
    console.log(`| measure | value |\n| --- | --- |`);
    console.log(`| first sync: tasks stored | ${stored} |`);
    console.log(`| first sync: requests | ${firstRequests} |`);
    console.log(`| first sync: bytes sent / received | ${firstBytes.sent} / ${firstBytes.received} |`);
    console.log(`| first sync: time | ${firstMs.toFixed(0)} ms |`);
    console.log(`| empty incremental sync: requests | ${median(incRequests)} |`);
    console.log(`| empty incremental sync: bytes (last run sent / received) | ${incSent} / ${incReceived} |`);
    console.log(`| empty incremental sync: bytes, median of ${INCREMENTAL_RUNS} | ${median(incBytes)} |`);
    console.log(`| empty incremental sync: time, median of ${INCREMENTAL_RUNS} | ${median(incMs).toFixed(1)} ms |`);
    await db.delete();
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await app.stop();
    await orm.close(true);
    await admin.query(`drop database if exists "${dbName}" with (force)`);
    await admin.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
