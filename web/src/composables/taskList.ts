// What the "my tasks" screen shows, as pure functions over local rows: warnings, urgency,
// search, filters and sorting. Kept free of Vue so the rules are tested directly.
import type { LocalReport, LocalTask, TaskResolution } from '../offline/types';
import { indicatorPeriodKey, nextPeriodToReport, taskPeriods, type TaskPeriod } from '../offline/report-periods';
import { NO_REFERENCES, resolutionOf, unitName, type References } from '../offline/references';

export type WarningKind = 'overdue' | 'dueSoon' | 'behind' | 'stale' | 'obstacle' | 'returned' | 'rejected' | 'fiveClears';

export interface TaskWarning {
  kind: WarningKind;
  /** Numbers the message needs (days late, points behind…). */
  params: Record<string, number>;
}

export interface TaskRow {
  task: LocalTask;
  status: TaskStatus;
  /** The newest report, local or from the server. */
  latest: LocalReport | null;
  /** Reports written here and not yet confirmed by the server. */
  unsent: number;
  warnings: TaskWarning[];
  /** Higher is more urgent. */
  urgency: number;
  /** Lower-cased, without diacritics: what search compares against. */
  haystack: string;
  /** Joined from the reference rows (protocol 4), so a renamed resolution shows at once. */
  resolution: TaskResolution | null;
  /** The lead unit's current name; null until a protocol-4 pull brings it. */
  leadUnitName: string | null;
  /** For a completed task whose completion time is known: when, its day in Vietnam, and days after the due date. */
  completion: { at: string; day: string; daysLate: number } | null;
  /** Periodic reporting, for a task with a schedule: its periods so far and the one to report next. */
  reporting: TaskReporting | null;
  /** The same for each indicator with a schedule of its own, in the task's order. */
  indicatorReporting: IndicatorReporting[];
}

export interface IndicatorReporting extends TaskReporting {
  indicatorId: string;
  name: string;
}

export interface TaskReporting {
  periods: TaskPeriod[];
  next: TaskPeriod | null;
  missed: number;
}

/** A scheduled open task's periods, worked out on the device from the synced schedule and the local reports. */
export function reportingOf(task: LocalTask, reportedKeys: ReadonlySet<string>, now: Date): TaskReporting | null {
  if (!task.reportSchedule || task.state !== 'OPEN') return null;
  const today = dayInVietnam(now);
  const periods = taskPeriods(task.reportSchedule, task, reportedKeys, today);
  return { periods, next: nextPeriodToReport(periods, today), missed: periods.filter((p) => p.missed).length };
}

export interface WarningRules {
  dueSoonDays: number;
  dueSoonProgress: number;
  behindPoints: number;
  staleDays: number;
}

/** The server's defaults (README: WARN_*), used until the server sends its own. */
export const DEFAULT_RULES: WarningRules = { dueSoonDays: 14, dueSoonProgress: 50, behindPoints: 20, staleDays: 30 };

const DAY = 86_400_000;
const DONE = new Set(['COMPLETED', 'COMPLETED_ON_TIME', 'COMPLETED_LATE', 'CANCELLED']);

export type TaskStatus =
  'NOT_STARTED' | 'IN_PROGRESS' | 'OVERDUE' | 'COMPLETED' | 'COMPLETED_ON_TIME' | 'COMPLETED_LATE' | 'CANCELLED';
const STATUSES = new Set<string>([
  'NOT_STARTED',
  'IN_PROGRESS',
  'OVERDUE',
  'COMPLETED',
  'COMPLETED_ON_TIME',
  'COMPLETED_LATE',
  'CANCELLED',
]);

/**
 * The status the person sees, derived on the device as the server derives it: sync sends the
 * lifecycle state (OPEN, COMPLETED, CANCELLED), and lateness changes with the calendar.
 */
export function statusOf(
  task: Pick<LocalTask, 'state' | 'dueOn' | 'progress' | 'completedAt'> & { onTimeDueOn?: string | null },
  now: Date,
): TaskStatus {
  if (task.state === 'CANCELLED') return 'CANCELLED';
  if (task.state === 'COMPLETED') {
    // Rows stored before sync protocol 2 have no completion time until the next pull.
    if (!task.completedAt) return 'COMPLETED';
    return daysLate(task) > 0 ? 'COMPLETED_LATE' : 'COMPLETED_ON_TIME';
  }
  if (task.state !== 'OPEN' && STATUSES.has(task.state)) return task.state as TaskStatus;
  if (task.dueOn && dayNumber(task.dueOn) < todayNumber(now) && task.progress < 100) return 'OVERDUE';
  return task.progress > 0 ? 'IN_PROGRESS' : 'NOT_STARTED';
}

/** Vietnamese typed without its marks still matches: "xay dung" finds "Xây dựng". */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase();
}

let vietnamDay: Intl.DateTimeFormat | null = null;

/** The calendar day of an instant in Vietnam, as the server judges completion (YYYY-MM-DD). */
export function dayInVietnam(at: string | Date): string {
  vietnamDay ??= new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Ho_Chi_Minh',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  return vietnamDay.format(new Date(at));
}

/** Days a completed task was finished after its due date (0 when on time or without a due date). */
export function daysLate(task: Pick<LocalTask, 'dueOn' | 'completedAt'> & { onTimeDueOn?: string | null }): number {
  // The plan's on-time rule may measure against the original due date (protocol 3).
  const due = task.onTimeDueOn ?? task.dueOn;
  if (!task.completedAt || !due) return 0;
  return Math.max(0, dayNumber(dayInVietnam(task.completedAt)) - dayNumber(due));
}

function dayNumber(localDate: string): number {
  const [y, m, d] = localDate.slice(0, 10).split('-').map(Number);
  return Date.UTC(y!, (m ?? 1) - 1, d ?? 1) / DAY;
}

function todayNumber(now: Date): number {
  return Date.UTC(now.getFullYear(), now.getMonth(), now.getDate()) / DAY;
}

/** The five clears a field phone can judge from its copy of the task. */
function missingClears(task: LocalTask): number {
  let missing = 0;
  if (!task.responsiblePerson?.trim()) missing++;
  if (!task.expectedResult?.trim()) missing++;
  if (!task.dueOn) missing++;
  return missing;
}

/** Warnings computed from the data, never typed in; each carries what its message needs. */
export function warningsFor(
  task: LocalTask,
  latest: LocalReport | null,
  hasRejected: boolean,
  now: Date,
  rules = DEFAULT_RULES,
): TaskWarning[] {
  const warnings: TaskWarning[] = [];
  const today = todayNumber(now);
  const done = DONE.has(statusOf(task, now));
  if (!done && task.dueOn) {
    const left = dayNumber(task.dueOn) - today;
    if (left < 0) warnings.push({ kind: 'overdue', params: { days: -left } });
    else if (left <= rules.dueSoonDays && task.progress < rules.dueSoonProgress)
      warnings.push({ kind: 'dueSoon', params: { days: left } });
    if (left >= 0 && task.startOn) {
      const span = dayNumber(task.dueOn) - dayNumber(task.startOn);
      if (span > 0) {
        const elapsed = Math.min(100, Math.max(0, ((today - dayNumber(task.startOn)) / span) * 100));
        const behind = Math.round(elapsed - task.progress);
        if (behind > rules.behindPoints) warnings.push({ kind: 'behind', params: { points: behind } });
      }
    }
  }
  if (!done) {
    const last = latest ? Date.parse(latest.writtenAt) : task.lastReportAt ? Date.parse(task.lastReportAt) : null;
    const since = last === null ? null : Math.floor((now.getTime() - last) / DAY);
    if (since !== null && since > rules.staleDays) warnings.push({ kind: 'stale', params: { days: since } });
  }
  if (latest?.hasObstacles && !done) warnings.push({ kind: 'obstacle', params: {} });
  if (latest?.state === 'RETURNED') warnings.push({ kind: 'returned', params: {} });
  if (hasRejected) warnings.push({ kind: 'rejected', params: {} });
  if (!done && missingClears(task) > 0) warnings.push({ kind: 'fiveClears', params: { count: missingClears(task) } });
  return warnings;
}

/** Orders by what needs the person first: returned reports and lateness, then closeness of the due date. */
export function urgencyOf(task: LocalTask, warnings: TaskWarning[], now: Date): number {
  if (DONE.has(statusOf(task, now))) return -1_000;
  let score = 0;
  for (const w of warnings) {
    if (w.kind === 'returned' || w.kind === 'rejected') score += 400;
    if (w.kind === 'overdue') score += 500 + Math.min(w.params.days ?? 0, 100);
    if (w.kind === 'dueSoon') score += 250;
    if (w.kind === 'behind') score += 50 + Math.min(w.params.points ?? 0, 100) / 2;
    if (w.kind === 'obstacle') score += 80;
    if (w.kind === 'stale') score += 50;
  }
  if (task.dueOn) score += Math.max(0, 90 - Math.max(0, dayNumber(task.dueOn) - todayNumber(now))) / 3;
  if (task.priority === 'URGENT') score += 60;
  else if (task.priority === 'HIGH') score += 30;
  return score;
}

/** Builds the rows once per change of the local data; filters and sorts then work on these. */
/**
 * An open task's indicators with their own schedule: each one's periods, worked out on the device
 * from the synced schedules and the values the local reports give it (a value counts for the
 * indicator period of its report, as on the server).
 */
export function indicatorReportingOf(task: LocalTask, reports: readonly LocalReport[], now: Date): IndicatorReporting[] {
  if (task.state !== 'OPEN') return [];
  const today = dayInVietnam(now);
  return (task.indicators ?? []).flatMap((i) => {
    const s = i.reportSchedule;
    if (!s) return [];
    const dueOn = i.dueOn ?? task.dueOn;
    const keys = new Set<string>();
    for (const r of reports) {
      const v = r.values.find((x) => x.indicatorId === i.id);
      if (!v || r.syncState === 'REJECTED') continue;
      // The server's word once it has it; before, the same rule worked out here.
      const key =
        v.periodKey !== undefined
          ? v.periodKey
          : indicatorPeriodKey(
              s,
              dueOn,
              { periodKey: r.periodKey, writtenDay: dayInVietnam(r.writtenAt) },
              task.reportSchedule ?? null,
            );
      if (key) keys.add(key);
    }
    const periods = taskPeriods(s, { dueOn }, keys, today);
    return [
      {
        indicatorId: i.id,
        name: i.name,
        periods,
        next: nextPeriodToReport(periods, today),
        missed: periods.filter((p) => p.missed).length,
      },
    ];
  });
}

export function buildTaskRows(
  tasks: LocalTask[],
  reports: LocalReport[],
  now = new Date(),
  rules = DEFAULT_RULES,
  refs: References = NO_REFERENCES,
): TaskRow[] {
  const latestByTask = new Map<string, LocalReport>();
  const unsentByTask = new Map<string, number>();
  const rejectedTasks = new Set<string>();
  const periodsByTask = new Map<string, Set<string>>();
  const reportsByTask = new Map<string, LocalReport[]>();
  for (const report of reports) {
    const mine = reportsByTask.get(report.taskId) ?? [];
    mine.push(report);
    reportsByTask.set(report.taskId, mine);
    if (report.periodKey && report.syncState !== 'REJECTED') {
      const keys = periodsByTask.get(report.taskId) ?? new Set<string>();
      keys.add(report.periodKey);
      periodsByTask.set(report.taskId, keys);
    }
    const seen = latestByTask.get(report.taskId);
    if (!seen || report.writtenAt > seen.writtenAt) latestByTask.set(report.taskId, report);
    if (report.syncState === 'PENDING') unsentByTask.set(report.taskId, (unsentByTask.get(report.taskId) ?? 0) + 1);
    if (report.syncState === 'REJECTED') rejectedTasks.add(report.taskId);
  }
  return tasks.map((task) => {
    const latest = latestByTask.get(task.id) ?? null;
    const warnings = warningsFor(task, latest, rejectedTasks.has(task.id), now, rules);
    const resolution = resolutionOf(task, refs);
    return {
      task,
      status: statusOf(task, now),
      latest,
      unsent: unsentByTask.get(task.id) ?? 0,
      warnings,
      urgency: urgencyOf(task, warnings, now),
      haystack: fold(
        [
          task.title,
          ...(task.ancestorTitles ?? []),
          task.description ?? '',
          resolution?.code ?? '',
          resolution?.titleVi ?? '',
          resolution?.titleEn ?? '',
        ].join(' '),
      ),
      resolution,
      leadUnitName: unitName(task.leadUnitId, refs),
      completion:
        task.state === 'COMPLETED' && task.completedAt
          ? { at: task.completedAt, day: dayInVietnam(task.completedAt), daysLate: daysLate(task) }
          : null,
      reporting: reportingOf(task, periodsByTask.get(task.id) ?? new Set(), now),
      indicatorReporting: indicatorReportingOf(task, reportsByTask.get(task.id) ?? [], now),
    };
  });
}

export type DueFilter = 'all' | 'overdue' | 'week' | 'month' | 'none';
export type SortKey = 'urgency' | 'due' | 'progress';

export interface TaskQuery {
  search: string;
  status: string;
  /** A resolution id; '' for all. */
  resolution: string;
  due: DueFilter;
  sort: SortKey;
}

export const EMPTY_QUERY: TaskQuery = { search: '', status: '', resolution: '', due: 'all', sort: 'urgency' };

/** The resolutions the rows carry out, each once, by code ("57-NQ/TW" before "66-NQ/TW"). */
export function resolutionsOf(rows: TaskRow[]): TaskResolution[] {
  const byId = new Map<string, TaskResolution>();
  for (const r of rows) if (r.resolution && !byId.has(r.resolution.id)) byId.set(r.resolution.id, r.resolution);
  return [...byId.values()].sort((a, b) => a.code.localeCompare(b.code, undefined, { numeric: true }));
}

/** A resolution as a filter option: its code and a title cut to fit a phone's select. */
export function resolutionLabel(r: TaskResolution, locale: string, max = 48): string {
  const title = locale.startsWith('vi') ? r.titleVi : r.titleEn;
  const short = title.length > max ? `${title.slice(0, max - 1).trimEnd()}…` : title;
  return `${r.code} · ${short}`;
}

/** Filters and sorts rows; never mutates them. */
export function queryTaskRows(rows: TaskRow[], query: TaskQuery, now = new Date()): TaskRow[] {
  const words = fold(query.search).split(/\s+/).filter(Boolean);
  const today = todayNumber(now);
  const result = rows.filter((row) => {
    const { task } = row;
    if (words.length && !words.every((w) => row.haystack.includes(w))) return false;
    if (query.status && row.status !== query.status) return false;
    if (query.resolution && row.resolution?.id !== query.resolution) return false;
    if (query.due !== 'all') {
      if (query.due === 'none') return !task.dueOn;
      if (!task.dueOn) return false;
      const left = dayNumber(task.dueOn) - today;
      if (query.due === 'overdue' && !(left < 0 && !DONE.has(row.status))) return false;
      if (query.due === 'week' && !(left >= 0 && left <= 7)) return false;
      if (query.due === 'month' && !(left >= 0 && left <= 31)) return false;
    }
    return true;
  });
  const byDue = (a: TaskRow, b: TaskRow) => (a.task.dueOn ?? '9999').localeCompare(b.task.dueOn ?? '9999');
  const compare: Record<SortKey, (a: TaskRow, b: TaskRow) => number> = {
    urgency: (a, b) => b.urgency - a.urgency || byDue(a, b),
    due: byDue,
    progress: (a, b) => a.task.progress - b.task.progress || byDue(a, b),
  };
  return result.sort((a, b) => compare[query.sort](a, b) || a.task.title.localeCompare(b.task.title));
}
