/**
 * npm run bench:sync -- [--runs N] [--database-url URL]
 *
 * A field officer's sync through the real GraphQL API against the same reads and writes as raw
 * SQL behind a bare HTTP endpoint, in the same run: the first pull, an incremental (empty) pull,
 * and a push of 50 new reports. Also the bytes on the wire of a first and an empty sync.
 * The documents are the web's (SYNC_PULL, SYNC_PUSH) at the server's PROTOCOL_VERSION; the raw pull
 * is lib/raw-sync.ts, and the run stops (exit 1) when its pages differ from the app's.
 */
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import {
  argNumber,
  benchDatabaseUrl,
  describeRun,
  gql,
  post,
  printBenchLines,
  printTable,
  ratioLine,
  startApi,
  startRaw,
  stats,
  type RawContext,
} from '../lib/harness.js';
import { PULL_LISTS, pullDifferences, rawPull, type RawPullInput } from '../lib/raw-sync.js';
import { rawPushReports, type RawReportEntry } from '../lib/raw-push.js';
import { PROTOCOL_VERSION, SYNC_PULL, SYNC_PUSH } from './sync-queries.js';

/** The raw baseline's pull endpoint: SyncService.pull as plain SQL (lib/raw-sync.ts). */
const rawPullRoute = ({ pool, body, viewer }: RawContext) =>
  rawPull(pool, { id: viewer.id, unitPath: viewer.unitPath }, body as unknown as RawPullInput).then((syncPull) => ({ syncPull }));

type ReportEntry = Required<RawReportEntry>;

/** The writes a push of new reports makes, as plain SQL: one set-based transaction, at most once. */
async function rawPush({ pool, body, viewer }: RawContext) {
  const input = body as { clientId: string; entries: ReportEntry[] };
  const applied = await rawPushReports(pool, viewer, input.clientId, input.entries);
  const results = input.entries.map((e) => ({ id: e.id, status: applied.has(e.id) ? 'APPLIED' : 'ALREADY_APPLIED' }));
  await pool.query(
    `insert into sync_client (client_id, account_id, protocol_version, last_push_at, pushed_entries) values ($1, $2, $4, now(), $3)
     on conflict (client_id, account_id) do update set last_push_at = now(), pushed_entries = sync_client.pushed_entries + excluded.pushed_entries`,
    [input.clientId, viewer.id, results.filter((r) => r.status === 'APPLIED').length, PROTOCOL_VERSION],
  );
  return { syncPush: { updateRequired: false, results } };
}

const databaseUrl = benchDatabaseUrl();
const runs = argNumber('runs', 15);
await describeRun(databaseUrl, `npm run bench:sync -- --runs ${runs}`);
console.log(`NODE_ENV: ${process.env.NODE_ENV ?? '(unset: graphql-js runs its slower development checks)'}`);
const api = await startApi(databaseUrl);
const raw = await startRaw(databaseUrl, api.secret, { '/pull': rawPullRoute, '/push': rawPush });
const db = api.orm.em.getConnection();

// Field officers at every level: the nation's and Lâm Đồng's focal officers, the commune and the
// cell with the most work in Lâm Đồng, and a second cell that pushes.
const officers = await db.execute<{ username: string; label: string; level: string }[]>(`
  (select 'daumoi.' || lower(u.code) as username, 'national focal officer' as label, 'nation' as level from unit u
    where u.parent_id is null order by u.seq limit 1)
  union all
  (select 'daumoi.' || lower(regexp_replace(u.code, '^P-', '')), 'province focal officer', 'province' from unit u where u.code = 'P-LAMDONG')
  union all
  (select 'daumoi.' || lower(u.code), 'commune focal officer', 'commune' from unit u join task t on t.lead_unit_id = u.id
    where u.kind = 'COMMUNE' and u.path like (select path || '%' from unit where code = 'P-LAMDONG') group by u.id order by count(*) desc, u.seq limit 1)
  union all
  (select 'canbo.' || lower(u.code), 'cell officer', 'cell' from unit u join task t on t.lead_unit_id = u.id
    where u.kind = 'CELL' and u.path like (select path || '%' from unit where code = 'P-LAMDONG') group by u.id order by count(*) desc, u.seq limit 1)
  union all
  -- The pushes go to the next cell, so the pulled views do not grow from one run to the next.
  (select 'canbo.' || lower(u.code), 'pushing cell officer', 'cell' from unit u join task t on t.lead_unit_id = u.id
    where u.kind = 'CELL' and u.path like (select path || '%' from unit where code = 'P-LAMDONG') group by u.id order by count(*) desc, u.seq offset 1 limit 1)`);
if (officers.length < 5) throw new Error('the bench database has no data set; run npm run bench:data first');

const rows: (string | number)[][] = [];
const lines: Record<string, unknown>[] = [];
const wire: (string | number)[][] = [];
const interleave = async (a: () => Promise<unknown>, b: () => Promise<unknown>) => {
  const ga: number[] = [];
  const gb: number[] = [];
  for (let i = -2; i < runs; i++) {
    let t = performance.now();
    await a();
    if (i >= 0) ga.push(performance.now() - t);
    t = performance.now();
    await b();
    if (i >= 0) gb.push(performance.now() - t);
  }
  return [ga, gb] as const;
};
const row = (label: string, size: string, g: number[], s: number[]) => {
  const gs = stats(g);
  const ss = stats(s);
  rows.push([
    label,
    size,
    gs.min,
    gs.median,
    gs.p95,
    gs.max,
    ss.min,
    ss.median,
    ss.p95,
    ss.max,
    `${(gs.median / ss.median).toFixed(2)}×`,
  ]);
};

// Pulls are compared uncompressed: the raw endpoint does not gzip, and gzip (about 5 ms to pack and
// 3 ms to unpack 200 KB here) is not GraphQL's or the ORM's work. The gzip bytes are in the wire table.
const identity = { 'accept-encoding': 'identity' };
type Page = Parameters<typeof pullDifferences>[0] & { cursor: string; tasks: unknown[]; reports: unknown[]; hasMore: boolean };
const pullInput = (clientId: string, cursor?: string) => ({
  protocolVersion: PROTOCOL_VERSION,
  clientId,
  limit: 500,
  ...(cursor ? { cursor } : {}),
});
const gqlPull = async (token: string, input: ReturnType<typeof pullInput>) => {
  const reply = await gql(api, SYNC_PULL, { input }, token, identity);
  return { reply, page: (reply.json!.data as { syncPull: Page }).syncPull };
};
const rawPullOnce = async (token: string, input: ReturnType<typeof pullInput>) => {
  const reply = await post(`${raw.url}/pull`, input, token, identity);
  if (reply.status !== 200) throw new Error(`raw pull failed (${reply.status})`);
  return (reply.json!.data as { syncPull: Page }).syncPull;
};
/** The baseline must answer what the app answers, or its times mean nothing: exit 1 otherwise. */
const mustAgree = (what: string, graphql: Page, rawPage: Page) => {
  const differences = pullDifferences(graphql, rawPage);
  if (!differences.length) return;
  console.error(`\nGraphQL and raw SQL pulls differ (${what}); GraphQL first, raw second:\n  ${differences.join('\n  ')}`);
  process.exit(1);
};
for (const officer of officers.slice(0, 4)) {
  const token = await api.tokenFor(officer.username);
  const clientId = randomUUID();
  const first = await gqlPull(token, pullInput(clientId));
  const page = first.page;
  mustAgree(`${officer.username}, first pull`, page, await rawPullOnce(token, pullInput(clientId)));
  // The rest of the first sync's pages, so the incremental pull below is an empty one.
  let cursor = page.cursor;
  for (let more = page.hasMore; more;) {
    const next = (await gqlPull(token, pullInput(clientId, cursor))).page;
    cursor = next.cursor;
    more = next.hasMore;
  }
  const empty = await gqlPull(token, pullInput(clientId, cursor));
  mustAgree(`${officer.username}, empty pull`, empty.page, await rawPullOnce(token, pullInput(clientId, cursor)));
  const size = `${page.tasks.length} tasks, ${page.reports.length} reports${page.hasMore ? ' (first page)' : ''}`;
  const [g1, s1] = await interleave(
    () => gql(api, SYNC_PULL, { input: pullInput(clientId) }, token, identity),
    () => post(`${raw.url}/pull`, pullInput(clientId), token, identity),
  );
  row(`${officer.label}: first pull`, size, g1, s1);
  lines.push(
    ratioLine(
      { bench: 'sync', case: 'first pull', viewer: officer.level, tasks: page.tasks.length, reports: page.reports.length },
      g1,
      s1,
    ),
  );
  const [g2, s2] = await interleave(
    () => gql(api, SYNC_PULL, { input: pullInput(clientId, cursor) }, token, identity),
    () => post(`${raw.url}/pull`, pullInput(clientId, cursor), token, identity),
  );
  const emptyRows = empty.page;
  const emptyCount = PULL_LISTS.reduce((n, list) => n + (emptyRows[list]?.length ?? 0), 0);
  row(`${officer.label}: incremental pull (no change)`, `${emptyCount} rows`, g2, s2);
  lines.push(ratioLine({ bench: 'sync', case: 'empty pull', viewer: officer.level }, g2, s2));
  const request = (vars: unknown) => Buffer.byteLength(JSON.stringify({ query: SYNC_PULL, variables: vars }));
  wire.push(
    [
      `${officer.label}: first sync`,
      request({ input: pullInput(clientId) }),
      first.reply.bytes,
      gzipSync(JSON.stringify(first.reply.json)).length,
    ],
    [
      `${officer.label}: empty sync`,
      request({ input: pullInput(clientId, cursor) }),
      empty.reply.bytes,
      gzipSync(JSON.stringify(empty.reply.json)).length,
    ],
  );
}

// A push of 50 new reports by a cell officer on their own open tasks.
const cell = officers[4]!;
const token = await api.tokenFor(cell.username);
const tasks = await db.execute<{ id: string; progress: number; indicators: string[] | null }[]>(
  `select t.id, t.progress, array_remove(array_agg(i.id), null) as indicators from task t join account a on a.username = ?
     join unit u on u.id = a.unit_id left join indicator i on i.task_id = t.id
    where t.lead_unit_id = u.id and t.state = 'OPEN' and not exists (select 1 from task c where c.parent_id = t.id) group by t.id`,
  [cell.username],
);
let pushNote = '';
if (!tasks.length) pushNote = 'no open task to report on';
const entries = () =>
  Array.from({ length: 50 }, (_, i) => {
    const t = tasks[i % tasks.length]!;
    const id = randomUUID();
    return {
      id,
      taskId: t.id,
      percent: Math.min(100, t.progress + 1),
      values: (t.indicators ?? []).map((indicatorId) => ({ indicatorId, value: 1 })),
      writtenAt: new Date().toISOString(),
    };
  });
const asGraphql = (list: ReportEntry[]) => ({
  input: {
    protocolVersion: PROTOCOL_VERSION,
    clientId: randomUUID(),
    entries: list.map((e) => ({
      id: e.id,
      kind: 'CREATE_REPORT',
      createdAt: e.writtenAt,
      createReport: {
        reportId: e.id,
        taskId: e.taskId,
        percent: e.percent,
        hasObstacles: false,
        values: e.values,
        writtenAt: e.writtenAt,
      },
    })),
  },
});
if (!pushNote) {
  const probe = await gql(api, SYNC_PUSH, asGraphql(entries().slice(0, 1)), token);
  const status = (probe.json!.data as { syncPush: { results: { status: string; reason: string | null }[] } }).syncPush
    .results[0]!;
  if (status.status !== 'APPLIED') pushNote = `the API does not apply reports yet (${status.status}: ${status.reason})`;
}
if (pushNote) {
  console.log(`\n50-report push: not measured — ${pushNote}.`);
} else {
  const [g, s] = await interleave(
    () => gql(api, SYNC_PUSH, asGraphql(entries()), token),
    () => post(`${raw.url}/push`, { clientId: randomUUID(), entries: entries() }, token),
  );
  row('cell officer: push of 50 new reports', '50 entries', g, s);
  lines.push(ratioLine({ bench: 'sync', case: 'push 50 reports', viewer: 'cell' }, g, s));
}

printTable(
  `Sync through GraphQL against raw SQL (${runs} runs each, ms)`,
  ['operation', 'size', 'GraphQL min', 'median', 'p95', 'max', 'raw SQL min', 'median', 'p95', 'max', 'ratio (median)'],
  rows,
);
printTable(
  'Bytes on the wire (HTTP bodies; gzip is what the server sends a client that accepts it)',
  ['sync', 'request bytes', 'response bytes', 'response gzip bytes'],
  wire,
);
printBenchLines(lines);
await raw.close();
await api.close();
