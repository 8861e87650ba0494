import { LockMode, TransactionPropagation } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError, type AppError } from '../../common/errors.js';
import { decodeCursor, toConnection, type Connection, type PageArgs } from '../../common/pagination.js';
import { Account } from '../accounts/account.entity.js';
import { Role } from '../accounts/role.js';
import { actorOf, chainKeyFor, type AuditService } from '../audit/audit.service.js';
import { Unit } from '../organisations/unit.entity.js';
import { subtreePattern } from '../organisations/unit-path.js';
import { isWithin } from '../organisations/unit-path.js';
import {
  assertReviewer,
  canReportOn,
  canReviewAtLevel,
  canSeeTask,
  canSeeUnit,
  reportScope,
  reviewableReportSql,
} from '../scope/scope.js';
import { hasRole, type Viewer } from '../scope/viewer.js';
import { Task } from '../tasks/task.entity.js';
import { TaskState } from '../tasks/task.enums.js';
import { assertUuid } from '../../common/ids.js';
import { localDay } from '../../common/dates.js';
import { indicatorPeriodKey, periodOfKey, resolvePeriodKey, type ReportFrequency } from '../tasks/report-schedule.js';
import { ProgressReport } from './progress-report.entity.js';
import { ReportState } from './report.enums.js';
import { COMMENT_MAX, FUTURE_SKEW_MS, NARRATIVE_MAX, OBSTACLES_MAX, type SubmitReportInput } from './report.inputs.js';
import { reportColumns, toReportRow, type ReportRow } from './report.row.js';

interface SubmitCheckRow {
  idx: number;
  id: string | null;
  title: string;
  state: TaskState;
  lead_unit_path: string;
  assigner_unit_path: string;
  replay: boolean;
  indicators: number;
  answered_state: ReportState | null;
  answered_task_id: string | null;
  start_on: string | null;
  due_on: string | null;
  created_at: Date;
  report_frequency: ReportFrequency | null;
  report_due_days: number | null;
  /** The task's indicators given a value here that carry their own schedule. */
  scheduled_indicators: { id: string; frequency: ReportFrequency; dueDays: number; dueOn: string | null }[];
}

type CleanSubmission = ReturnType<typeof validateSubmission>;

/** One input of a batch after its checks; exactly one of error, existing and ready is set. */
export interface CheckedReport {
  viewer: Viewer;
  input: SubmitReportInput;
  clean?: CleanSubmission;
  error?: AppError;
  existing?: ProgressReport;
  ready?: ReadyReport;
}

export interface ReadyReport {
  viewer: Viewer;
  input: SubmitReportInput;
  clean: CleanSubmission;
  flaggedReassigned: boolean;
  /** The reporting period, resolved against the task's schedule (tasks/report-schedule.ts). */
  periodKey: string | null;
  /** Per value (as `clean.values`), the period of the indicator's own schedule it counts for; null for none. */
  valuePeriodKeys: (string | null)[];
}

export interface StoredReport {
  report?: ProgressReport;
  created: boolean;
  error?: AppError;
}

function checkText(field: string, value: string | null | undefined, max: number): string | null {
  if (value === undefined || value === null) return null;
  if (value.length > max) throw new BadInputError(field, `${field} is longer than ${max} characters`);
  return value.trim() ? value : null;
}

/** Shape checks that need no database: they fail before anything is read or written. */
function validateSubmission(input: SubmitReportInput, now: Date) {
  assertUuid('id', input.id);
  assertUuid('taskId', input.taskId);
  if (input.answersReportId) assertUuid('answersReportId', input.answersReportId);
  if (typeof input.percent !== 'number' || !Number.isFinite(input.percent) || input.percent < 0 || input.percent > 100)
    throw new BadInputError('percent', 'percent must be between 0 and 100');
  const narrative = checkText('narrative', input.narrative, NARRATIVE_MAX);
  const obstacles = checkText('obstacles', input.obstacles, OBSTACLES_MAX);
  if (input.hasObstacles && !obstacles) throw new BadInputError('obstacles', 'Describe the obstacles');
  const writtenAt = input.writtenAt instanceof Date ? input.writtenAt : new Date(input.writtenAt as unknown as string);
  if (Number.isNaN(writtenAt.getTime())) throw new BadInputError('writtenAt', 'writtenAt is not a valid time');
  if (writtenAt.getTime() > now.getTime() + FUTURE_SKEW_MS)
    throw new BadInputError('writtenAt', 'writtenAt is in the future; check the device clock');
  if (writtenAt.getTime() < Date.UTC(2000, 0, 1)) throw new BadInputError('writtenAt', 'writtenAt is too far in the past');
  const values = input.values ?? [];
  if (values.length > 200) throw new BadInputError('values', 'Too many indicator values');
  const seen = new Set<string>();
  for (const v of values) {
    assertUuid('values', v.indicatorId);
    if (seen.has(v.indicatorId)) throw new BadInputError('values', 'An indicator is given twice');
    seen.add(v.indicatorId);
    if (typeof v.value !== 'number' || !Number.isFinite(v.value))
      throw new BadInputError('values', 'An indicator value is not a number');
  }
  return { narrative, obstacles: input.hasObstacles ? obstacles : null, writtenAt, values };
}

export class ReportService {
  constructor(private readonly audit: AuditService) {}

  /** A report the viewer may read; NOT_FOUND for a missing and a forbidden id alike. */
  async get(em: EntityManager, viewer: Viewer, id: string): Promise<ProgressReport> {
    assertUuid('id', id);
    const report = await em.findOne(ProgressReport, { $and: [{ id }, reportScope(viewer)] });
    if (!report) throw new NotFoundError('ProgressReport', id);
    return report;
  }

  /** Reports of a task the caller has already shown to be visible, newest first. */
  async listForTask(em: EntityManager, taskId: string, page: PageArgs): Promise<Connection<ReportRow>> {
    const keyset: string[] = [];
    const params: unknown[] = [taskId];
    if (page.after) {
      const [received, id] = decodeCursor(page.after, 2) as [unknown, unknown];
      if (typeof received !== 'string' || Number.isNaN(Date.parse(received)) || typeof id !== 'string')
        throw new BadInputError('after', 'The cursor is not one this server issued');
      assertUuid('after', id);
      keyset.push('(r.received_at, r.id) < (?::timestamptz, ?::uuid)');
      params.push(received, id);
    }
    const conn = em.getConnection();
    // Plain rows, and the cursor keeps received_at to the microsecond: a Date's millisecond
    // would skip a report received in the same millisecond as the last one of the page.
    const [rows, [{ n }]] = await Promise.all([
      conn.execute<Record<string, unknown>[]>(
        `select ${reportColumns('r')}, to_char(r.received_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as received_key
         from progress_report r where ${['r.task_id = ?', ...keyset].join(' and ')}
         order by r.received_at desc, r.id desc limit ?`,
        [...params, page.first + 1],
      ),
      conn.execute<{ n: string }[]>(`select count(*) as n from progress_report where task_id = ?`, [taskId]),
    ]);
    const keys = new Map<string, string>();
    const reports = rows.map(({ received_key, ...row }) => {
      keys.set(row.id as string, received_key as string);
      return toReportRow(row);
    });
    return toConnection(reports, page.first, Number(n), (r) => [keys.get(r.id), r.id]);
  }

  /**
   * Reports waiting for the viewer's review, oldest received first: SUBMITTED reports of units
   * strictly below the viewer's, within `unitId`'s subtree (the viewer's own by default) and of
   * one resolution when given. Leaders only; a unit or resolution it cannot see is NOT_FOUND.
   */
  async reviewQueue(
    em: EntityManager,
    viewer: Viewer,
    args: { unitId: string | null; resolutionId: string | null },
    page: PageArgs,
  ): Promise<Connection<ReportRow>> {
    assertReviewer(viewer);
    const where = [`r.state = 'SUBMITTED'`];
    const params: unknown[] = [];
    const scope = reviewableReportSql(viewer, 'r');
    where.push(scope.sql);
    params.push(...scope.params);
    if (args.unitId) {
      assertUuid('unitId', args.unitId);
      const [unit] = await em.getConnection().execute<{ path: string }[]>('select path from unit where id = ?', [args.unitId]);
      if (!unit || !canSeeUnit(viewer, unit.path)) throw new NotFoundError('Unit', args.unitId);
      where.push('r.unit_path like ?');
      params.push(subtreePattern(unit.path));
    }
    if (args.resolutionId) {
      assertUuid('resolutionId', args.resolutionId);
      const [found] = await em.getConnection().execute('select 1 from resolution where id = ?', [args.resolutionId]);
      if (!found) throw new NotFoundError('Resolution', args.resolutionId);
      where.push('exists (select 1 from task t where t.id = r.task_id and t.resolution_id = ?)');
      params.push(args.resolutionId);
    }
    const base = where.join(' and ');
    const keyset: string[] = [];
    const keyParams: unknown[] = [];
    if (page.after) {
      const [received, id] = decodeCursor(page.after, 2) as [string, string];
      keyset.push('(r.received_at, r.id) > (?::timestamptz, ?::uuid)');
      keyParams.push(received, id);
    }
    const conn = em.getConnection();
    const [rows, [{ n }]] = await Promise.all([
      conn.execute<Record<string, unknown>[]>(
        // The cursor keeps received_at to the microsecond: a JavaScript Date would round it to
        // the millisecond and the next page would repeat the row.
        `select ${reportColumns('r')}, to_char(r.received_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as received_key
         from progress_report r where ${[base, ...keyset].join(' and ')}
         order by r.received_at asc, r.id asc limit ?`,
        [...params, ...keyParams, page.first + 1],
      ),
      conn.execute<{ n: string }[]>(`select count(*) as n from progress_report r where ${base}`, params),
    ]);
    const keys = new Map<string, string>();
    const reports = rows.map(({ received_key, ...row }) => {
      keys.set(row.id as string, received_key as string);
      return toReportRow(row);
    });
    return toConnection(reports, page.first, Number(n), (r) => [keys.get(r.id), r.id]);
  }

  /**
   * Stores a report written by the lead unit of a task, once per device-made id: the same id
   * again returns the original with `created: false` and stores nothing, even when two
   * transactions race. A report written while the reporter's unit led the task, which has been
   * reassigned since, is kept and flagged. Invalid input stores nothing.
   */
  async submit(
    em: EntityManager,
    viewer: Viewer,
    input: SubmitReportInput,
  ): Promise<{ report: ProgressReport; created: boolean }> {
    // Inside a caller's transaction this joins it rather than adding a savepoint.
    return em.transactional(
      async (tx) => {
        const [checked] = await this.check(tx, [{ viewer, input }]);
        if (checked!.error) throw checked!.error;
        if (checked!.existing) return { report: checked!.existing, created: false };
        const [stored] = await this.store(tx, [checked!.ready!]);
        if (stored!.error) throw stored!.error;
        return { report: stored!.report!, created: stored!.created };
      },
      { propagation: TransactionPropagation.REQUIRED },
    );
  }

  /**
   * The checks of a batch of reports, each by its own viewer, in two statements whatever its
   * size: each input comes back refused (`error`), already stored (`existing`, answered to
   * whoever could have sent it) or `ready` to store. Stores nothing.
   */
  async check(tx: EntityManager, inputs: { viewer: Viewer; input: SubmitReportInput }[]): Promise<CheckedReport[]> {
    const now = new Date();
    const out: CheckedReport[] = inputs.map(({ viewer, input }) => {
      try {
        return { viewer, input, clean: validateSubmission(input, now) };
      } catch (error) {
        return { viewer, input, error: error as AppError };
      }
    });
    const valid = out.filter((c) => !c.error);
    if (!valid.length) return out;
    const found = await tx.execute<SubmitCheckRow[]>(
      `select e.idx, t.id, t.title, t.state, t.lead_unit_path, t.assigner_unit_path,
              to_char(t.start_on, 'YYYY-MM-DD') as start_on, to_char(t.due_on, 'YYYY-MM-DD') as due_on, t.created_at,
              t.report_frequency, t.report_due_days,
              (p.id is not null) as replay,
              (select count(*) from indicator i where i.task_id = t.id and i.id = any(e.indicator_ids))::int as indicators,
              (select coalesce(jsonb_agg(jsonb_build_object('id', i.id, 'frequency', i.report_frequency, 'dueDays', i.report_due_days,
                                                           'dueOn', to_char(i.due_on, 'YYYY-MM-DD'))), '[]'::jsonb)
                 from indicator i where i.task_id = t.id and i.id = any(e.indicator_ids) and i.report_frequency is not null)
                as scheduled_indicators,
              a.state as answered_state, a.task_id as answered_task_id
         from jsonb_to_recordset(?::jsonb) as e(idx int, id uuid, task_id uuid, indicator_ids uuid[], answers uuid)
         left join task t on t.id = e.task_id
         left join progress_report p on p.id = e.id
         left join progress_report a on a.id = e.answers`,
      [
        JSON.stringify(
          valid.map((c, idx) => ({
            idx,
            id: c.input.id,
            task_id: c.input.taskId,
            indicator_ids: c.clean!.values.map((v) => v.indicatorId),
            answers: c.input.answersReportId ?? null,
          })),
        ),
      ],
    );
    const replays = found.filter((f) => f.replay).map((f) => valid[f.idx]!.input.id);
    const existing = replays.length ? await tx.find(ProgressReport, { id: { $in: replays } }) : [];
    const byId = new Map(existing.map((r) => [r.id, r]));
    for (const f of found) {
      const c = valid[f.idx]!;
      try {
        const prior = byId.get(c.input.id);
        if (prior) c.existing = this.replayed(c.viewer, prior);
        else c.ready = await this.decide(tx, c, f);
      } catch (error) {
        c.error = error as AppError;
      }
    }
    return out;
  }

  private async decide(tx: EntityManager, c: CheckedReport, found: SubmitCheckRow): Promise<ReadyReport> {
    const { viewer, input, clean } = c as Required<Pick<CheckedReport, 'viewer' | 'input' | 'clean'>>;
    if (!found.id) throw new NotFoundError('Task', input.taskId);
    const task = { id: found.id, leadUnitPath: found.lead_unit_path, assignerUnitPath: found.assigner_unit_path };
    let flaggedReassigned = false;
    if (!canReportOn(viewer, task)) {
      const ledThen = await this.unitLedTaskAt(tx, task.id, viewer.unitId, clean.writtenAt);
      if (ledThen && hasRole(viewer, Role.REPORTER, Role.FOCAL)) flaggedReassigned = true;
      else if (canSeeTask(viewer, task))
        throw new ForbiddenError('Only the lead unit’s reporters and focal officers report on this task');
      else throw new NotFoundError('Task', input.taskId);
    }
    if (found.state === TaskState.CANCELLED) throw new BadInputError('taskId', 'The task has been cancelled');
    if (found.indicators !== clean.values.length)
      throw new BadInputError('values', 'A value is given for an indicator of another task');
    if (input.answersReportId) {
      if (found.answered_task_id !== task.id)
        throw new BadInputError('answersReportId', 'The answered report is not a report of this task');
      if (found.answered_state !== ReportState.RETURNED)
        throw new BadInputError('answersReportId', 'Only a returned report can be answered');
    }
    const schedule = found.report_frequency
      ? { frequency: found.report_frequency, dueDays: Number(found.report_due_days ?? 0) }
      : null;
    const span = { startOn: found.start_on, dueOn: found.due_on, createdAt: new Date(found.created_at) };
    const writtenDay = localDay(clean.writtenAt);
    const periodKey = resolvePeriodKey(
      schedule,
      span,
      input.periodKey,
      writtenDay,
      (message) => new BadInputError('periodKey', message),
    );
    const reportPeriod = schedule && periodKey ? periodOfKey(schedule, periodKey) : null;
    const own = new Map((found.scheduled_indicators ?? []).map((i) => [i.id.toLowerCase(), i]));
    const valuePeriodKeys = clean.values.map((v) => {
      const i = own.get(v.indicatorId.toLowerCase());
      if (!i) return null;
      const s = { frequency: i.frequency, dueDays: Number(i.dueDays) };
      return indicatorPeriodKey(s, { ...span, dueOn: i.dueOn ?? span.dueOn }, reportPeriod, writtenDay);
    });
    return { viewer, input, clean, flaggedReassigned, periodKey, valuePeriodKeys };
  }

  /**
   * Stores checked reports, each by its own viewer, in one statement: the reports, their indicator
   * values and their audit events (the change-log rows the derived worker applies follow by
   * trigger). Updates no shared row. A report id that a concurrent transaction stored first
   * answers with that report (`created: false`). `entities: false` leaves new reports unmapped
   * (a sync push answers by status only).
   */
  async store(tx: EntityManager, ready: ReadyReport[], { entities = true } = {}): Promise<StoredReport[]> {
    if (!ready.length) return [];
    const at = new Date(Math.floor(Date.now())).toISOString();
    const rows = await tx.execute<Record<string, unknown>[]>(
      `with input as (
         select * from jsonb_to_recordset(?::jsonb) as e(id uuid, task_id uuid, percent float8, narrative text,
           has_obstacles boolean, obstacles text, written_at timestamptz, answers_report_id uuid, flagged_reassigned boolean, period_key text,
           indicator_ids uuid[], vals float8[], value_periods text[], audit jsonb, account_id uuid, username text, unit_id uuid, unit_path text,
           chain_key text)
       ), report as (
         insert into progress_report (id, task_id, unit_id, unit_path, author_id, percent, narrative, has_obstacles,
           obstacles, written_at, answers_report_id, flagged_reassigned, period_key)
         select id, task_id, unit_id, unit_path, account_id, percent, narrative, has_obstacles, obstacles, written_at,
                answers_report_id, flagged_reassigned, period_key
           from input order by id
         on conflict (id) do nothing returning *
       ), report_values as (
         insert into report_indicator_value (report_id, indicator_id, value, period_key)
         select i.id, v.indicator_id, v.value, v.period_key
           from input i join report r on r.id = i.id,
                unnest(i.indicator_ids, i.vals, i.value_periods) as v(indicator_id, value, period_key)
       ), audit as (
         insert into audit_event (chain_key, at, actor_account_id, actor_username, actor_unit_id, actor_unit_path,
           action, entity_type, entity_id, after)
         select i.chain_key, ?::timestamptz, i.account_id, i.username, i.unit_id, i.unit_path, 'report.submit',
                'ProgressReport', r.id::text, i.audit
           from report r join input i on i.id = r.id order by r.id
       )
       select ${entities ? '*' : 'id'} from report`,
      [
        JSON.stringify(
          ready.map(({ viewer, input, clean, flaggedReassigned, periodKey, valuePeriodKeys }) => ({
            id: input.id,
            task_id: input.taskId,
            percent: input.percent,
            narrative: clean.narrative,
            has_obstacles: input.hasObstacles,
            obstacles: clean.obstacles,
            written_at: clean.writtenAt.toISOString(),
            answers_report_id: input.answersReportId ?? null,
            flagged_reassigned: flaggedReassigned,
            period_key: periodKey,
            indicator_ids: clean.values.map((v) => v.indicatorId),
            vals: clean.values.map((v) => v.value),
            value_periods: valuePeriodKeys,
            audit: {
              taskId: input.taskId,
              percent: input.percent,
              values: clean.values.map((v) => ({ indicatorId: v.indicatorId, value: v.value })),
              hasObstacles: input.hasObstacles,
              writtenAt: clean.writtenAt.toISOString(),
              answersReportId: input.answersReportId ?? null,
              flaggedReassigned,
              periodKey,
            },
            account_id: viewer.accountId,
            username: viewer.username,
            unit_id: viewer.unitId,
            unit_path: viewer.unitPath,
            chain_key: chainKeyFor(viewer.unitPath),
          })),
        ),
        at,
      ],
    );
    const inserted = new Map(rows.map((r) => [r.id as string, entities ? tx.map(ProgressReport, r) : undefined]));
    const lost = ready.filter((r) => !inserted.has(r.input.id)).map((r) => r.input.id);
    // Lost a race to a concurrent transaction that stored the same id: answer with its report.
    const winners = lost.length
      ? new Map((await tx.find(ProgressReport, { id: { $in: lost } }, { refresh: true })).map((r) => [r.id, r]))
      : new Map<string, ProgressReport>();
    return ready.map(({ viewer, input }) => {
      if (inserted.has(input.id)) return { report: inserted.get(input.id), created: true };
      try {
        return { report: this.replayed(viewer, winners.get(input.id)!), created: false };
      } catch (error) {
        return { error: error as AppError, created: false };
      }
    });
  }

  /** Approves a submitted report; the task's progress and indicators follow it, up the tree. */
  async approve(em: EntityManager, viewer: Viewer, id: string, comment?: string | null): Promise<ProgressReport> {
    const text = checkText('comment', comment, COMMENT_MAX);
    return this.review(em, viewer, id, ReportState.APPROVED, text);
  }

  /** Returns a submitted report to its unit with a comment saying what to fix. */
  async return(em: EntityManager, viewer: Viewer, id: string, comment: string): Promise<ProgressReport> {
    const text = checkText('comment', comment, COMMENT_MAX);
    if (!text) throw new BadInputError('comment', 'Say why the report is returned');
    return this.review(em, viewer, id, ReportState.RETURNED, text);
  }

  private async review(
    em: EntityManager,
    viewer: Viewer,
    id: string,
    state: ReportState.APPROVED | ReportState.RETURNED,
    comment: string | null,
  ): Promise<ProgressReport> {
    assertUuid('id', id);
    return em.transactional(async (tx) => {
      const report = await tx.findOne(ProgressReport, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const task = report ? await tx.findOne(Task, { id: report.task.id }) : null;
      if (!report || !task || !(isWithin(report.unitPath, viewer.unitPath) || canSeeTask(viewer, task)))
        throw new NotFoundError('ProgressReport', id);
      const level = report.approvedLevels + 1;
      const levelUnit = report.awaitingUnit ? await tx.findOne(Unit, { id: report.awaitingUnit.id }) : null;
      const [previous] =
        level > 1
          ? await tx.execute<{ path: string }[]>(
              `select u.path from report_approval a join unit u on u.id = a.reviewer_unit_id where a.report_id = ? and a.level = ?`,
              [report.id, level - 1],
            )
          : [];
      if (!canReviewAtLevel(viewer, report, level, levelUnit?.path ?? null, previous?.path ?? null))
        throw new ForbiddenError(
          level === 1
            ? 'Only leaders of a unit above the reporting unit review it'
            : `The report waits for level ${level}: only leaders of that unit or above, and above the unit that approved level ${level - 1}, review it now`,
        );
      if (report.state !== ReportState.SUBMITTED)
        throw new ConflictError(`The report was already ${report.state === ReportState.APPROVED ? 'approved' : 'returned'}`, {
          state: report.state,
        });
      const now = new Date();
      const required = report.approvalLevels ?? 1;
      const final = state === ReportState.RETURNED || level >= required;
      const waitedFrom = report.awaitingSince ?? report.receivedAt;
      const before = { state: ReportState.SUBMITTED, approvedLevels: report.approvedLevels, approvalLevels: required };
      if (final) {
        report.state = state;
        report.reviewedAt = now;
        report.reviewedBy = tx.getReference(Account, viewer.accountId) as never;
        report.reviewComment = comment;
        if (state === ReportState.APPROVED) report.approvedLevels = required;
      } else {
        // Approved below the last level: it moves to the next level's queue and stays SUBMITTED,
        // so nothing counts it yet.
        report.approvedLevels = level;
        const next = levelUnit?.parent ? levelUnit.parent.id : null;
        report.awaitingUnit = next ? (tx.getReference(Unit, next) as never) : null;
        report.awaitingSince = now;
      }
      await tx.flush();
      await tx.execute(
        `insert into report_approval (report_id, level, decision, level_unit_id, reviewer_id, reviewer_unit_id, comment,
                                      waited_from, decided_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [report.id, level, state, levelUnit?.id ?? null, viewer.accountId, viewer.unitId, comment, waitedFrom, now],
      );
      await this.audit.record(tx, actorOf(viewer), {
        action: state === ReportState.APPROVED ? 'report.approve' : 'report.return',
        entityType: 'ProgressReport',
        entityId: report.id,
        before,
        after: { state: report.state, comment, level, approvedLevels: report.approvedLevels, final },
        unitPath: report.unitPath,
      });
      // The task's progress up the tree and the notices (the reporting unit's, or the next
      // level's reviewers') follow in the derived worker: the change appends its REVIEW change
      // by trigger.
      return report;
    });
  }

  /**
   * True when the unit had been given the task by the time the report was written, by the
   * assignment history: a device offline across a reassignment still believes it leads.
   */
  private async unitLedTaskAt(em: EntityManager, taskId: string, unitId: string, at: Date): Promise<boolean> {
    const rows = await em.execute<{ one: number }[]>(
      `select 1 as one from task_assignment where task_id = ? and unit_id = ? and assigned_at <= ? limit 1`,
      [taskId, unitId, at],
    );
    return rows.length > 0;
  }

  /** A repeated id answers with the original, to whoever could have sent it. */
  private replayed(viewer: Viewer, report: ProgressReport): ProgressReport {
    if (report.author.id !== viewer.accountId && !isWithin(report.unitPath, viewer.unitPath))
      throw new ConflictError('This report id is already used', { field: 'id' });
    return report;
  }
}
