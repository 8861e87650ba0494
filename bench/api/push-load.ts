/**
 * npm run bench:push -- [--devices N] [--seconds S] [--batch B] [--verify] [--skip-raw]
 *
 * Sustained report pushes from many simulated devices: `devices` keep-alive connections, each
 * sending one request after another, each request a syncPush of `batch` new reports (fresh
 * device-made ids) by one of `devices` cell officers on their own open task. Then the same rows
 * through a bare `pg` baseline (the same token check, one transaction of set-based inserts of the
 * same rows), so the ratio shows what the app adds. Prints throughput, latency percentiles,
 * errors, and the derived lag: for every change the worker applied during the run, the time from
 * its commit to the batch that applied it. `--verify` runs derived:verify and audit:verify after.
 */
import 'reflect-metadata';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { verifyAuditChains } from '../../server/src/modules/audit/audit-verify.js';
import { chainKeyFor } from '../../server/src/modules/audit/audit.service.js';
import { verifyDerived } from '../../server/src/modules/derived/derived-verify.js';
import { argNumber, benchDatabaseUrl, describeRun, printTable, startApi, startRaw, type RawContext } from '../lib/harness.js';

const PUSH = `mutation Push($input: SyncPushInput!) { syncPush(input: $input) { results { id status reason } } }`;

const argv = process.argv.slice(2);
const databaseUrl = benchDatabaseUrl();
const devices = argNumber('devices', 50);
const seconds = argNumber('seconds', 20);
const batch = argNumber('batch', 1);
const verify = argv.includes('--verify');
const skipRaw = argv.includes('--skip-raw');
await describeRun(
  databaseUrl,
  `npm run bench:push -- --devices ${devices} --seconds ${seconds} --batch ${batch}${verify ? ' --verify' : ''}`,
);
const api = await startApi(databaseUrl);
const db = api.orm.em.getConnection();

// One open leaf task per officer, from as many cells as there are devices.
const officers = await db.execute<{ username: string; task_id: string }[]>(
  `select distinct on (u.id) 'canbo.' || lower(u.code) as username, t.id as task_id
     from unit u join task t on t.lead_unit_id = u.id
    where u.kind = 'CELL' and t.state = 'OPEN' and not exists (select 1 from task c where c.parent_id = t.id)
    order by u.id, t.id limit ?`,
  [devices],
);
if (!officers.length) throw new Error('no open task of a cell; run npm run bench:data first');
const sessions = await Promise.all(
  officers.map(async (o) => ({ ...o, token: await api.tokenFor(o.username), clientId: randomUUID() })),
);

interface ReportEntry {
  id: string;
  taskId: string;
  percent: number;
  writtenAt: string;
}

function entries(taskId: string): ReportEntry[] {
  const now = new Date().toISOString();
  return Array.from({ length: batch }, () => ({ id: randomUUID(), taskId, percent: 50, writtenAt: now }));
}

interface Phase {
  requests: number;
  applied: number;
  errors: number;
  latencies: number[];
  reasons: Map<string, number>;
}

/** `devices` loops on keep-alive connections for `seconds`, each waiting for its answer before sending again. */
async function load(
  url: string,
  body: (s: (typeof sessions)[number]) => string,
  count: (json: string) => number,
): Promise<Phase> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: sessions.length });
  const target = new URL(url);
  const phase: Phase = { requests: 0, applied: 0, errors: 0, latencies: [], reasons: new Map() };
  const until = Date.now() + seconds * 1000;
  const one = (s: (typeof sessions)[number]) =>
    new Promise<void>((resolve) => {
      const payload = body(s);
      const started = performance.now();
      const req = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            authorization: `Bearer ${s.token}`,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            phase.latencies.push(performance.now() - started);
            phase.requests++;
            const text = Buffer.concat(chunks).toString('utf8');
            const n = res.statusCode === 200 ? count(text) : 0;
            phase.applied += n;
            if (n < batch) {
              phase.errors++;
              const key = `${res.statusCode}: ${text.slice(0, 120)}`;
              phase.reasons.set(key, (phase.reasons.get(key) ?? 0) + 1);
            }
            resolve();
          });
        },
      );
      req.on('error', (error) => {
        phase.errors++;
        phase.reasons.set(String(error), (phase.reasons.get(String(error)) ?? 0) + 1);
        resolve();
      });
      req.end(payload);
    });
  await Promise.all(
    sessions.map(async (s) => {
      while (Date.now() < until) await one(s);
    }),
  );
  agent.destroy();
  return phase;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

// --- through the app -------------------------------------------------------------------------
api.app.derived.recordLags = true;
const app = await load(
  `${api.url}/graphql`,
  (s) =>
    JSON.stringify({
      query: PUSH,
      variables: {
        input: {
          protocolVersion: 2,
          clientId: s.clientId,
          entries: entries(s.task_id).map((e) => ({
            id: e.id,
            kind: 'CREATE_REPORT',
            createdAt: e.writtenAt,
            createReport: { reportId: e.id, taskId: e.taskId, percent: e.percent, hasObstacles: false, writtenAt: e.writtenAt },
          })),
        },
      },
    }),
  (text) =>
    (JSON.parse(text) as { data?: { syncPush: { results: { status: string }[] } } }).data?.syncPush.results.filter(
      (r) => r.status === 'APPLIED',
    ).length ?? 0,
);
// Whatever the worker had not applied when the load stopped: how long it takes to catch up.
const catchUpStarted = performance.now();
for (;;) {
  const health = await api.app.derived.health();
  if (health.lagSeconds === 0) break;
  await new Promise((r) => setTimeout(r, 50));
}
const catchUpMs = performance.now() - catchUpStarted;
api.app.derived.recordLags = false;
const lags = api.app.derived.lags.map((s) => s * 1000).sort((a, b) => a - b);

// --- the raw baseline: the same rows by a bare pg client -------------------------------------
async function rawPush({ pool, body, viewer }: RawContext) {
  const input = body as { clientId: string; entries: ReportEntry[] };
  const c = await pool.connect();
  try {
    await c.query('begin');
    const tasks = await c.query<{ id: string }>(`select id from task where id = any($1::uuid[]) and lead_unit_path = $2`, [
      [...new Set(input.entries.map((e) => e.taskId))],
      viewer.unitPath,
    ]);
    if (!tasks.rowCount) throw new Error('not your task');
    const { rows } = await c.query<{ id: string }>(
      `with applied as (
         insert into sync_applied_entry (id, account_id, client_id, kind, result)
         select id, $2, $3, 'CREATE_REPORT', '{}' from jsonb_to_recordset($1::jsonb) as e(id uuid) order by id
         on conflict (id) do nothing returning id
       ), report as (
         insert into progress_report (id, task_id, unit_id, unit_path, author_id, percent, has_obstacles, written_at)
         select e.id, e."taskId", $4, $5, $2, e.percent, false, e."writtenAt"
           from jsonb_to_recordset($1::jsonb) as e(id uuid, "taskId" uuid, percent float8, "writtenAt" timestamptz)
           join applied a on a.id = e.id
         returning id
       ), audit as (
         insert into audit_event (chain_key, at, actor_account_id, actor_unit_id, actor_unit_path, action, entity_type, entity_id, after)
         select $6, now(), $2, $4, $5, 'report.submit', 'ProgressReport', r.id::text, '{}'::jsonb from report r
       )
       select id from report`,
      [JSON.stringify(input.entries), viewer.id, input.clientId, viewer.unitId, viewer.unitPath, chainKeyFor(viewer.unitPath)],
    );
    await c.query('commit');
    return { applied: rows.length };
  } catch (error) {
    await c.query('rollback');
    throw error;
  } finally {
    c.release();
  }
}

let raw: Phase | null = null;
if (!skipRaw) {
  const server = await startRaw(databaseUrl, api.secret, { '/push': rawPush });
  raw = await load(
    `${server.url}/push`,
    (s) => JSON.stringify({ clientId: s.clientId, entries: entries(s.task_id) }),
    (text) => (JSON.parse(text) as { data: { applied: number } }).data.applied,
  );
  await server.close();
  await api.app.derived.drain();
}

const rows: (string | number)[][] = [];
const lines: Record<string, unknown>[] = [];
for (const [mode, p] of [
  ['graphql', app],
  ['raw', raw],
] as const) {
  if (!p) continue;
  const sorted = [...p.latencies].sort((a, b) => a - b);
  const line = {
    bench: 'push',
    mode,
    devices: sessions.length,
    batch,
    seconds,
    requests: p.requests,
    applied: p.applied,
    applied_per_s: Math.round(p.applied / seconds),
    p50_ms: +pct(sorted, 50).toFixed(1),
    p95_ms: +pct(sorted, 95).toFixed(1),
    p99_ms: +pct(sorted, 99).toFixed(1),
    max_ms: +(sorted.at(-1) ?? 0).toFixed(1),
    errors: p.errors,
    ...(mode === 'graphql'
      ? {
          lag_p50_ms: +pct(lags, 50).toFixed(0),
          lag_p95_ms: +pct(lags, 95).toFixed(0),
          lag_max_ms: +(lags.at(-1) ?? 0).toFixed(0),
          catch_up_ms: Math.round(catchUpMs),
        }
      : {}),
  };
  lines.push(line);
  rows.push([
    mode,
    String(p.requests),
    String(p.applied),
    line.applied_per_s,
    line.p50_ms,
    line.p95_ms,
    line.p99_ms,
    line.max_ms,
    String(p.errors),
    mode === 'graphql' ? `${line.lag_p50_ms} / ${line.lag_p95_ms}` : '—',
  ]);
}
printTable(
  `Sustained pushes, ${batch} report(s) per request, ${sessions.length} devices for ${seconds} s`,
  [
    'path',
    'requests',
    'reports applied',
    'applied / s',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'max ms',
    'errors',
    'derived lag p50 / p95 ms',
  ],
  rows,
);
if (raw)
  console.log(
    `\nGraphQL ÷ raw throughput: ${(app.applied / Math.max(1, raw.applied)).toFixed(2)}× (the app applied ${app.applied} reports, the raw baseline ${raw.applied})`,
  );
console.log(
  `Derived worker caught up ${Math.round(catchUpMs)} ms after the load stopped (${lags.length} changes applied during the run).`,
);
for (const [reason, n] of [...app.reasons, ...(raw?.reasons ?? [])]) console.log(`error ×${n}: ${reason}`);

if (verify) {
  const started = performance.now();
  const derived = await verifyDerived(api.orm.em.fork());
  const audit = await verifyAuditChains(api.orm.em.fork());
  console.log(
    `\nderived:verify ${derived.differences.length ? `${derived.differences.length} check(s) DIFFER` : '0 differences'}; ` +
      `audit:verify ${audit.problems.length ? `${audit.problems.length} chain(s) BROKEN` : 'intact'} ` +
      `(${audit.events} events, ${audit.unsealed} unsealed) in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  for (const d of derived.differences) console.log(`  ${d.check}: ${d.count} — ${d.examples.slice(0, 3).join('; ')}`);
  for (const line of lines)
    Object.assign(line, { derived_differences: derived.differences.length, audit_problems: audit.problems.length });
}
console.log('');
for (const line of lines) console.log(`BENCH ${JSON.stringify(line)}`);
await api.close();
