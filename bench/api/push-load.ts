/**
 * npm run bench:push -- [--devices N] [--seconds S] [--batch B] [--rate R]
 *                       [--probe-batch P [--probe-devices D] [--probe-rate Q]] [--verify] [--skip-raw] [--statements]
 *
 * Sustained report pushes from many simulated devices: `devices` keep-alive connections, each
 * sending one request after another (or R requests a second with `--rate`), each request a
 * syncPush of `batch` new reports (fresh device-made ids) by one of `devices` cell officers on
 * their own open task. `--probe-batch` adds D more devices sending P-report pushes Q times a
 * second during the same run, timed on their own: what a big push costs under that load. Then
 * the same rows through a bare `pg` baseline (the same token check, one transaction of
 * set-based inserts of the same rows), so the ratio shows what the app adds. Prints throughput,
 * latency percentiles, errors, and the derived lag: for every change the worker applied during
 * the run, the time from its commit to the batch that applied it. `--verify` runs
 * derived:verify and audit:verify after; `--statements` times every statement the app (request
 * path and worker) sent during its run and prints them grouped, the most time first.
 */
import 'reflect-metadata';
import { verifyAuditChains } from '../../server/src/modules/audit/audit-verify.js';
import { verifyDerived } from '../../server/src/modules/derived/derived-verify.js';
import {
  argNumber,
  benchDatabaseUrl,
  describeRun,
  printTable,
  settle,
  startApi,
  startRaw,
  type RawContext,
} from '../lib/harness.js';
import { rawPushReports } from '../lib/raw-push.js';
import { STATEMENT_COLUMNS, statementGroups, statementTimer } from '../lib/statement-timer.js';
import {
  officerSessions,
  pct,
  startLoad,
  type LoadSpec,
  type Phase,
  type PushSession,
  type ReportEntry,
} from '../lib/push-gen.js';

const argv = process.argv.slice(2);
const databaseUrl = benchDatabaseUrl();
const devices = argNumber('devices', 50);
const seconds = argNumber('seconds', 20);
const batch = argNumber('batch', 1);
// Requests per second per device; 0 (the default) is a closed loop.
const rate = argv.includes('--rate') ? argNumber('rate', 0) : 0;
// Extra devices sending bigger pushes at their own pace during the app's run, timed apart.
const probeBatch = argv.includes('--probe-batch') ? argNumber('probe-batch', 50) : 0;
const probeDevices = argNumber('probe-devices', 4);
const probeRate = argNumber('probe-rate', 1);
const verify = argv.includes('--verify');
const skipRaw = argv.includes('--skip-raw');
const timer = argv.includes('--statements') ? statementTimer() : null;
await describeRun(
  databaseUrl,
  `npm run bench:push -- --devices ${devices} --seconds ${seconds} --batch ${batch}${rate ? ` --rate ${rate}` : ''}` +
    `${probeBatch ? ` --probe-batch ${probeBatch} --probe-devices ${probeDevices} --probe-rate ${probeRate}` : ''}` +
    `${verify ? ' --verify' : ''}${skipRaw ? ' --skip-raw' : ''}${timer ? ' --statements' : ''}`,
);
const api = await startApi(databaseUrl, timer?.logger);
console.log(`derived worker caught up, its tables vacuumed, in ${Math.round(await settle(api))} ms before the runs`);

const sessions = await officerSessions(api, devices);
const probes = probeBatch ? await officerSessions(api, probeDevices, devices) : [];

/** `list` sending `size`-report pushes for `seconds`, from their own thread. */
const load = (url: string, list: PushSession[], size: number, format: LoadSpec['format'], pace = rate) =>
  startLoad({ url, sessions: list, batch: size, format, rate: pace, seconds }).done;

// --- through the app -------------------------------------------------------------------------
api.app.derived.recordLags = true;
timer?.start();
const [app, probe] = await Promise.all([
  load(`${api.url}/graphql`, sessions, batch, 'graphql'),
  probes.length ? load(`${api.url}/graphql`, probes, probeBatch, 'graphql', probeRate) : Promise.resolve(null),
]);
// Whatever the worker had not applied when the load stopped: how long it takes to catch up.
const catchUpStarted = performance.now();
for (;;) {
  const health = await api.app.derived.health();
  if (health.lagSeconds === 0) break;
  await new Promise((r) => setTimeout(r, 50));
}
const catchUpMs = performance.now() - catchUpStarted;
timer?.stop();
api.app.derived.recordLags = false;
const lags = api.app.derived.lags.map((s) => s * 1000).sort((a, b) => a - b);

// --- the raw baseline: the same rows by a bare pg client -------------------------------------
async function rawPush({ pool, body, viewer }: RawContext) {
  const input = body as { clientId: string; entries: ReportEntry[] };
  return { applied: (await rawPushReports(pool, viewer, input.clientId, input.entries)).size };
}

let raw: Phase | null = null;
if (!skipRaw) {
  const server = await startRaw(databaseUrl, api.secret, { '/push': rawPush });
  raw = await load(`${server.url}/push`, sessions, batch, 'raw');
  await server.close();
  await api.app.derived.drain();
}

const rows: (string | number)[][] = [];
const lines: Record<string, unknown>[] = [];
for (const [mode, p] of [
  ['graphql', app],
  ['raw', raw],
  ['probe', probe],
] as const) {
  if (!p) continue;
  const sorted = [...p.latencies].sort((a, b) => a - b);
  const line = {
    bench: 'push',
    mode,
    devices: mode === 'probe' ? probes.length : sessions.length,
    batch: mode === 'probe' ? probeBatch : batch,
    rate: mode === 'probe' ? probeRate : rate,
    seconds,
    requests: p.requests,
    applied: p.applied,
    applied_per_s: Math.round(p.applied / (p.ms / 1000)),
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
    mode === 'probe' ? `graphql, ${probes.length} more devices × ${probeBatch} reports at ${probeRate}/s` : mode,
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
  `Sustained pushes, ${batch} report(s) per request, ${sessions.length} devices for ${seconds} s, ${rate ? `${rate} request(s)/s per device` : 'each sending again on its answer'}`,
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
if (timer)
  printTable(
    `Statements the app sent during its run and catch-up (${timer.timings.length}; concurrent ones overlap), the most time first`,
    STATEMENT_COLUMNS,
    statementGroups(timer.timings, 25),
  );
for (const [reason, n] of [...app.reasons, ...(raw?.reasons ?? []), ...(probe?.reasons ?? [])])
  console.log(`error ×${n}: ${reason}`);

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
