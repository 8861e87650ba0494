import {
  TransactionPropagation,
  CheckConstraintViolationException,
  ForeignKeyConstraintViolationException,
  IsolationLevel,
  NotNullConstraintViolationException,
  OptimisticLockError,
} from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, BadInputError, ConflictError, ErrorCode } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import type { CheckedReport, ReadyReport, StoredReport } from '../reports/report.service.js';
import type { Viewer } from '../scope/viewer.js';
import { assertUuid } from '../../common/ids.js';
import { localDay } from '../../common/dates.js';
import type { ReportFrequency } from '../tasks/report-schedule.js';
import { Coalescer } from '../../common/coalescer.js';
import { isWithin, subtreePattern } from '../organisations/unit-path.js';
import { decodeCursor, encodeCursor, viewFingerprint, type PullCursor } from './sync-cursor.js';
import {
  OutboxEntryStatus,
  OutboxKind,
  SyncEntity,
  type OutboxEntryInput,
  type OutboxEntryResultType,
  type SyncNotificationType,
  type SyncPullInput,
  type SyncPullResultType,
  type SyncPushInput,
  type SyncPushResultType,
  type SyncReportType,
  type SyncTaskType,
  type SyncExtensionRequestType,
  type RequestExtensionEntry,
  type CreateReportEntry,
  type UpdateTaskEntry,
  type MarkNotificationReadEntry,
} from './sync.types.js';

/**
 * The protocol this server speaks, and the oldest client protocol it still accepts.
 * 2: SyncTask carries its resolution and completedAt, SyncReport its reviewer's name (fields
 * added only, so a protocol-1 client still works); a cursor made for an older protocol starts
 * the round again from the beginning, so an updated app receives the new fields for every row.
 * 3: deadline-extension requests — pulled as `extensionRequests`, pushed as REQUEST_EXTENSION
 * entries — and SyncTask's originalDueOn and onTimeDueOn.
 * 4: reference data — the resolutions, units and people the synced rows name come as rows of
 * their own (`resolutions`, `units`, `people`; the rows carry their ids), with the page that
 * names them and again whenever they are renamed, so a rename reaches the phones without
 * touching the rows that name it.
 */
export const PROTOCOL_VERSION = 4;
/** The first protocol that receives reference data. */
export const REFERENCE_PROTOCOL = 4;
export const MIN_PROTOCOL_VERSION = 1;
export const MAX_PUSH_ENTRIES = 100;
export const MAX_PULL_LIMIT = 1000;
/** Push transactions a process runs at once; pushes arriving meanwhile join the next one. */
export const PUSH_CONCURRENCY = 2;
/** Report entries one push transaction takes at most. */
const MAX_BATCH_WEIGHT = MAX_PUSH_ENTRIES * 5;

/** What applying the entries does, inside the push's transaction (`em`). */
export interface SyncHandlers {
  /** The checks of a batch of report entries; stores nothing. */
  checkReports(em: EntityManager, entries: { viewer: Viewer; entry: CreateReportEntry }[]): Promise<CheckedReport[]>;
  /** Stores checked reports set-based. */
  storeReports(em: EntityManager, ready: ReadyReport[]): Promise<StoredReport[]>;
  /** Returns the task version the edit produced; throws ConflictError on a stale base version. */
  updateTask(em: EntityManager, viewer: Viewer, entry: UpdateTaskEntry): Promise<{ version: number }>;
  markNotificationRead(em: EntityManager, viewer: Viewer, entry: MarkNotificationReadEntry): Promise<void>;
  /** Records a deadline-extension request; throws ConflictError on a stale base version. */
  requestExtension(em: EntityManager, viewer: Viewer, entry: RequestExtensionEntry): Promise<void>;
}

interface KeyRow {
  x: string;
  k: string;
  id: string;
}

type Row = Record<string, unknown>;

const iso = (d: unknown): Date | null => (d === null || d === undefined ? null : new Date(d as string));

/**
 * The server side of offline sync (docs/SYNC.md): pull pages of what changed in the account's
 * view since a cursor, and push batches of outbox entries, each applied at most once.
 */
export class SyncService {
  private readonly pushes: Coalescer<PushRequest, Answers>;

  constructor(
    private readonly handlers: SyncHandlers,
    private readonly logger?: Logger,
    options: { concurrency?: number } = {},
  ) {
    this.pushes = new Coalescer((requests) => this.applyPushes(requests), {
      concurrency: options.concurrency ?? PUSH_CONCURRENCY,
      maxWeight: MAX_BATCH_WEIGHT,
      // A push with task edits or reads goes alone, as before: an edit's conflict answer shows the
      // server's task as committed, which another push's edit in the same transaction is not yet.
      weight: (r) =>
        r.entries.every((e) => e.kind === OutboxKind.CREATE_REPORT) ? Math.max(1, r.entries.length) : MAX_BATCH_WEIGHT,
      keys: pushKeys,
    });
  }

  private versionTooOld(v: number): boolean {
    if (v > PROTOCOL_VERSION)
      throw new BadInputError('protocolVersion', `protocol ${v} is newer than this server's ${PROTOCOL_VERSION}`);
    return v < MIN_PROTOCOL_VERSION;
  }

  /**
   * One page of changes since `cursor`: tasks led by the viewer's unit (indicators and ancestor
   * titles inline), the reports its unit wrote, its notifications, and removals. Every query of
   * the page reads one snapshot.
   */
  async pull(
    em: EntityManager,
    viewer: Viewer,
    input: SyncPullInput,
    userAgent: string | null = null,
    primary: EntityManager = em,
  ): Promise<SyncPullResultType> {
    const empty = {
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
    };
    if (this.versionTooOld(input.protocolVersion)) {
      return { ...empty, updateRequired: true, cursor: input.cursor ?? '', serverTime: new Date() };
    }
    assertUuid('clientId', input.clientId);
    const limit = input.limit ?? 500;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PULL_LIMIT) {
      throw new BadInputError('limit', `limit must be between 1 and ${MAX_PULL_LIMIT}`);
    }
    const view = viewFingerprint(viewer.accountId, viewer.unitPath);
    let cursor: PullCursor | null = null;
    if (input.cursor) {
      cursor = decodeCursor(input.cursor);
      if (!cursor || cursor.view !== view) {
        return { ...empty, updateRequired: false, reset: true, cursor: '', serverTime: new Date() };
      }
      // The device's rows lack what its newer protocol understands: send the whole view again
      // (upserts; nothing is dropped, unlike a reset).
      if (cursor.protocol < input.protocolVersion) cursor = null;
    }
    const protocol = input.protocolVersion;

    const result = await em.fork().transactional(
      async (tx) => {
        const [{ xmin, now, purged }] = await tx.execute<{ xmin: string; now: Date; purged: boolean }[]>(
          `select pg_snapshot_xmin(pg_current_snapshot())::text as xmin, now() as now,
                  coalesce((select ?::xid8 <= purged_through from sync_horizon), false) as purged`,
          [cursor?.since ?? '0'],
        );
        // Removals this cursor had not seen yet may be purged: the device downloads its view again.
        if (cursor && cursor.since !== '0' && purged) return null;
        const since = cursor?.since ?? '0';
        const next = cursor?.after ? cursor.next : xmin;
        const after = cursor?.after ?? null;
        const keys = await this.changedKeys(tx, viewer, since, after, limit + 1, protocol);
        const hasMore = keys.length > limit;
        const page = keys.slice(0, limit);
        const last = page.at(-1);
        const nextCursor: PullCursor = hasMore
          ? { since, next, after: [last!.x, last!.k, last!.id], view, protocol }
          : { since: next, next, after: null, view, protocol };

        const ids = (k: string) => [...new Set(page.filter((r) => r.k === k).map((r) => r.id))];
        // One connection: the queries go one after another.
        const tasks = await this.loadTasks(tx, ids('T'), viewer.unitPath);
        const reports = await this.loadReports(tx, ids('R'));
        const notifications = await this.loadNotifications(tx, viewer, ids('N'));
        const extensionRequests = await this.loadExtensionRequests(tx, ids('E'));
        const removals = this.loadRemovals(ids('X'), ids('Y'));
        const references =
          protocol >= REFERENCE_PROTOCOL
            ? await this.loadReferences(tx, {
                // What this page's rows name (the device may not have it yet: a first pull, a task
                // just assigned), and what was renamed since the cursor among what the view names.
                resolutions: [...ids('S'), ...tasks.map((x) => x.resolution.id)],
                units: [
                  ...ids('U'),
                  ...tasks.flatMap((x) => (x.assignerUnitId ? [x.leadUnitId, x.assignerUnitId] : [x.leadUnitId])),
                ],
                people: [
                  ...ids('A'),
                  ...reports.flatMap((r) => (r.reviewedById ? [r.reviewedById] : [])),
                  ...extensionRequests.flatMap((e) => (e.decidedById ? [e.decidedById] : [])),
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
      },
      { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true },
    );
    // On the primary: a pull served by a read-only replica still records the device's visit.
    await this.touchClients(
      primary.fork(),
      [
        {
          clientId: input.clientId,
          accountId: viewer.accountId,
          protocolVersion: input.protocolVersion,
          userAgent,
          applied: 0,
          rejected: 0,
        },
      ],
      'pull',
    ).catch((error: unknown) => this.logger?.warn('sync client record failed', { clientId: input.clientId, error }));
    return result ?? { ...empty, updateRequired: false, reset: true, cursor: '', serverTime: new Date() };
  }

  /**
   * Deletes removals older than `retentionDays` and moves the horizon past them, in one
   * transaction: a cursor from before the horizon answers `reset` from then on. Returns how
   * many were purged. Safe to run from several processes.
   */
  async purgeTombstones(em: EntityManager, retentionDays: number): Promise<number> {
    const [row] = await em.getConnection().execute<{ n: number }[]>(
      `with gone as (
         delete from sync_tombstone
          where created_at < now() - make_interval(days => ?)
            -- only what every open transaction already sees: a cursor made from now on starts past it
            and change_xid < pg_snapshot_xmin(pg_current_snapshot())
          returning change_xid
       ), newest as (
         select change_xid from gone order by change_xid desc limit 1
       ), moved as (
         update sync_horizon h set purged_through = greatest(h.purged_through, n.change_xid), purged_at = now()
           from newest n returning 1
       )
       select (select count(*) from gone)::int as n`,
      [retentionDays],
    );
    return row?.n ?? 0;
  }

  /**
   * The keys (change_xid, kind, id) of everything in the view changed since `since`, after
   * `after`, in key order. An indicator's change (or deletion) is its task's change. From
   * protocol 4, and past the first round (whose pages carry what their rows name), the
   * reference rows renamed since `since` that the view names: resolutions of its tasks, its
   * unit, the reviewers of its reports and the deciders of its tasks' extension requests.
   */
  private async changedKeys(
    tx: EntityManager,
    viewer: Viewer,
    since: string,
    after: [string, string, string] | null,
    limit: number,
    protocol: number,
  ): Promise<KeyRow[]> {
    const p = viewer.unitPath;
    const parts = [
      `select t.change_xid as x, 'T' as k, t.id from task t where t.change_xid >= ?::xid8 and t.lead_unit_path = ?`,
      `select i.change_xid, 'T', i.task_id from indicator i join task t on t.id = i.task_id
         where i.change_xid >= ?::xid8 and t.lead_unit_path = ?`,
      `select r.change_xid, 'R', r.id from progress_report r where r.change_xid >= ?::xid8 and r.unit_path = ?`,
      `select s.change_xid, 'X', s.entity_id from sync_tombstone s
         where s.change_xid >= ?::xid8 and s.unit_path = ? and s.entity = 'TASK'
           and not exists (select 1 from task t where t.id = s.entity_id and t.lead_unit_path = s.unit_path)`,
      `select e.change_xid, 'E', e.id from task_extension_request e join task t on t.id = e.task_id
         where e.change_xid >= ?::xid8 and t.lead_unit_path = ?`,
      `select s.change_xid, 'T', s.entity_id from sync_tombstone s join task t on t.id = s.entity_id
         where s.change_xid >= ?::xid8 and s.entity = 'INDICATOR' and t.lead_unit_path = ?`,
    ];
    const params: unknown[] = [since, p, since, p, since, p, since, p, since, p, since, p];
    if (protocol >= REFERENCE_PROTOCOL && since !== '0') {
      // Driven by the few renamed rows (renamed_xid index), each then checked against the view.
      parts.push(
        `select r.renamed_xid, 'S', r.id from resolution r where r.renamed_xid >= ?::xid8
           and exists (select 1 from task t where t.lead_unit_path = ? and t.resolution_id = r.id)`,
        // The units a view names within its subtree: its own (every task's lead unit) and an
        // assigning unit only when inside the subtree — never a unit above it (the scope rule).
        `select u.renamed_xid, 'U', u.id from unit u where u.renamed_xid >= ?::xid8 and u.path like ?
           and (u.path = ? or exists (select 1 from task t where t.lead_unit_path = ? and t.assigner_unit_id = u.id))`,
        `select a.renamed_xid, 'A', a.id from account a where a.renamed_xid >= ?::xid8
           and (exists (select 1 from progress_report r where r.reviewed_by_id = a.id and r.unit_path = ?)
             or exists (select 1 from task_extension_request e join task t on t.id = e.task_id
                         where e.decided_by_id = a.id and t.lead_unit_path = ?))`,
      );
      params.push(since, p, since, subtreePattern(p), p, p, since, p, p);
    }
    parts.push(
      `select n.change_xid, 'N', n.id from notification n where n.change_xid >= ?::xid8 and n.account_id = ?`,
      `select s.change_xid, 'Y', s.entity_id from sync_tombstone s
         where s.change_xid >= ?::xid8 and s.account_id = ? and s.entity = 'NOTIFICATION'`,
    );
    params.push(since, viewer.accountId, since, viewer.accountId);
    let where = '';
    if (after) {
      where = `where (c.x, c.k, c.id) > (?::xid8, ?, ?::uuid)`;
      params.push(...after);
    }
    const sql = `select c.x::text as x, c.k, c.id from (${parts.join(' union ')}) c ${where} order by c.x, c.k, c.id limit ?`;
    params.push(limit);
    return tx.execute<KeyRow[]>(sql, params);
  }

  private async loadTasks(tx: EntityManager, ids: string[], viewerPath: string): Promise<SyncTaskType[]> {
    if (!ids.length) return [];
    const rows = await tx.execute<Row[]>(
      `select t.id, t.parent_id, t.title, t.description, t.responsible_person, t.expected_result, t.start_on::text as start_on,
              t.due_on::text as due_on, t.priority, t.state, t.progress, t.version, t.updated_at, t.last_report_at, t.completed_at,
              t.resolution_id, r.code as resolution_code, r.title_vi as resolution_title_vi, r.title_en as resolution_title_en,
              t.original_due_on::text as original_due_on, t.on_time_due_on::text as on_time_due_on,
              t.report_frequency, t.report_due_days, t.created_at, t.lead_unit_id, t.assigner_unit_id, t.assigner_unit_path
         from task t join resolution r on r.id = t.resolution_id where t.id = any(?::uuid[]) order by t.id`,
      [pgArray(ids)],
    );
    const indicators = await tx.execute<Row[]>(
      `select i.id, i.task_id, i.name, i.unit_of_measure, i.baseline, i.target, i.direction, i.due_on::text as due_on,
              i.current_value, i.version, i.report_frequency, i.report_due_days,
              coalesce(t.start_on, (t.created_at at time zone 'Asia/Ho_Chi_Minh')::date)::text as from_on
         from indicator i join task t on t.id = i.task_id where i.task_id = any(?::uuid[]) order by i.created_at, i.id`,
      [pgArray(ids)],
    );
    const ancestors = await tx.execute<{ task_id: string; title: string }[]>(
      `with recursive up as (
           select t.id as task_id, t.parent_id, 0 as lvl from task t where t.id = any(?::uuid[])
           union all
           select up.task_id, p.parent_id, up.lvl + 1 from up join task p on p.id = up.parent_id where up.lvl < 64
         )
         select up.task_id, p.title from up join task p on p.id = up.parent_id order by up.task_id, up.lvl desc`,
      [pgArray(ids)],
    );
    const byTask = new Map<string, SyncTaskType['indicators']>();
    for (const i of indicators) {
      const list = byTask.get(i.task_id as string) ?? [];
      list.push({
        id: i.id as string,
        name: i.name as string,
        unitOfMeasure: i.unit_of_measure as string,
        baseline: Number(i.baseline),
        target: Number(i.target),
        direction: i.direction as SyncTaskType['indicators'][number]['direction'],
        dueOn: dateOnly(i.due_on),
        currentValue: i.current_value === null ? null : Number(i.current_value),
        version: Number(i.version),
        reportSchedule: i.report_frequency
          ? {
              frequency: i.report_frequency as ReportFrequency,
              dueDays: Number(i.report_due_days),
              fromOn: dateOnly(i.from_on)!,
            }
          : null,
      });
      byTask.set(i.task_id as string, list);
    }
    const titles = new Map<string, string[]>();
    for (const a of ancestors) titles.set(a.task_id, [...(titles.get(a.task_id) ?? []), a.title]);
    return rows.map((t) => toSyncTask(t, byTask.get(t.id as string) ?? [], titles.get(t.id as string) ?? [], viewerPath));
  }

  private async loadReports(tx: EntityManager, ids: string[]): Promise<SyncReportType[]> {
    if (!ids.length) return [];
    const rows = await tx.execute<Row[]>(
      `select p.id, p.task_id, p.percent, p.narrative, p.has_obstacles, p.obstacles, p.written_at, p.received_at, p.answers_report_id,
              p.flagged_reassigned, p.state, p.reviewed_at, p.review_comment, p.approval_levels, p.approved_levels, p.period_key,
              p.reviewed_by_id, a.display_name as reviewer_name, w.kind as awaiting_unit_kind
         from progress_report p
         left join account a on a.id = p.reviewed_by_id
         left join unit w on w.id = p.awaiting_unit_id and p.state = 'SUBMITTED'
        where p.id = any(?::uuid[]) order by p.id`,
      [pgArray(ids)],
    );
    const values = await tx.execute<Row[]>(
      `select report_id, indicator_id, value, period_key from report_indicator_value where report_id = any(?::uuid[])`,
      [pgArray(ids)],
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
      id: r.id as string,
      taskId: r.task_id as string,
      percent: Number(r.percent),
      values: byReport.get(r.id as string) ?? [],
      narrative: (r.narrative as string | null) ?? null,
      hasObstacles: Boolean(r.has_obstacles),
      obstacles: (r.obstacles as string | null) ?? null,
      writtenAt: iso(r.written_at)!,
      receivedAt: iso(r.received_at)!,
      answersReportId: (r.answers_report_id as string | null) ?? null,
      periodKey: (r.period_key as string | null) ?? null,
      flaggedReassigned: Boolean(r.flagged_reassigned),
      state: r.state as SyncReportType['state'],
      reviewedAt: iso(r.reviewed_at),
      reviewComment: (r.review_comment as string | null) ?? null,
      reviewerName: (r.reviewer_name as string | null) ?? null,
      reviewedById: (r.reviewed_by_id as string | null) ?? null,
      approvalLevels: Number(r.approval_levels ?? 1),
      approvedLevels: Number(r.approved_levels ?? 0),
      awaitingUnitKind: (r.awaiting_unit_kind as string | null) ?? null,
    }));
  }

  private async loadNotifications(tx: EntityManager, viewer: Viewer, ids: string[]): Promise<SyncNotificationType[]> {
    if (!ids.length) return [];
    const rows = await tx.execute<Row[]>(
      `select id, kind, message, task_id, report_id, created_at, read_at from notification
        where id = any(?::uuid[]) and account_id = ? order by created_at, id`,
      [pgArray(ids), viewer.accountId],
    );
    return rows.map((n) => ({
      id: n.id as string,
      kind: n.kind as string,
      message: n.message as string,
      taskId: (n.task_id as string | null) ?? null,
      reportId: (n.report_id as string | null) ?? null,
      createdAt: iso(n.created_at)!,
      readAt: iso(n.read_at),
    }));
  }

  private async loadExtensionRequests(tx: EntityManager, ids: string[]): Promise<SyncExtensionRequestType[]> {
    if (!ids.length) return [];
    const rows = await tx.execute<Row[]>(
      `select e.*, a.display_name as decided_by_name from task_extension_request e
         left join account a on a.id = e.decided_by_id where e.id = any(?::uuid[]) order by e.requested_at, e.id`,
      [pgArray(ids)],
    );
    return rows.map((e) => ({
      id: e.id as string,
      taskId: e.task_id as string,
      previousDueOn: dateOnly(e.previous_due_on),
      requestedDueOn: dateOnly(e.requested_due_on)!,
      reason: e.reason as string,
      writtenAt: iso(e.written_at)!,
      requestedAt: iso(e.requested_at)!,
      state: e.state as SyncExtensionRequestType['state'],
      decidedAt: iso(e.decided_at),
      decisionComment: (e.decision_comment as string | null) ?? null,
      decidedByName: (e.decided_by_name as string | null) ?? null,
      decidedById: (e.decided_by_id as string | null) ?? null,
    }));
  }

  /** The reference rows of the given ids, as the page's snapshot holds them (ids from the view only). */
  private async loadReferences(
    tx: EntityManager,
    ids: { resolutions: string[]; units: string[]; people: string[] },
  ): Promise<Pick<SyncPullResultType, 'resolutions' | 'units' | 'people'>> {
    const unique = (xs: string[]) => pgArray([...new Set(xs)]);
    const resolutions = ids.resolutions.length
      ? await tx.execute<Row[]>(`select id, code, title_vi, title_en from resolution where id = any(?::uuid[]) order by id`, [
          unique(ids.resolutions),
        ])
      : [];
    const units = ids.units.length
      ? await tx.execute<Row[]>(`select id, name, kind from unit where id = any(?::uuid[]) order by id`, [unique(ids.units)])
      : [];
    const people = ids.people.length
      ? await tx.execute<Row[]>(`select id, display_name from account where id = any(?::uuid[]) order by id`, [
          unique(ids.people),
        ])
      : [];
    return {
      resolutions: resolutions.map((r) => ({
        id: r.id as string,
        code: r.code as string,
        titleVi: r.title_vi as string,
        titleEn: r.title_en as string,
      })),
      units: units.map((u) => ({ id: u.id as string, name: u.name as string, kind: u.kind as string })),
      people: people.map((a) => ({ id: a.id as string, displayName: a.display_name as string })),
    };
  }

  private loadRemovals(tasks: string[], notifications: string[]): { entity: SyncEntity; id: string }[] {
    return [
      ...tasks.map((id) => ({ entity: SyncEntity.TASK, id })),
      ...notifications.map((id) => ({ entity: SyncEntity.NOTIFICATION, id })),
    ];
  }

  /** The server's current copy of a task the viewer may still see, for a CONFLICT answer. */
  async syncTask(em: EntityManager, id: string, viewerPath: string): Promise<SyncTaskType | null> {
    const [task] = await this.loadTasks(em.fork(), [id], viewerPath);
    return task ?? null;
  }

  // ---- push ------------------------------------------------------------------------------------

  /**
   * Applies a batch of outbox entries, each at most once, and answers per entry. Concurrent
   * pushes are applied together in one transaction (see `Coalescer`): reports go in set-based (a
   * fixed number of statements whatever their number, and one commit for all the pushes); task
   * edits and notification reads each run in a savepoint, so a refused entry never stops the
   * ones behind it. Should a transaction fail as a whole, each push is tried again on its own,
   * and then each of its entries.
   */
  async push(
    em: EntityManager,
    viewer: Viewer,
    input: SyncPushInput,
    userAgent: string | null = null,
  ): Promise<SyncPushResultType> {
    if (this.versionTooOld(input.protocolVersion)) return { updateRequired: true, results: [] };
    assertUuid('clientId', input.clientId);
    if (input.entries.length > MAX_PUSH_ENTRIES) {
      throw new BadInputError('entries', `at most ${MAX_PUSH_ENTRIES} entries per push`);
    }
    const skewMs = clockSkew(input.clientTime ?? null, new Date());
    const refused = new Map<OutboxEntryInput, OutboxEntryResultType>();
    const seen = new Set<string>();
    const valid: OutboxEntryInput[] = [];
    for (const entry of input.entries) {
      const problem = shapeProblem(entry, seen);
      if (problem) refused.set(entry, problem);
      else valid.push(entry);
    }
    const client: ClientTouch = {
      clientId: input.clientId,
      accountId: viewer.accountId,
      protocolVersion: input.protocolVersion,
      userAgent,
      applied: 0,
      rejected: refused.size,
    };
    const answers = await this.pushes.submit({ em, viewer, clientId: input.clientId, entries: valid, skewMs, client });
    return { updateRequired: false, results: input.entries.map((e) => refused.get(e) ?? answers.get(e)!) };
  }

  /** Pushes applied together: one transaction, or each on its own should it fail. */
  private async applyPushes(requests: PushRequest[]): Promise<PromiseSettledResult<Answers>[]> {
    try {
      const answers = await requests[0]!.em.fork().transactional(async (tx) => {
        const answers = await this.applyBatch(tx, requests);
        await this.touchClients(
          tx,
          requests.map((r, i) => counted(r.client, answers[i]!)),
          'push',
        );
        return answers;
      });
      return answers.map((value) => ({ status: 'fulfilled', value }));
    } catch (error) {
      this.logger?.warn('sync batch failed; applying its pushes one by one', { error, pushes: requests.length });
      const out: PromiseSettledResult<Answers>[] = [];
      for (const r of requests) {
        out.push(
          await this.applyAlone(r, requests.length > 1).then(
            (value) => ({ status: 'fulfilled' as const, value }),
            (reason: unknown) => ({ status: 'rejected' as const, reason }),
          ),
        );
      }
      return out;
    }
  }

  /** One push in its own transaction (when `whole`), else, or should that fail, entry by entry. */
  private async applyAlone(r: PushRequest, whole: boolean): Promise<Answers> {
    let answers: Answers | null = null;
    if (whole) {
      answers = await r.em
        .fork()
        .transactional(async (tx) => (await this.applyBatch(tx, [r]))[0]!)
        .catch((error: unknown) => {
          this.logger?.warn('sync push failed; applying its entries one by one', { error });
          return null;
        });
    }
    if (!answers) {
      answers = new Map();
      for (const entry of r.entries)
        answers.set(
          entry,
          await r.em
            .fork()
            .transactional(async (tx) => (await this.applyBatch(tx, [{ ...r, entries: [entry] }]))[0]!.get(entry)!)
            .catch((e: unknown) => this.failure(r.em, r.viewer, entry, e)),
        );
    }
    await this.touchClients(r.em.fork(), [counted(r.client, answers)], 'push').catch((error: unknown) =>
      this.logger?.warn('sync client record failed', { clientId: r.clientId, error }),
    );
    return answers;
  }

  private async applyBatch(tx: EntityManager, requests: PushRequest[]): Promise<Answers[]> {
    const results = new Map<OutboxEntryInput, OutboxEntryResultType>();
    const reports = requests.flatMap((r) =>
      r.entries.filter((e) => e.kind === OutboxKind.CREATE_REPORT).map((entry) => ({ r, entry })),
    );
    const checked = await this.handlers.checkReports(
      tx,
      reports.map(({ r, entry }) => ({
        viewer: r.viewer,
        entry: { ...entry.createReport!, writtenAt: deviceTime(entry.createReport!.writtenAt, r.skewMs) },
      })),
    );
    // Refused report entries are answered and not recorded: the device may send them again.
    const accepted: { r: PushRequest; entry: OutboxEntryInput; c: CheckedReport }[] = [];
    reports.forEach(({ r, entry }, i) => {
      const c = checked[i]!;
      if (c.error) results.set(entry, this.refusal(entry, c.error));
      else accepted.push({ r, entry, c });
    });
    const fresh = await this.recordApplied(tx, accepted);
    for (const { r, entry } of accepted) if (!fresh.has(entry.id)) results.set(entry, await this.replay(tx, r.viewer, entry));
    const toStore = accepted.filter((a) => fresh.has(a.entry.id));
    const ready = toStore.filter((a) => a.c.ready).map((a) => a.c.ready!);
    const stored = await this.handlers.storeReports(tx, ready);
    const storedById = new Map(ready.map((r, i) => [r.input.id, stored[i]!]));
    const undo: string[] = [];
    for (const { entry } of toStore) {
      const s = storedById.get(entry.createReport!.reportId);
      if (s?.error) {
        results.set(entry, this.refusal(entry, s.error));
        undo.push(entry.id);
      } else results.set(entry, result(entry.id, OutboxEntryStatus.APPLIED));
    }
    if (undo.length) await tx.execute(`delete from sync_applied_entry where id = any(?::uuid[])`, [pgArray(undo)]);

    for (const r of requests)
      for (const entry of r.entries) {
        if (entry.kind === OutboxKind.CREATE_REPORT) continue;
        try {
          results.set(
            entry,
            await tx.transactional((sp) => this.applyOne(sp, r, entry), { propagation: TransactionPropagation.NESTED }),
          );
        } catch (error) {
          results.set(entry, await this.failure(tx, r.viewer, entry, error));
        }
      }
    return requests.map((r) => new Map(r.entries.map((e) => [e, results.get(e)!])));
  }

  /** Records the entries as applied; returns the ids recorded now (the others were already). */
  private async recordApplied(tx: EntityManager, entries: { r: PushRequest; entry: OutboxEntryInput }[]): Promise<Set<string>> {
    if (!entries.length) return new Set();
    // In id order, so two pushes sharing entries take the key locks in the same order. The
    // primary key serialises two attempts at one entry: the second waits for the first to
    // commit (then finds it) or roll back (then records it).
    const rows = await tx.execute<{ id: string }[]>(
      `insert into sync_applied_entry (id, account_id, client_id, kind, result)
       select id, account_id, client_id, kind, '{}'::jsonb
         from unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::varchar[]) as e(id, account_id, client_id, kind) order by id
       on conflict (id) do nothing returning id`,
      [
        pgArray(entries.map((e) => e.entry.id)),
        pgArray(entries.map((e) => e.r.viewer.accountId)),
        pgArray(entries.map((e) => e.r.clientId)),
        pgArray(entries.map((e) => e.entry.kind)),
      ],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** The answer to an entry whose id was recorded before: its own replay, or someone else's id. */
  private async replay(tx: EntityManager, viewer: Viewer, entry: OutboxEntryInput): Promise<OutboxEntryResultType> {
    const [prior] = await tx.execute<{ account_id: string; result: { version?: number | null } }[]>(
      `select account_id, result from sync_applied_entry where id = ?`,
      [entry.id],
    );
    if (!prior || prior.account_id !== viewer.accountId) {
      return result(entry.id, OutboxEntryStatus.REJECTED, {
        code: ErrorCode.BAD_USER_INPUT,
        field: 'id',
        reason: 'this entry id is already used',
      });
    }
    return result(entry.id, OutboxEntryStatus.ALREADY_APPLIED, { version: prior.result?.version ?? null });
  }

  /** A task edit, a notification read or an extension request, in its own savepoint. */
  private async applyOne(tx: EntityManager, r: PushRequest, entry: OutboxEntryInput): Promise<OutboxEntryResultType> {
    const { viewer } = r;
    const fresh = await this.recordApplied(tx, [{ r, entry }]);
    if (!fresh.has(entry.id)) return this.replay(tx, viewer, entry);
    let version: number | null = null;
    if (entry.kind === OutboxKind.UPDATE_TASK) version = (await this.handlers.updateTask(tx, viewer, entry.updateTask!)).version;
    else if (entry.kind === OutboxKind.REQUEST_EXTENSION)
      await this.handlers.requestExtension(tx, viewer, {
        ...entry.requestExtension!,
        writtenAt: deviceTime(entry.requestExtension!.writtenAt, r.skewMs),
      });
    else await this.handlers.markNotificationRead(tx, viewer, entry.markNotificationRead!);
    await tx.flush();
    // A replay answers the version an edit produced; '{}' says there is none.
    if (version !== null)
      await tx.execute(`update sync_applied_entry set result = ?::jsonb where id = ?`, [JSON.stringify({ version }), entry.id]);
    return result(entry.id, OutboxEntryStatus.APPLIED, { version });
  }

  private refusal(entry: OutboxEntryInput, error: AppError): OutboxEntryResultType {
    const field = typeof error.extensions.field === 'string' ? error.extensions.field : null;
    const code = error instanceof ConflictError ? ErrorCode.CONFLICT : error.code;
    return result(entry.id, OutboxEntryStatus.REJECTED, { code, field, reason: error.message });
  }

  private async failure(
    em: EntityManager,
    viewer: Viewer,
    entry: OutboxEntryInput,
    error: unknown,
  ): Promise<OutboxEntryResultType> {
    if (error instanceof ConflictError || error instanceof OptimisticLockError) {
      // A request made on a stale copy of the task is a conflict exactly as an edit is.
      const taskId = entry.updateTask?.taskId ?? entry.requestExtension?.taskId;
      if ((entry.kind === OutboxKind.UPDATE_TASK || entry.kind === OutboxKind.REQUEST_EXTENSION) && taskId) {
        const serverTask = await this.syncTask(em, taskId, viewer.unitPath);
        if (serverTask) {
          return result(entry.id, OutboxEntryStatus.CONFLICT, {
            code: ErrorCode.CONFLICT,
            reason: 'The task was changed by someone else first',
            serverTask,
          });
        }
      }
      const e = error instanceof AppError ? error : null;
      return result(entry.id, OutboxEntryStatus.REJECTED, { code: ErrorCode.CONFLICT, reason: e?.message ?? 'conflict' });
    }
    if (error instanceof AppError) {
      const field = typeof error.extensions.field === 'string' ? error.extensions.field : null;
      return result(entry.id, OutboxEntryStatus.REJECTED, { code: error.code, field, reason: error.message });
    }
    if (
      error instanceof CheckConstraintViolationException ||
      error instanceof ForeignKeyConstraintViolationException ||
      error instanceof NotNullConstraintViolationException
    ) {
      return result(entry.id, OutboxEntryStatus.REJECTED, {
        code: ErrorCode.BAD_USER_INPUT,
        reason: 'The entry breaks a rule of the data',
      });
    }
    // Anything else (database down, a bug) may pass on a later try: the client keeps the entry.
    this.logger?.error('sync entry failed', { entryId: entry.id, kind: entry.kind, error });
    return result(entry.id, OutboxEntryStatus.RETRY_LATER, {
      code: ErrorCode.INTERNAL_SERVER_ERROR,
      reason: 'Could not apply it now; it will be sent again',
    });
  }

  /** Records when each device last pulled or pushed, and what its pushes did (in client order). */
  private async touchClients(em: EntityManager, clients: ClientTouch[], what: 'pull' | 'push'): Promise<void> {
    const column = what === 'pull' ? 'last_pull_at' : 'last_push_at';
    const byKey = new Map<string, ClientTouch>();
    for (const c of clients) {
      const key = `${c.clientId}/${c.accountId}`;
      const prior = byKey.get(key);
      byKey.set(
        key,
        prior
          ? {
              ...c,
              applied: prior.applied + c.applied,
              rejected: prior.rejected + c.rejected,
              userAgent: c.userAgent ?? prior.userAgent,
            }
          : c,
      );
    }
    const rows = [...byKey.values()].sort((a, b) =>
      a.clientId === b.clientId ? (a.accountId < b.accountId ? -1 : 1) : a.clientId < b.clientId ? -1 : 1,
    );
    await em.execute(
      `insert into sync_client (client_id, account_id, protocol_version, ${column}, pushed_entries, rejected_entries, user_agent)
       select client_id, account_id, protocol_version, now(), applied, rejected, user_agent
         from jsonb_to_recordset(?::jsonb) as c(client_id uuid, account_id uuid, protocol_version int, applied int,
              rejected int, user_agent varchar)
       on conflict (client_id, account_id) do update set
         protocol_version = excluded.protocol_version, ${column} = now(),
         pushed_entries = sync_client.pushed_entries + excluded.pushed_entries,
         rejected_entries = sync_client.rejected_entries + excluded.rejected_entries,
         user_agent = coalesce(excluded.user_agent, sync_client.user_agent)`,
      [
        JSON.stringify(
          rows.map((c) => ({
            client_id: c.clientId,
            account_id: c.accountId,
            protocol_version: c.protocolVersion,
            applied: c.applied,
            rejected: c.rejected,
            user_agent: c.userAgent?.slice(0, 255) ?? null,
          })),
        ),
      ],
    );
  }
}

/** A device's sync_client row to touch: who, and what its push did. */
interface ClientTouch {
  clientId: string;
  accountId: string;
  protocolVersion: number;
  userAgent: string | null;
  applied: number;
  rejected: number;
}

/** One push request's valid entries, waiting to be applied with the pushes around it. */
interface PushRequest {
  em: EntityManager;
  viewer: Viewer;
  clientId: string;
  entries: OutboxEntryInput[];
  skewMs: number;
  client: ClientTouch;
}

type Answers = Map<OutboxEntryInput, OutboxEntryResultType>;

/** The push's touch with its answers counted in. */
function counted(client: ClientTouch, answers: Answers): ClientTouch {
  let applied = 0;
  let rejected = client.rejected;
  for (const a of answers.values()) {
    if (a.status === OutboxEntryStatus.APPLIED) applied++;
    else if (a.status === OutboxEntryStatus.REJECTED) rejected++;
  }
  return { ...client, applied, rejected };
}

/** What two pushes must not share to be applied in one transaction: entry and report ids. */
function pushKeys(r: PushRequest): string[] {
  return r.entries.flatMap((e) => (e.createReport ? [e.id, `r:${e.createReport.reportId}`] : [e.id]));
}

const SKEW_TOLERANCE_MS = 2 * 60_000;

/** How far the device clock is ahead of the server's (ms); 0 when unknown or within tolerance. */
export function clockSkew(clientTime: Date | null, serverNow: Date): number {
  if (!clientTime || Number.isNaN(clientTime.getTime())) return 0;
  const skew = clientTime.getTime() - serverNow.getTime();
  return Math.abs(skew) <= SKEW_TOLERANCE_MS ? 0 : skew;
}

/**
 * A device time in server time: shifted by the clock offset measured at push, and never later
 * than now (a report cannot have been written after it arrived).
 */
export function deviceTime(at: Date, skewMs: number, now = new Date()): Date {
  const t = new Date(new Date(at).getTime() - skewMs);
  return t.getTime() > now.getTime() ? now : t;
}

/** A uuid[] literal: knex would spread a JS array into a list. Ids come from our own rows. */
function pgArray(ids: string[]): string {
  return `{${ids.join(',')}}`;
}

function result(
  id: string,
  status: OutboxEntryStatus,
  extra: Partial<Omit<OutboxEntryResultType, 'id' | 'status'>> = {},
): OutboxEntryResultType {
  return { id, status, code: null, field: null, reason: null, version: null, serverTask: null, ...extra };
}

/** An entry refused before anything is read: a bad id, a repeated id, or the wrong payload. */
function shapeProblem(entry: OutboxEntryInput, seen: Set<string>): OutboxEntryResultType | null {
  try {
    assertUuid('id', entry.id);
  } catch (error) {
    const e = error as AppError;
    return result(entry.id, OutboxEntryStatus.REJECTED, { code: e.code, field: 'id', reason: e.message });
  }
  if (seen.has(entry.id))
    return result(entry.id, OutboxEntryStatus.REJECTED, {
      code: ErrorCode.BAD_USER_INPUT,
      field: 'id',
      reason: 'entry sent twice in one batch',
    });
  seen.add(entry.id);
  const payload = checkPayload(entry);
  if (payload)
    return result(entry.id, OutboxEntryStatus.REJECTED, {
      code: ErrorCode.BAD_USER_INPUT,
      field: payload,
      reason: `${entry.kind} needs exactly its own payload`,
    });
  return null;
}

function checkPayload(e: OutboxEntryInput): string | null {
  const present = {
    [OutboxKind.CREATE_REPORT]: !!e.createReport,
    [OutboxKind.UPDATE_TASK]: !!e.updateTask,
    [OutboxKind.MARK_NOTIFICATION_READ]: !!e.markNotificationRead,
    [OutboxKind.REQUEST_EXTENSION]: !!e.requestExtension,
  };
  const field = {
    CREATE_REPORT: 'createReport',
    UPDATE_TASK: 'updateTask',
    MARK_NOTIFICATION_READ: 'markNotificationRead',
    REQUEST_EXTENSION: 'requestExtension',
  } as const;
  if (!present[e.kind]) return field[e.kind];
  for (const k of Object.values(OutboxKind)) if (k !== e.kind && present[k]) return field[k];
  return null;
}

function dateOnly(d: unknown): string | null {
  if (d === null || d === undefined) return null;
  if (typeof d === 'string') return d.slice(0, 10);
  const x = d as Date;
  return `${x.getFullYear()}-${String(x.getMonth() + 1).padStart(2, '0')}-${String(x.getDate()).padStart(2, '0')}`;
}

function toSyncTask(t: Row, indicators: SyncTaskType['indicators'], ancestorTitles: string[], viewerPath: string): SyncTaskType {
  return {
    id: t.id as string,
    parentId: (t.parent_id as string | null) ?? null,
    title: t.title as string,
    description: (t.description as string | null) ?? null,
    responsiblePerson: (t.responsible_person as string | null) ?? null,
    expectedResult: (t.expected_result as string | null) ?? null,
    startOn: dateOnly(t.start_on),
    dueOn: dateOnly(t.due_on),
    priority: t.priority as SyncTaskType['priority'],
    state: t.state as string,
    progress: Number(t.progress),
    version: Number(t.version),
    updatedAt: iso(t.updated_at)!,
    lastReportAt: iso(t.last_report_at),
    completedAt: iso(t.completed_at),
    originalDueOn: dateOnly(t.original_due_on),
    onTimeDueOn: dateOnly(t.on_time_due_on),
    resolution: {
      id: t.resolution_id as string,
      code: t.resolution_code as string,
      titleVi: t.resolution_title_vi as string,
      titleEn: t.resolution_title_en as string,
    },
    leadUnitId: t.lead_unit_id as string,
    // As online (TaskType.assignerUnit): a unit above the viewer's is not named, not even by id.
    assignerUnitId: isWithin(t.assigner_unit_path as string, viewerPath) ? (t.assigner_unit_id as string) : null,
    ancestorTitles,
    indicators,
    reportSchedule: t.report_frequency
      ? {
          frequency: t.report_frequency as ReportFrequency,
          dueDays: Number(t.report_due_days),
          fromOn: dateOnly(t.start_on) ?? localDay(new Date(t.created_at as string)),
        }
      : null,
  };
}
