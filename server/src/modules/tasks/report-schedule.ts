import { addDays, localDay } from '../../common/dates.js';
import { BadInputError } from '../../common/errors.js';

/**
 * Periodic reporting: the period arithmetic of a task's reporting schedule, pure and shared in
 * spirit with the field app (web/src/offline/report-periods.ts, the same rules and tests). Days
 * are YYYY-MM-DD in Vietnam. A period key is the evaluation's: `2026-11` (month), `2026-Q4`,
 * `2026-H2`, `2026` (year). The SQL twin is the `report_periods` function (migration
 * Migration20261206190000_report_schedule).
 */
export enum ReportFrequency {
  MONTHLY = 'MONTHLY',
  QUARTERLY = 'QUARTERLY',
  HALF_YEARLY = 'HALF_YEARLY',
  YEARLY = 'YEARLY',
}

export interface ReportSchedule {
  frequency: ReportFrequency;
  /** The report of a period is due this many days after the period's last day. */
  dueDays: number;
}

export interface ReportPeriod {
  key: string;
  startOn: string;
  endOn: string;
  /** The last day a report for the period is on time. */
  dueOn: string;
}

/** The span a schedule covers: the task's start (or creation day) to its due date, if any. */
export interface ScheduledSpan {
  startOn?: string | null;
  dueOn?: string | null;
  createdAt: Date;
}

export const MAX_DUE_DAYS = 366;
/** Periods looked at for one task at most (twenty years of months). */
export const MAX_PERIODS = 240;

const MONTHS: Record<ReportFrequency, number> = {
  [ReportFrequency.MONTHLY]: 1,
  [ReportFrequency.QUARTERLY]: 3,
  [ReportFrequency.HALF_YEARLY]: 6,
  [ReportFrequency.YEARLY]: 12,
};

const KEY: Record<ReportFrequency, RegExp> = {
  [ReportFrequency.MONTHLY]: /^(\d{4})-(0[1-9]|1[0-2])$/,
  [ReportFrequency.QUARTERLY]: /^(\d{4})-Q([1-4])$/,
  [ReportFrequency.HALF_YEARLY]: /^(\d{4})-H([12])$/,
  [ReportFrequency.YEARLY]: /^(\d{4})$/,
};

const pad = (n: number) => String(n).padStart(2, '0');

function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The period starting in `year`, month `month0` (0-based, aligned to the frequency). */
function periodAt(frequency: ReportFrequency, dueDays: number, year: number, month0: number): ReportPeriod {
  const span = MONTHS[frequency];
  const endMonth0 = month0 + span - 1;
  const startOn = `${year}-${pad(month0 + 1)}-01`;
  const endOn = `${year}-${pad(endMonth0 + 1)}-${pad(lastDayOfMonth(year, endMonth0 + 1))}`;
  const index = month0 / span + 1;
  const key =
    frequency === ReportFrequency.MONTHLY
      ? `${year}-${pad(month0 + 1)}`
      : frequency === ReportFrequency.QUARTERLY
        ? `${year}-Q${index}`
        : frequency === ReportFrequency.HALF_YEARLY
          ? `${year}-H${index}`
          : `${year}`;
  return { key, startOn, endOn, dueOn: addDays(endOn, dueDays) };
}

/** The period of the schedule that contains `day`. */
export function periodContaining(s: ReportSchedule, day: string): ReportPeriod {
  const year = Number(day.slice(0, 4));
  const month0 = Number(day.slice(5, 7)) - 1;
  const span = MONTHS[s.frequency];
  return periodAt(s.frequency, s.dueDays, year, month0 - (month0 % span));
}

/** The period a key names under the schedule's frequency; null when the key is of another shape. */
export function periodOfKey(s: ReportSchedule, key: string): ReportPeriod | null {
  const m = KEY[s.frequency].exec(key);
  if (!m) return null;
  const year = Number(m[1]);
  const n = m[2] ? Number(m[2]) : 1;
  const month0 = s.frequency === ReportFrequency.MONTHLY ? n - 1 : (n - 1) * MONTHS[s.frequency];
  return periodAt(s.frequency, s.dueDays, year, month0);
}

/** Whether `key` has the shape of some period key (any frequency). */
export function isPeriodKey(key: string): boolean {
  return Object.values(KEY).some((re) => re.test(key));
}

export function nextPeriod(s: ReportSchedule, p: ReportPeriod): ReportPeriod {
  return periodContaining(s, addDays(p.endOn, 1));
}

/** The first day the schedule covers: the task's start, or the day it was made. */
export function spanStart(t: ScheduledSpan): string {
  return t.startOn ?? localDay(t.createdAt);
}

/**
 * The task's periods that have begun by `today`, oldest first: from the one containing the
 * task's start to the one containing its due date (or today, if sooner or undated).
 */
export function periodsSoFar(s: ReportSchedule, t: ScheduledSpan, today: string): ReportPeriod[] {
  const from = spanStart(t);
  const until = t.dueOn && t.dueOn < today ? t.dueOn : today;
  const out: ReportPeriod[] = [];
  for (let p = periodContaining(s, from); p.startOn <= until && out.length < MAX_PERIODS; p = nextPeriod(s, p)) out.push(p);
  return out;
}

/** Periods whose due date has passed by `today` with no report for them, oldest first. */
export function missedPeriods(s: ReportSchedule, t: ScheduledSpan, reported: ReadonlySet<string>, today: string): ReportPeriod[] {
  return periodsSoFar(s, t, today).filter((p) => p.dueOn < today && !reported.has(p.key));
}

/**
 * The period a report belongs to. With no schedule, none. A key of the schedule's shape is
 * kept, unless the period has not begun when the report was written or lies outside the task's
 * span (BAD_USER_INPUT on `periodKey`, through `refuse`). A missing key, or one made under a
 * frequency the task no longer has (the phone was offline when it changed), becomes the last
 * period that had ended when the report was written, or the first when none had.
 */
export function resolvePeriodKey(
  s: ReportSchedule | null,
  t: ScheduledSpan,
  given: string | null | undefined,
  writtenDay: string,
  refuse: (message: string) => Error,
): string | null {
  if (!s) return null;
  if (given !== null && given !== undefined) {
    if (!isPeriodKey(given)) throw refuse('periodKey is not a period (2026-11, 2026-Q4, 2026-H2 or 2026)');
    const p = periodOfKey(s, given);
    if (p) {
      if (p.startOn > writtenDay) throw refuse('The period had not begun when the report was written');
      if (p.endOn < spanStart(t) || (t.dueOn && p.startOn > t.dueOn)) throw refuse('The period is outside the task’s dates');
      return p.key;
    }
  }
  const first = periodContaining(s, spanStart(t));
  const current = periodContaining(s, writtenDay);
  if (current.startOn <= first.startOn) return first.key;
  const previous = periodContaining(s, addDays(current.startOn, -1));
  const last = t.dueOn ? periodContaining(s, t.dueOn) : null;
  return last && previous.startOn > last.startOn ? last.key : previous.key;
}

/** Validates a schedule as given to the API; throws through `refuse` naming the field. */
export function checkSchedule(
  frequency: string,
  dueDays: number,
  refuse: (field: string, message: string) => Error,
): ReportSchedule {
  if (!Object.values(ReportFrequency).includes(frequency as ReportFrequency))
    throw refuse('reportSchedule.frequency', 'Unknown reporting frequency');
  if (!Number.isInteger(dueDays) || dueDays < 0 || dueDays > MAX_DUE_DAYS)
    throw refuse('reportSchedule.dueDays', `dueDays must be a whole number from 0 to ${MAX_DUE_DAYS}`);
  return { frequency: frequency as ReportFrequency, dueDays };
}

/**
 * A schedule as given to the API (null: none), checked (a bad one refused naming the field): the
 * two columns of a task or an indicator it fills.
 */
export function scheduleColumns(
  value: { frequency: string; dueDays: number } | null | undefined,
  refuse: (field: string, message: string) => Error = (field, message) => new BadInputError(field, message),
): { reportFrequency: ReportFrequency | null; reportDueDays: number | null } {
  const s = value ? checkSchedule(value.frequency, value.dueDays, refuse) : null;
  return { reportFrequency: s?.frequency ?? null, reportDueDays: s?.dueDays ?? null };
}

/** The schedule a task's or an indicator's two columns hold; null for none. */
export function scheduleOfColumns(r: {
  reportFrequency?: ReportFrequency | string | null;
  reportDueDays?: number | null;
}): ReportSchedule | null {
  return r.reportFrequency ? { frequency: r.reportFrequency as ReportFrequency, dueDays: Number(r.reportDueDays ?? 0) } : null;
}

/**
 * The period of an indicator's own schedule a report's value counts for: the indicator period
 * holding the end of the report's own period (or the day it was written, if sooner), when the
 * report has one; otherwise, as for a task, the last period that had ended when it was written
 * (the first when none had). Kept inside the indicator's span (`span.dueOn`: the indicator's due
 * date, else the task's).
 */
export function indicatorPeriodKey(
  s: ReportSchedule,
  span: ScheduledSpan,
  reportPeriod: ReportPeriod | null,
  writtenDay: string,
): string {
  if (!reportPeriod) return resolvePeriodKey(s, span, null, writtenDay, () => new Error('unreachable'))!;
  const day = reportPeriod.endOn < writtenDay ? reportPeriod.endOn : writtenDay;
  const first = periodContaining(s, spanStart(span));
  const last = span.dueOn ? periodContaining(s, span.dueOn) : null;
  const p = periodContaining(s, day);
  if (p.startOn < first.startOn) return first.key;
  if (last && p.startOn > last.startOn) return last.key;
  return p.key;
}
