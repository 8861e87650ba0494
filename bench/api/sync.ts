/**
 * npm run bench:sync -- [--runs N] [--database-url URL]
 *
 * A field officer's sync through the real GraphQL API against the same reads and writes as raw
 * SQL behind a bare HTTP endpoint, in the same run: the first pull, an incremental (empty) pull,
 * and a push of 50 new reports. Also the bytes on the wire of a first and an empty sync.
 */
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type pg from 'pg';
import { decodeCursor, encodeCursor, viewFingerprint, type PullCursor } from '../../server/src/modules/sync/sync-cursor.js';
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
import { PULL_QUERY, PUSH_QUERY } from './sync-queries.js';

type Row = Record<string, unknown>;

async function inSnapshot<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('begin isolation level repeatable read read only');
    const out = await fn(c);
    await c.query('commit');
    return out;
  } catch (e) {
    await c.query('rollback');
    throw e;
  } finally {
    c.release();
  }
}

/** The pull of SyncService, as plain SQL on a pg pool: same keys, same rows, same cursor. */
async function rawPull({ pool, body, viewer }: RawContext) {
  const input = body as { cursor?: string | null; limit?: number; clientId: string };
  const limit = input.limit ?? 500;
  const view = viewFingerprint(viewer.id, viewer.unitPath);
  const cursor: PullCursor | null = input.cursor ? decodeCursor(input.cursor) : null;
  const page = await inSnapshot(pool, async (c) => {
    const { rows: snap } = await c.query(`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin, now() as now`);
    const since = cursor?.since ?? '0';
    const next = cursor?.after ? cursor.next : (snap[0].xmin as string);
    const p = viewer.unitPath;
    const after = cursor?.after ?? null;
    const { rows: keys } = await c.query<{ x: string; k: string; id: string }>(
      `select c.x::text as x, c.k, c.id from (
         select t.change_xid as x, 'T' as k, t.id from task t where t.change_xid >= $1::xid8 and t.lead_unit_path = $2
         union select i.change_xid, 'T', i.task_id from indicator i join task t on t.id = i.task_id where i.change_xid >= $1::xid8 and t.lead_unit_path = $2
         union select r.change_xid, 'R', r.id from progress_report r where r.change_xid >= $1::xid8 and r.unit_path = $2
         union select s.change_xid, 'X', s.entity_id from sync_tombstone s where s.change_xid >= $1::xid8 and s.unit_path = $2 and s.entity = 'TASK'
           and not exists (select 1 from task t where t.id = s.entity_id and t.lead_unit_path = s.unit_path)
       ) c ${after ? 'where (c.x, c.k, c.id) > ($4::xid8, $5, $6::uuid)' : ''} order by c.x, c.k, c.id limit $3`,
      after ? [since, p, limit + 1, ...after] : [since, p, limit + 1],
    );
    const hasMore = keys.length > limit;
    const pageKeys = keys.slice(0, limit);
    const last = pageKeys.at(-1);
    const nextCursor: PullCursor = hasMore
      ? { since, next, after: [last!.x, last!.k, last!.id], view, protocol: cursor?.protocol ?? 1 }
      : { since: next, next, after: null, view, protocol: cursor?.protocol ?? 1 };
    const ids = (k: string) => [...new Set(pageKeys.filter((r) => r.k === k).map((r) => r.id))];
    const taskIds = ids('T');
    const reportIds = ids('R');
    // One connection runs one statement at a time, as the ORM's transaction does.
    const tasks = await c.query<Row>(`select * from task where id = any($1::uuid[]) order by id`, [taskIds]);
    const indicators = await c.query<Row>(`select * from indicator where task_id = any($1::uuid[]) order by created_at, id`, [
      taskIds,
    ]);
    const ancestors = await c.query<{ task_id: string; title: string }>(
      `with recursive up as (select t.id as task_id, t.parent_id, 0 as lvl from task t where t.id = any($1::uuid[])
           union all select up.task_id, p.parent_id, up.lvl + 1 from up join task p on p.id = up.parent_id where up.lvl < 64)
         select up.task_id, p.title from up join task p on p.id = up.parent_id order by up.task_id, up.lvl desc`,
      [taskIds],
    );
    const reports = await c.query<Row>(`select * from progress_report where id = any($1::uuid[]) order by id`, [reportIds]);
    const values = await c.query<Row>(`select * from report_indicator_value where report_id = any($1::uuid[])`, [reportIds]);
    const titles = new Map<string, string[]>();
    for (const a of ancestors.rows) titles.set(a.task_id, [...(titles.get(a.task_id) ?? []), a.title]);
    return {
      cursor: encodeCursor(nextCursor),
      hasMore,
      reset: false,
      updateRequired: false,
      serverTime: snap[0].now,
      tasks: tasks.rows.map((t) => ({
        id: t.id,
        parentId: t.parent_id,
        title: t.title,
        description: t.description,
        responsiblePerson: t.responsible_person,
        expectedResult: t.expected_result,
        startOn: t.start_on,
        dueOn: t.due_on,
        priority: t.priority,
        state: t.state,
        progress: t.progress,
        version: t.version,
        updatedAt: t.updated_at,
        lastReportAt: t.last_report_at,
        ancestorTitles: titles.get(t.id as string) ?? [],
        indicators: indicators.rows
          .filter((i) => i.task_id === t.id)
          .map((i) => ({
            id: i.id,
            name: i.name,
            unitOfMeasure: i.unit_of_measure,
            baseline: i.baseline,
            target: i.target,
            direction: i.direction,
            dueOn: i.due_on,
            currentValue: i.current_value,
            version: i.version,
          })),
      })),
      reports: reports.rows.map((r) => ({
        id: r.id,
        taskId: r.task_id,
        percent: r.percent,
        values: values.rows.filter((v) => v.report_id === r.id).map((v) => ({ indicatorId: v.indicator_id, value: v.value })),
        narrative: r.narrative,
        hasObstacles: r.has_obstacles,
        obstacles: r.obstacles,
        writtenAt: r.written_at,
        receivedAt: r.received_at,
        answersReportId: r.answers_report_id,
        flaggedReassigned: r.flagged_reassigned,
        state: r.state,
        reviewedAt: r.reviewed_at,
        reviewComment: r.review_comment,
      })),
      notifications: [],
      removals: ids('X').map((id) => ({ entity: 'TASK', id })),
    };
  });
  await pool.query(
    `insert into sync_client (client_id, account_id, protocol_version, last_pull_at) values ($1, $2, 1, now())
     on conflict (client_id, account_id) do update set last_pull_at = now()`,
    [input.clientId, viewer.id],
  );
  return { syncPull: page };
}

interface ReportEntry {
  id: string;
  taskId: string;
  percent: number;
  values: { indicatorId: string; value: number }[];
  writtenAt: string;
}

/** The writes a push of new reports makes, as plain SQL: one transaction per entry, at most once. */
async function rawPush({ pool, body, viewer }: RawContext) {
  const input = body as { clientId: string; entries: ReportEntry[] };
  const results = [];
  for (const e of input.entries) {
    const c = await pool.connect();
    try {
      await c.query('begin');
      const ins = await c.query(
        `insert into sync_applied_entry (id, account_id, client_id, kind, result) values ($1, $2, $3, 'CREATE_REPORT', '{}') on conflict (id) do nothing returning id`,
        [e.id, viewer.id, input.clientId],
      );
      if (!ins.rowCount) {
        await c.query('commit');
        results.push({ id: e.id, status: 'ALREADY_APPLIED' });
        continue;
      }
      const { rows } = await c.query(`select id, lead_unit_id, lead_unit_path from task where id = $1 for update`, [e.taskId]);
      const task = rows[0];
      if (!task || task.lead_unit_path !== viewer.unitPath) throw new Error('not your task');
      await c.query(
        `insert into progress_report (id, task_id, unit_id, unit_path, author_id, percent, has_obstacles, written_at) values ($1, $2, $3, $4, $5, $6, false, $7)`,
        [e.id, e.taskId, task.lead_unit_id, task.lead_unit_path, viewer.id, e.percent, e.writtenAt],
      );
      for (const v of e.values)
        await c.query(`insert into report_indicator_value (report_id, indicator_id, value) values ($1, $2, $3)`, [
          e.id,
          v.indicatorId,
          v.value,
        ]);
      await c.query(`update task set last_report_at = now(), updated_at = now() where id = $1`, [e.taskId]);
      await c.query(`update sync_applied_entry set result = '{"version":null}' where id = $1`, [e.id]);
      await c.query('commit');
      results.push({ id: e.id, status: 'APPLIED' });
    } catch (error) {
      await c.query('rollback');
      results.push({ id: e.id, status: 'REJECTED', reason: String(error) });
    } finally {
      c.release();
    }
  }
  await pool.query(
    `insert into sync_client (client_id, account_id, protocol_version, last_push_at, pushed_entries) values ($1, $2, 1, now(), $3)
     on conflict (client_id, account_id) do update set last_push_at = now(), pushed_entries = sync_client.pushed_entries + excluded.pushed_entries`,
    [input.clientId, viewer.id, results.filter((r) => r.status === 'APPLIED').length],
  );
  return { syncPush: { updateRequired: false, results } };
}

const databaseUrl = benchDatabaseUrl();
const runs = argNumber('runs', 15);
await describeRun(databaseUrl, `npm run bench:sync -- --runs ${runs}`);
console.log(`NODE_ENV: ${process.env.NODE_ENV ?? '(unset: graphql-js runs its slower development checks)'}`);
const api = await startApi(databaseUrl);
const raw = await startRaw(databaseUrl, api.secret, { '/pull': rawPull, '/push': rawPush });
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
type Page = { cursor: string; tasks: unknown[]; reports: unknown[]; hasMore: boolean };
for (const officer of officers.slice(0, 4)) {
  const token = await api.tokenFor(officer.username);
  const clientId = randomUUID();
  const first = await gql(api, PULL_QUERY, { input: { protocolVersion: 1, clientId, limit: 500 } }, token, identity);
  const firstRaw = await post(`${raw.url}/pull`, { clientId, limit: 500 }, token, identity);
  const page = (first.json!.data as { syncPull: Page }).syncPull;
  const rawPage = (firstRaw.json!.data as { syncPull: typeof page }).syncPull;
  if (page.tasks.length !== rawPage.tasks.length || page.reports.length !== rawPage.reports.length)
    throw new Error(`GraphQL and raw SQL pulls disagree for ${officer.username}`);
  // The rest of the first sync's pages, so the incremental pull below is an empty one.
  let cursor = page.cursor;
  for (let more = page.hasMore; more;) {
    const next = (
      (await gql(api, PULL_QUERY, { input: { protocolVersion: 1, clientId, cursor, limit: 500 } }, token)).json!.data as {
        syncPull: Page;
      }
    ).syncPull;
    cursor = next.cursor;
    more = next.hasMore;
  }
  const empty = await gql(api, PULL_QUERY, { input: { protocolVersion: 1, clientId, cursor, limit: 500 } }, token, identity);
  const size = `${page.tasks.length} tasks, ${page.reports.length} reports${page.hasMore ? ' (first page)' : ''}`;
  const [g1, s1] = await interleave(
    () => gql(api, PULL_QUERY, { input: { protocolVersion: 1, clientId, limit: 500 } }, token, identity),
    () => post(`${raw.url}/pull`, { clientId, limit: 500 }, token, identity),
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
    () => gql(api, PULL_QUERY, { input: { protocolVersion: 1, clientId, cursor, limit: 500 } }, token, identity),
    () => post(`${raw.url}/pull`, { clientId, cursor, limit: 500 }, token, identity),
  );
  const emptyRows = (empty.json!.data as { syncPull: Page }).syncPull;
  row(`${officer.label}: incremental pull (no change)`, `${emptyRows.tasks.length + emptyRows.reports.length} rows`, g2, s2);
  lines.push(ratioLine({ bench: 'sync', case: 'empty pull', viewer: officer.level }, g2, s2));
  const request = (vars: unknown) => Buffer.byteLength(JSON.stringify({ query: PULL_QUERY, variables: vars }));
  wire.push(
    [
      `${officer.label}: first sync`,
      request({ input: { protocolVersion: 1, clientId, limit: 500 } }),
      first.bytes,
      gzipSync(JSON.stringify(first.json)).length,
    ],
    [
      `${officer.label}: empty sync`,
      request({ input: { protocolVersion: 1, clientId, cursor, limit: 500 } }),
      empty.bytes,
      gzipSync(JSON.stringify(empty.json)).length,
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
    protocolVersion: 1,
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
  const probe = await gql(api, PUSH_QUERY, asGraphql(entries().slice(0, 1)), token);
  const status = (probe.json!.data as { syncPush: { results: { status: string; reason: string | null }[] } }).syncPush
    .results[0]!;
  if (status.status !== 'APPLIED') pushNote = `the API does not apply reports yet (${status.status}: ${status.reason})`;
}
if (pushNote) {
  console.log(`\n50-report push: not measured — ${pushNote}.`);
} else {
  const [g, s] = await interleave(
    () => gql(api, PUSH_QUERY, asGraphql(entries()), token),
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
