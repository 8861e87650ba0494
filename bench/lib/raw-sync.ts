/**
 * The sync pull of SyncService (server/src/modules/sync/sync.service.ts) as plain SQL on a `pg`
 * pool: the baseline of bench:sync, and checked against the real pull by
 * server/test/sync/bench-baseline.test.ts so the two cannot drift apart unnoticed. Same protocol
 * rules (too old → updateRequired; a cursor of another view → reset; a cursor of an older
 * protocol → the view again; purged removals → reset), same change keys, the same statements
 * one after another in one repeatable-read snapshot, the same rows and the same JSON as the
 * GraphQL answer to the web's SYNC_PULL document. No ORM, no GraphQL, no DataLoader.
 */
import type pg from 'pg';
import { localDay } from '../../server/src/common/dates.js';
import { isWithin, subtreePattern } from '../../server/src/modules/organisations/unit-path.js';
import { decodeCursor, encodeCursor, viewFingerprint, type PullCursor } from '../../server/src/modules/sync/sync-cursor.js';
import {
  MAX_PULL_LIMIT,
  MIN_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
  REFERENCE_PROTOCOL,
} from '../../server/src/modules/sync/sync.service.js';

type Row = Record<string, unknown>;

export interface RawViewer {
  id: string;
  unitPath: string;
}

export interface RawPullInput {
  protocolVersion: number;
  clientId: string;
  cursor?: string | null;
  limit?: number;
}

/** What SYNC_PULL selects, as the server's JSON carries it (dates as ISO strings once serialised). */
export interface RawPullResult {
  updateRequired: boolean;
  reset: boolean;
  cursor: string;
  hasMore: boolean;
  serverTime: Date;
  tasks: Row[];
  reports: Row[];
  notifications: Row[];
  extensionRequests: Row[];
  removals: { entity: string; id: string }[];
  resolutions: Row[];
  units: Row[];
  people: Row[];
}

const iso = (d: unknown): Date | null => (d === null || d === undefined ? null : new Date(d as string));

function dateOnly(d: unknown): string | null {
  if (d === null || d === undefined) return null;
  if (typeof d === 'string') return d.slice(0, 10);
  const x = d as Date;
  return `${x.getFullYear()}-${String(x.getMonth() + 1).padStart(2, '0')}-${String(x.getDate()).padStart(2, '0')}`;
}

const emptyPage = (): Omit<RawPullResult, 'updateRequired' | 'cursor' | 'serverTime'> => ({
  tasks: [],
  reports: [],
  notifications: [],
  extensionRequests: [],
  removals: [],
  resolutions: [],
  units: [],
  people: [],
  hasMore: false,
  reset: false,
});

/** SyncService.pull, statement for statement, on plain `pg`. */
export async function rawPull(pool: pg.Pool, viewer: RawViewer, input: RawPullInput): Promise<RawPullResult> {
  if (input.protocolVersion > PROTOCOL_VERSION) throw new Error(`protocol ${input.protocolVersion} is newer than the server's`);
  if (input.protocolVersion < MIN_PROTOCOL_VERSION)
    return { ...emptyPage(), updateRequired: true, cursor: input.cursor ?? '', serverTime: new Date() };
  const limit = input.limit ?? 500;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PULL_LIMIT) throw new Error('limit out of range');
  const view = viewFingerprint(viewer.id, viewer.unitPath);
  let cursor: PullCursor | null = null;
  if (input.cursor) {
    cursor = decodeCursor(input.cursor);
    if (!cursor || cursor.view !== view)
      return { ...emptyPage(), updateRequired: false, reset: true, cursor: '', serverTime: new Date() };
    if (cursor.protocol < input.protocolVersion) cursor = null;
  }
  const protocol = input.protocolVersion;

  const c = await pool.connect();
  let page: RawPullResult | null;
  try {
    await c.query('begin isolation level repeatable read read only');
    page = await pullInSnapshot(c, viewer, view, cursor, limit, protocol);
    await c.query('commit');
  } catch (e) {
    await c.query('rollback');
    throw e;
  } finally {
    c.release();
  }
  // The device's visit, outside the snapshot, as the service records it (never fails the pull).
  await pool
    .query(
      `insert into sync_client (client_id, account_id, protocol_version, last_pull_at, pushed_entries, rejected_entries)
       values ($1, $2, $3, now(), 0, 0)
       on conflict (client_id, account_id) do update set protocol_version = excluded.protocol_version, last_pull_at = now()`,
      [input.clientId, viewer.id, input.protocolVersion],
    )
    .catch(() => undefined);
  return page ?? { ...emptyPage(), updateRequired: false, reset: true, cursor: '', serverTime: new Date() };
}

async function pullInSnapshot(
  c: pg.PoolClient,
  viewer: RawViewer,
  view: string,
  cursor: PullCursor | null,
  limit: number,
  protocol: number,
): Promise<RawPullResult | null> {
  const { rows: snap } = await c.query<{ xmin: string; now: Date; purged: boolean }>(
    `select pg_snapshot_xmin(pg_current_snapshot())::text as xmin, now() as now,
            coalesce((select $1::xid8 <= purged_through from sync_horizon), false) as purged`,
    [cursor?.since ?? '0'],
  );
  const { xmin, now, purged } = snap[0]!;
  if (cursor && cursor.since !== '0' && purged) return null;
  const since = cursor?.since ?? '0';
  const next = cursor?.after ? cursor.next : xmin;
  const after = cursor?.after ?? null;
  const keys = await changedKeys(c, viewer, since, after, limit + 1, protocol);
  const hasMore = keys.length > limit;
  const pageKeys = keys.slice(0, limit);
  const last = pageKeys.at(-1);
  const nextCursor: PullCursor = hasMore
    ? { since, next, after: [last!.x, last!.k, last!.id], view, protocol }
    : { since: next, next, after: null, view, protocol };
  const ids = (k: string) => [...new Set(pageKeys.filter((r) => r.k === k).map((r) => r.id))];

  const tasks = await loadTasks(c, ids('T'), viewer.unitPath);
  const reports = await loadReports(c, ids('R'));
  const notifications = await loadNotifications(c, viewer, ids('N'));
  const extensionRequests = await loadExtensionRequests(c, ids('E'));
  const removals = [...ids('X').map((id) => ({ entity: 'TASK', id })), ...ids('Y').map((id) => ({ entity: 'NOTIFICATION', id }))];
  const references =
    protocol >= REFERENCE_PROTOCOL
      ? await loadReferences(c, {
          resolutions: [...ids('S'), ...tasks.map((t) => (t.resolution as { id: string }).id)],
          units: [
            ...ids('U'),
            ...tasks.flatMap((t) =>
              t.assignerUnitId ? [t.leadUnitId as string, t.assignerUnitId as string] : [t.leadUnitId as string],
            ),
          ],
          people: [
            ...ids('A'),
            ...reports.flatMap((r) => (r.reviewedById ? [r.reviewedById as string] : [])),
            ...extensionRequests.flatMap((e) => (e.decidedById ? [e.decidedById as string] : [])),
          ],
        })
      : { resolutions: [], units: [], people: [] };
  return {
    updateRequired: false,
    reset: false,
    cursor: encodeCursor(nextCursor),
    hasMore,
    serverTime: new Date(now),
    tasks,
    reports,
    notifications,
    extensionRequests,
    removals,
    ...references,
  };
}

/** SyncService.changedKeys: the same union, the same order, numbered parameters. */
async function changedKeys(
  c: pg.PoolClient,
  viewer: RawViewer,
  since: string,
  after: [string, string, string] | null,
  limit: number,
  protocol: number,
): Promise<{ x: string; k: string; id: string }[]> {
  const p = viewer.unitPath;
  const params: unknown[] = [];
  const $ = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const parts = [
    `select t.change_xid as x, 'T' as k, t.id from task t where t.change_xid >= ${$(since)}::xid8 and t.lead_unit_path = ${$(p)}`,
    `select i.change_xid, 'T', i.task_id from indicator i join task t on t.id = i.task_id
       where i.change_xid >= ${$(since)}::xid8 and t.lead_unit_path = ${$(p)}`,
    `select r.change_xid, 'R', r.id from progress_report r where r.change_xid >= ${$(since)}::xid8 and r.unit_path = ${$(p)}`,
    `select s.change_xid, 'X', s.entity_id from sync_tombstone s
       where s.change_xid >= ${$(since)}::xid8 and s.unit_path = ${$(p)} and s.entity = 'TASK'
         and not exists (select 1 from task t where t.id = s.entity_id and t.lead_unit_path = s.unit_path)`,
    `select e.change_xid, 'E', e.id from task_extension_request e join task t on t.id = e.task_id
       where e.change_xid >= ${$(since)}::xid8 and t.lead_unit_path = ${$(p)}`,
    `select s.change_xid, 'T', s.entity_id from sync_tombstone s join task t on t.id = s.entity_id
       where s.change_xid >= ${$(since)}::xid8 and s.entity = 'INDICATOR' and t.lead_unit_path = ${$(p)}`,
  ];
  if (protocol >= REFERENCE_PROTOCOL && since !== '0') {
    parts.push(
      `select r.renamed_xid, 'S', r.id from resolution r where r.renamed_xid >= ${$(since)}::xid8
         and exists (select 1 from task t where t.lead_unit_path = ${$(p)} and t.resolution_id = r.id)`,
      `select u.renamed_xid, 'U', u.id from unit u where u.renamed_xid >= ${$(since)}::xid8 and u.path like ${$(subtreePattern(p))}
         and (u.path = ${$(p)} or exists (select 1 from task t where t.lead_unit_path = ${$(p)} and t.assigner_unit_id = u.id))`,
      `select a.renamed_xid, 'A', a.id from account a where a.renamed_xid >= ${$(since)}::xid8
         and (exists (select 1 from progress_report r where r.reviewed_by_id = a.id and r.unit_path = ${$(p)})
           or exists (select 1 from task_extension_request e join task t on t.id = e.task_id
                       where e.decided_by_id = a.id and t.lead_unit_path = ${$(p)}))`,
    );
  }
  parts.push(
    `select n.change_xid, 'N', n.id from notification n where n.change_xid >= ${$(since)}::xid8 and n.account_id = ${$(viewer.id)}`,
    `select s.change_xid, 'Y', s.entity_id from sync_tombstone s
       where s.change_xid >= ${$(since)}::xid8 and s.account_id = ${$(viewer.id)} and s.entity = 'NOTIFICATION'`,
  );
  const where = after ? `where (c.x, c.k, c.id) > (${$(after[0])}::xid8, ${$(after[1])}, ${$(after[2])}::uuid)` : '';
  const sql = `select c.x::text as x, c.k, c.id from (${parts.join(' union ')}) c ${where} order by c.x, c.k, c.id limit ${$(limit)}`;
  return (await c.query<{ x: string; k: string; id: string }>(sql, params)).rows;
}

async function loadTasks(c: pg.PoolClient, ids: string[], viewerPath: string): Promise<Row[]> {
  if (!ids.length) return [];
  const { rows } = await c.query<Row>(
    `select t.id, t.parent_id, t.title, t.description, t.responsible_person, t.expected_result, t.start_on::text as start_on,
            t.due_on::text as due_on, t.priority, t.state, t.progress, t.version, t.updated_at, t.last_report_at, t.completed_at,
            t.resolution_id, r.code as resolution_code, r.title_vi as resolution_title_vi, r.title_en as resolution_title_en,
            t.original_due_on::text as original_due_on, t.on_time_due_on::text as on_time_due_on,
            t.report_frequency, t.report_due_days, t.created_at, t.lead_unit_id, t.assigner_unit_id, t.assigner_unit_path
       from task t join resolution r on r.id = t.resolution_id where t.id = any($1::uuid[]) order by t.id`,
    [ids],
  );
  const { rows: indicators } = await c.query<Row>(
    `select i.id, i.task_id, i.name, i.unit_of_measure, i.baseline, i.target, i.direction, i.due_on::text as due_on,
            i.current_value, i.version, i.report_frequency, i.report_due_days,
            coalesce(t.start_on, (t.created_at at time zone 'Asia/Ho_Chi_Minh')::date)::text as from_on
       from indicator i join task t on t.id = i.task_id where i.task_id = any($1::uuid[]) order by i.created_at, i.id`,
    [ids],
  );
  const { rows: ancestors } = await c.query<{ task_id: string; title: string }>(
    `with recursive up as (
         select t.id as task_id, t.parent_id, 0 as lvl from task t where t.id = any($1::uuid[])
         union all
         select up.task_id, p.parent_id, up.lvl + 1 from up join task p on p.id = up.parent_id where up.lvl < 64
       )
       select up.task_id, p.title from up join task p on p.id = up.parent_id order by up.task_id, up.lvl desc`,
    [ids],
  );
  const byTask = new Map<string, Row[]>();
  for (const i of indicators) {
    const list = byTask.get(i.task_id as string) ?? [];
    list.push({
      id: i.id,
      name: i.name,
      unitOfMeasure: i.unit_of_measure,
      baseline: Number(i.baseline),
      target: Number(i.target),
      direction: i.direction,
      dueOn: dateOnly(i.due_on),
      currentValue: i.current_value === null ? null : Number(i.current_value),
      version: Number(i.version),
      reportSchedule: i.report_frequency
        ? { frequency: i.report_frequency, dueDays: Number(i.report_due_days), fromOn: dateOnly(i.from_on as string) }
        : null,
    });
    byTask.set(i.task_id as string, list);
  }
  const titles = new Map<string, string[]>();
  for (const a of ancestors) titles.set(a.task_id, [...(titles.get(a.task_id) ?? []), a.title]);
  return rows.map((t) => ({
    id: t.id,
    parentId: t.parent_id ?? null,
    title: t.title,
    description: t.description ?? null,
    responsiblePerson: t.responsible_person ?? null,
    expectedResult: t.expected_result ?? null,
    startOn: dateOnly(t.start_on),
    dueOn: dateOnly(t.due_on),
    priority: t.priority,
    state: t.state,
    progress: Number(t.progress),
    version: Number(t.version),
    updatedAt: iso(t.updated_at),
    lastReportAt: iso(t.last_report_at),
    completedAt: iso(t.completed_at),
    originalDueOn: dateOnly(t.original_due_on),
    onTimeDueOn: dateOnly(t.on_time_due_on),
    resolution: { id: t.resolution_id, code: t.resolution_code, titleVi: t.resolution_title_vi, titleEn: t.resolution_title_en },
    leadUnitId: t.lead_unit_id,
    assignerUnitId: isWithin(t.assigner_unit_path as string, viewerPath) ? t.assigner_unit_id : null,
    ancestorTitles: titles.get(t.id as string) ?? [],
    reportSchedule: t.report_frequency
      ? {
          frequency: t.report_frequency,
          dueDays: Number(t.report_due_days),
          fromOn: dateOnly(t.start_on) ?? localDay(new Date(t.created_at as string)),
        }
      : null,
    indicators: byTask.get(t.id as string) ?? [],
  }));
}

async function loadReports(c: pg.PoolClient, ids: string[]): Promise<Row[]> {
  if (!ids.length) return [];
  const { rows } = await c.query<Row>(
    `select p.id, p.task_id, p.percent, p.narrative, p.has_obstacles, p.obstacles, p.written_at, p.received_at, p.answers_report_id,
            p.flagged_reassigned, p.state, p.reviewed_at, p.review_comment, p.approval_levels, p.approved_levels, p.period_key,
            p.reviewed_by_id, a.display_name as reviewer_name, w.kind as awaiting_unit_kind
       from progress_report p
       left join account a on a.id = p.reviewed_by_id
       left join unit w on w.id = p.awaiting_unit_id and p.state = 'SUBMITTED'
      where p.id = any($1::uuid[]) order by p.id`,
    [ids],
  );
  const { rows: values } = await c.query<Row>(
    `select report_id, indicator_id, value, period_key from report_indicator_value where report_id = any($1::uuid[])`,
    [ids],
  );
  const byReport = new Map<string, { indicatorId: string; value: number; periodKey: string | null }[]>();
  for (const v of values) {
    const list = byReport.get(v.report_id as string) ?? [];
    list.push({
      indicatorId: v.indicator_id as string,
      value: Number(v.value),
      periodKey: (v.period_key as string | null) ?? null,
    });
    byReport.set(v.report_id as string, list);
  }
  return rows.map((r) => ({
    id: r.id,
    taskId: r.task_id,
    percent: Number(r.percent),
    values: byReport.get(r.id as string) ?? [],
    narrative: r.narrative ?? null,
    hasObstacles: Boolean(r.has_obstacles),
    obstacles: r.obstacles ?? null,
    writtenAt: iso(r.written_at),
    receivedAt: iso(r.received_at),
    answersReportId: r.answers_report_id ?? null,
    periodKey: r.period_key ?? null,
    flaggedReassigned: Boolean(r.flagged_reassigned),
    state: r.state,
    reviewedAt: iso(r.reviewed_at),
    reviewComment: r.review_comment ?? null,
    reviewerName: r.reviewer_name ?? null,
    reviewedById: r.reviewed_by_id ?? null,
    approvalLevels: Number(r.approval_levels ?? 1),
    approvedLevels: Number(r.approved_levels ?? 0),
    awaitingUnitKind: r.awaiting_unit_kind ?? null,
  }));
}

async function loadNotifications(c: pg.PoolClient, viewer: RawViewer, ids: string[]): Promise<Row[]> {
  if (!ids.length) return [];
  const { rows } = await c.query<Row>(
    `select id, kind, message, task_id, report_id, created_at, read_at from notification
      where id = any($1::uuid[]) and account_id = $2 order by created_at, id`,
    [ids, viewer.id],
  );
  return rows.map((n) => ({
    id: n.id,
    kind: n.kind,
    message: n.message,
    taskId: n.task_id ?? null,
    reportId: n.report_id ?? null,
    createdAt: iso(n.created_at),
    readAt: iso(n.read_at),
  }));
}

async function loadExtensionRequests(c: pg.PoolClient, ids: string[]): Promise<Row[]> {
  if (!ids.length) return [];
  const { rows } = await c.query<Row>(
    `select e.*, a.display_name as decided_by_name from task_extension_request e
       left join account a on a.id = e.decided_by_id where e.id = any($1::uuid[]) order by e.requested_at, e.id`,
    [ids],
  );
  return rows.map((e) => ({
    id: e.id,
    taskId: e.task_id,
    previousDueOn: dateOnly(e.previous_due_on),
    requestedDueOn: dateOnly(e.requested_due_on),
    reason: e.reason,
    writtenAt: iso(e.written_at),
    requestedAt: iso(e.requested_at),
    state: e.state,
    decidedAt: iso(e.decided_at),
    decisionComment: e.decision_comment ?? null,
    decidedByName: e.decided_by_name ?? null,
    decidedById: e.decided_by_id ?? null,
  }));
}

async function loadReferences(
  c: pg.PoolClient,
  ids: { resolutions: string[]; units: string[]; people: string[] },
): Promise<Pick<RawPullResult, 'resolutions' | 'units' | 'people'>> {
  const unique = (xs: string[]) => [...new Set(xs)];
  const resolutions = ids.resolutions.length
    ? (
        await c.query<Row>(`select id, code, title_vi, title_en from resolution where id = any($1::uuid[]) order by id`, [
          unique(ids.resolutions),
        ])
      ).rows
    : [];
  const units = ids.units.length
    ? (await c.query<Row>(`select id, name, kind from unit where id = any($1::uuid[]) order by id`, [unique(ids.units)])).rows
    : [];
  const people = ids.people.length
    ? (await c.query<Row>(`select id, display_name from account where id = any($1::uuid[]) order by id`, [unique(ids.people)]))
        .rows
    : [];
  return {
    resolutions: resolutions.map((r) => ({ id: r.id, code: r.code, titleVi: r.title_vi, titleEn: r.title_en })),
    units: units.map((u) => ({ id: u.id, name: u.name, kind: u.kind })),
    people: people.map((a) => ({ id: a.id, displayName: a.display_name })),
  };
}

/** The lists of a pull page that hold entities, as SYNC_PULL names them. */
export const PULL_LISTS = [
  'tasks',
  'reports',
  'notifications',
  'extensionRequests',
  'removals',
  'resolutions',
  'units',
  'people',
] as const;

type PageLike = Partial<Record<(typeof PULL_LISTS)[number], Row[]>> & {
  hasMore?: boolean;
  reset?: boolean;
  updateRequired?: boolean;
};

/** What identifies a row of a list: its id (a removal's with its entity), and its version if it has one. */
function rowKey(list: string, r: Row): string {
  const id = list === 'removals' ? `${String(r.entity)}:${String(r.id)}` : String(r.id);
  const indicators = Array.isArray(r.indicators)
    ? `[${(r.indicators as Row[]).map((i) => `${String(i.id)}@${String(i.version)}`).join(',')}]`
    : '';
  return r.version === undefined ? id + indicators : `${id}@${String(r.version)}${indicators}`;
}

/**
 * The differences between two pull pages, empty when they agree: the flags (hasMore, reset,
 * updateRequired) and, per entity list, the ids and versions (tasks with their indicators').
 */
export function pullDifferences(a: PageLike, b: PageLike): string[] {
  const out: string[] = [];
  for (const flag of ['hasMore', 'reset', 'updateRequired'] as const)
    if (a[flag] !== b[flag]) out.push(`${flag}: ${String(a[flag])} ≠ ${String(b[flag])}`);
  for (const list of PULL_LISTS) {
    const ka = (a[list] ?? []).map((r) => rowKey(list, r)).sort();
    const kb = (b[list] ?? []).map((r) => rowKey(list, r)).sort();
    const sb = new Set(kb);
    const sa = new Set(ka);
    const onlyA = ka.filter((k) => !sb.has(k));
    const onlyB = kb.filter((k) => !sa.has(k));
    if (ka.length !== kb.length || onlyA.length || onlyB.length)
      out.push(
        `${list}: ${ka.length} ≠ ${kb.length}` +
          (onlyA.length ? `; only in the first: ${onlyA.slice(0, 5).join(' ')}` : '') +
          (onlyB.length ? `; only in the second: ${onlyB.slice(0, 5).join(' ')}` : ''),
      );
  }
  return out;
}
