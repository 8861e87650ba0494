import type { WarningThresholds } from '../../config.js';
import { daysBetween, localDay } from '../../common/dates.js';
import { ReportState } from '../reports/report.enums.js';
import { TaskState } from '../tasks/task.enums.js';
import { missedPeriods, type ReportFrequency } from '../tasks/report-schedule.js';

/**
 * Early-warning rules: pure functions of a task's facts, `today` (a day in Vietnam) and the
 * configured thresholds. The warnings query selects with SQL that mirrors these rules, then
 * runs them on each row it returns to produce the reason, so the words always match the rule.
 */
export enum WarningKind {
  OVERDUE = 'OVERDUE',
  DUE_SOON = 'DUE_SOON',
  BEHIND_SCHEDULE = 'BEHIND_SCHEDULE',
  STALE = 'STALE',
  OBSTACLE = 'OBSTACLE',
  RETURNED = 'RETURNED',
  FORECAST_MISS = 'FORECAST_MISS',
  REVIEW_BOTTLENECK = 'REVIEW_BOTTLENECK',
  EXTENSION_BOTTLENECK = 'EXTENSION_BOTTLENECK',
  MISSED_REPORT = 'MISSED_REPORT',
}

/** How urgent each kind is, 3 highest; the list sorts by it first. */
export const SEVERITY: Record<WarningKind, number> = {
  [WarningKind.OVERDUE]: 3,
  [WarningKind.FORECAST_MISS]: 2,
  [WarningKind.DUE_SOON]: 2,
  [WarningKind.BEHIND_SCHEDULE]: 2,
  [WarningKind.RETURNED]: 2,
  [WarningKind.OBSTACLE]: 2,
  [WarningKind.REVIEW_BOTTLENECK]: 2,
  [WarningKind.EXTENSION_BOTTLENECK]: 2,
  [WarningKind.MISSED_REPORT]: 2,
  [WarningKind.STALE]: 1,
};

export interface WarningParams {
  dueOn?: string | null;
  daysOverdue?: number;
  daysLeft?: number;
  progress?: number;
  elapsedPercent?: number;
  daysSinceReport?: number;
  neverReported?: boolean;
  obstacles?: string | null;
  reportedAt?: Date;
  returnedAt?: Date | null;
  reviewComment?: string | null;
  /** Null: at the current pace the task never completes. */
  projectedOn?: string | null;
  waitingReports?: number;
  oldestWaitingDays?: number;
  /** EXTENSION_BOTTLENECK: the date asked for and how long the request has waited. */
  requestedDueOn?: string;
  waitingDays?: number;
  /** MISSED_REPORT: the latest period missed, its due date, and how many periods are missing. */
  periodKey?: string;
  periodDueOn?: string;
  missedPeriods?: number;
  /** MISSED_REPORT of an indicator's own schedule: the indicator. */
  indicatorId?: string;
  indicatorName?: string;
}

export interface Finding {
  kind: WarningKind;
  severity: number;
  params: WarningParams;
}

export interface LatestReportFacts {
  state: ReportState;
  hasObstacles: boolean;
  obstacles?: string | null;
  receivedAt: Date;
  reviewedAt?: Date | null;
  reviewComment?: string | null;
}

export interface TrendPoint {
  writtenAt: Date;
  percent: number;
}

export interface TaskFacts {
  state: TaskState;
  startOn?: string | null;
  dueOn?: string | null;
  createdAt: Date;
  progress: number;
  lastReportAt?: Date | null;
  latestReport?: LatestReportFacts | null;
  /** Every report's (writtenAt, percent), for the forecast. */
  trend?: TrendPoint[];
  /** Periodic reporting: the schedule, and the periods some report was given for. */
  reportFrequency?: ReportFrequency | null;
  reportDueDays?: number | null;
  reportedPeriods?: ReadonlySet<string>;
  /** The task's indicators with a schedule of their own, and the periods some report gave each a value for. */
  scheduledIndicators?: IndicatorScheduleFacts[];
  /** The deadline-extension request waiting for a decision, if any. */
  pendingExtension?: PendingExtensionFacts | null;
}

export interface IndicatorScheduleFacts {
  id: string;
  name: string;
  reportFrequency: ReportFrequency;
  reportDueDays: number;
  /** The indicator's due date; its periods end with it, else with the task's. */
  dueOn?: string | null;
  reportedPeriods: ReadonlySet<string>;
}

export interface PendingExtensionFacts {
  requestedAt: Date;
  requestedDueOn: string;
}

const finding = (kind: WarningKind, params: WarningParams): Finding => ({ kind, severity: SEVERITY[kind], params });
const isOpen = (t: TaskFacts) => t.state === TaskState.OPEN;

export function overdue(t: TaskFacts, today: string): Finding | null {
  if (!isOpen(t) || !t.dueOn || today <= t.dueOn) return null;
  return finding(WarningKind.OVERDUE, { dueOn: t.dueOn, daysOverdue: daysBetween(t.dueOn, today), progress: t.progress });
}

export function dueSoon(t: TaskFacts, today: string, th: WarningThresholds): Finding | null {
  if (!isOpen(t) || !t.dueOn || today > t.dueOn) return null;
  const daysLeft = daysBetween(today, t.dueOn);
  if (daysLeft > th.dueSoonDays || t.progress >= th.dueSoonProgress) return null;
  return finding(WarningKind.DUE_SOON, { dueOn: t.dueOn, daysLeft, progress: t.progress });
}

/** Share of the period from start to due that has passed by `today`, 0–100. */
export function elapsedPercent(startOn: string, dueOn: string, today: string): number {
  return (daysBetween(startOn, today) / daysBetween(startOn, dueOn)) * 100;
}

export function behindSchedule(t: TaskFacts, today: string, th: WarningThresholds): Finding | null {
  if (!isOpen(t) || !t.startOn || !t.dueOn || t.startOn >= t.dueOn || today <= t.startOn || today > t.dueOn) return null;
  const elapsed = elapsedPercent(t.startOn, t.dueOn, today);
  if (elapsed - t.progress <= th.behindSchedulePoints) return null;
  return finding(WarningKind.BEHIND_SCHEDULE, { dueOn: t.dueOn, elapsedPercent: Math.round(elapsed), progress: t.progress });
}

/** The day silence is counted from: the last report, or when the task started (or was made). */
export function staleSince(t: TaskFacts): string {
  if (t.lastReportAt) return localDay(t.lastReportAt);
  const created = localDay(t.createdAt);
  return t.startOn && t.startOn > created ? t.startOn : created;
}

export function stale(t: TaskFacts, today: string, th: WarningThresholds): Finding | null {
  if (!isOpen(t)) return null;
  const days = daysBetween(staleSince(t), today);
  if (days < th.staleDays) return null;
  return finding(WarningKind.STALE, { daysSinceReport: days, neverReported: !t.lastReportAt, dueOn: t.dueOn ?? null });
}

export function obstacle(t: TaskFacts): Finding | null {
  const r = t.latestReport;
  if (!isOpen(t) || !r || !r.hasObstacles) return null;
  return finding(WarningKind.OBSTACLE, { obstacles: r.obstacles ?? null, reportedAt: r.receivedAt, dueOn: t.dueOn ?? null });
}

export function returnedNotResubmitted(t: TaskFacts): Finding | null {
  const r = t.latestReport;
  if (!isOpen(t) || !r || r.state !== ReportState.RETURNED) return null;
  return finding(WarningKind.RETURNED, {
    returnedAt: r.reviewedAt ?? null,
    reviewComment: r.reviewComment ?? null,
    dueOn: t.dueOn ?? null,
  });
}

/** Days since 2020-01-01 UTC: the x of the trend line (SQL `report_x`). */
export function reportX(at: Date): number {
  return (at.getTime() - Date.UTC(2020, 0, 1)) / 86_400_000;
}

/** Reports written less than a minute apart give no trend. */
export const MIN_TREND_SPAN_DAYS = 1 / 1440;

/**
 * The day the least-squares line through every report's (writtenAt, percent) reaches 100 %,
 * in Vietnam; null when the line does not rise; undefined without two reports written at
 * least a minute apart. The same sums as the trigger-kept `task_report_state`.
 */
export function projectCompletion(points: TrendPoint[]): string | null | undefined {
  if (points.length < 2) return undefined;
  const xs = points.map((p) => reportX(p.writtenAt));
  if (Math.max(...xs) - Math.min(...xs) < MIN_TREND_SPAN_DAYS) return undefined;
  const n = points.length;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  points.forEach((p, i) => {
    sx += xs[i];
    sy += p.percent;
    sxx += xs[i] * xs[i];
    sxy += xs[i] * p.percent;
  });
  const slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  if (!(slope > 0)) return null;
  const intercept = (sy - slope * sx) / n;
  const ms = Date.UTC(2020, 0, 1) + ((100 - intercept) / slope) * 86_400_000;
  // Far-off projections are clamped so the date stays printable (SQL clamps the same way).
  return Number.isFinite(ms) && ms < Date.UTC(9999, 0, 1) ? localDay(new Date(ms)) : '9999-12-31';
}

export function forecastMiss(t: TaskFacts, today: string): Finding | null {
  if (!isOpen(t) || !t.dueOn || today > t.dueOn || t.progress >= 100 || !t.trend) return null;
  const projected = projectCompletion(t.trend);
  if (projected === undefined) return null;
  if (projected !== null && projected <= t.dueOn) return null;
  return finding(WarningKind.FORECAST_MISS, { dueOn: t.dueOn, projectedOn: projected, progress: t.progress });
}

/** A scheduled task with a period past its report's due date and no report for that period. */
export function missedReport(t: TaskFacts, today: string): Finding | null {
  if (!isOpen(t) || !t.reportFrequency) return null;
  const schedule = { frequency: t.reportFrequency, dueDays: t.reportDueDays ?? 0 };
  const missed = missedPeriods(schedule, t, t.reportedPeriods ?? new Set(), today);
  const last = missed.at(-1);
  if (!last) return null;
  return finding(WarningKind.MISSED_REPORT, {
    periodKey: last.key,
    periodDueOn: last.dueOn,
    missedPeriods: missed.length,
    dueOn: t.dueOn ?? null,
  });
}

/**
 * Each scheduled indicator of an open task with a period past its due date and no value for
 * that period: one finding per indicator, naming it.
 */
export function missedIndicatorReports(t: TaskFacts, today: string): Finding[] {
  if (!isOpen(t)) return [];
  return (t.scheduledIndicators ?? []).flatMap((i) => {
    const schedule = { frequency: i.reportFrequency, dueDays: i.reportDueDays };
    const span = { startOn: t.startOn, dueOn: i.dueOn ?? t.dueOn, createdAt: t.createdAt };
    const missed = missedPeriods(schedule, span, i.reportedPeriods, today);
    const last = missed.at(-1);
    if (!last) return [];
    return [
      finding(WarningKind.MISSED_REPORT, {
        periodKey: last.key,
        periodDueOn: last.dueOn,
        missedPeriods: missed.length,
        dueOn: t.dueOn ?? null,
        indicatorId: i.id,
        indicatorName: i.name,
      }),
    ];
  });
}

/** A warning's id: its kind and task, and the indicator for an indicator's missed report (as warning_fact.wid). */
export function warningId(f: Finding, taskId: string): string {
  return f.params.indicatorId ? `${f.kind}:${taskId}:${f.params.indicatorId}` : `${f.kind}:${taskId}`;
}

/** A deadline-extension request on an open task waiting longer than the threshold for the assigning unit's decision. */
export function extensionBottleneck(t: TaskFacts, today: string, th: WarningThresholds): Finding | null {
  const e = t.pendingExtension;
  if (!isOpen(t) || !e) return null;
  const days = daysBetween(localDay(e.requestedAt), today);
  if (days <= th.extensionWaitDays) return null;
  return finding(WarningKind.EXTENSION_BOTTLENECK, {
    requestedDueOn: e.requestedDueOn,
    waitingDays: days,
    dueOn: t.dueOn ?? null,
  });
}

/** Every task-level warning of a task, most severe first. */
export function taskWarnings(t: TaskFacts, today: string, th: WarningThresholds): Finding[] {
  return [
    overdue(t, today),
    dueSoon(t, today, th),
    behindSchedule(t, today, th),
    stale(t, today, th),
    obstacle(t),
    returnedNotResubmitted(t),
    forecastMiss(t, today),
    extensionBottleneck(t, today, th),
    missedReport(t, today),
    ...missedIndicatorReports(t, today),
  ]
    .filter((f): f is Finding => f !== null)
    .sort((a, b) => b.severity - a.severity);
}

export interface ReviewQueueFacts {
  waitingReports: number;
  oldestReceivedAt: Date;
}

/** A reviewing unit with reports waiting longer than the threshold. */
export function reviewBottleneck(q: ReviewQueueFacts, today: string, th: WarningThresholds): Finding | null {
  if (q.waitingReports <= 0) return null;
  const days = daysBetween(localDay(q.oldestReceivedAt), today);
  if (days <= th.reviewWaitDays) return null;
  return finding(WarningKind.REVIEW_BOTTLENECK, { waitingReports: q.waitingReports, oldestWaitingDays: days });
}
