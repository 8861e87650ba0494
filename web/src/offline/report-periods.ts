/**
 * Periodic reporting on the phone: the same period arithmetic as the server's
 * server/src/modules/tasks/report-schedule.ts, over the synced schedule, so the field app lists
 * "report for 11/2026, due 05/12/2026" with no network. Days are YYYY-MM-DD in Vietnam; period
 * keys are 2026-11 (month), 2026-Q4, 2026-H2, 2026 (year). Plain TypeScript, no Vue.
 */

export type ReportFrequency = 'MONTHLY' | 'QUARTERLY' | 'HALF_YEARLY' | 'YEARLY';

/** A synced task's schedule (SyncReportSchedule): `fromOn` is the first day it covers. */
export interface LocalReportSchedule {
  frequency: ReportFrequency;
  dueDays: number;
  fromOn: string;
}

export interface ReportPeriod {
  key: string;
  startOn: string;
  endOn: string;
  /** The last day its report is on time. */
  dueOn: string;
}

/** A period of a task as the phone shows it. */
export interface TaskPeriod extends ReportPeriod {
  /** A report for it exists on this device (sent or not). */
  reported: boolean;
  /** Its due day has passed and no report for it exists. */
  missed: boolean;
}

const MONTHS: Record<ReportFrequency, number> = { MONTHLY: 1, QUARTERLY: 3, HALF_YEARLY: 6, YEARLY: 12 };
const MAX_PERIODS = 240;
const DAY_MS = 86_400_000;
const pad = (n: number) => String(n).padStart(2, '0');

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function periodAt(frequency: ReportFrequency, dueDays: number, year: number, month0: number): ReportPeriod {
  const span = MONTHS[frequency];
  const endMonth = month0 + span; // 1-based month of the last month
  const lastDay = new Date(Date.UTC(year, endMonth, 0)).getUTCDate();
  const index = month0 / span + 1;
  const key =
    frequency === 'MONTHLY'
      ? `${year}-${pad(month0 + 1)}`
      : frequency === 'QUARTERLY'
        ? `${year}-Q${index}`
        : frequency === 'HALF_YEARLY'
          ? `${year}-H${index}`
          : `${year}`;
  const endOn = `${year}-${pad(endMonth)}-${pad(lastDay)}`;
  return { key, startOn: `${year}-${pad(month0 + 1)}-01`, endOn, dueOn: addDays(endOn, dueDays) };
}

/** The period of the schedule containing `day`. */
export function periodContaining(s: Pick<LocalReportSchedule, 'frequency' | 'dueDays'>, day: string): ReportPeriod {
  const year = Number(day.slice(0, 4));
  const month0 = Number(day.slice(5, 7)) - 1;
  return periodAt(s.frequency, s.dueDays, year, month0 - (month0 % MONTHS[s.frequency]));
}

/**
 * The task's periods begun by `today`, oldest first (to its due date at the latest), each with
 * whether a report for it exists here and whether it was missed.
 */
export function taskPeriods(
  s: LocalReportSchedule,
  task: { dueOn: string | null },
  reportedKeys: ReadonlySet<string>,
  today: string,
): TaskPeriod[] {
  const until = task.dueOn && task.dueOn < today ? task.dueOn : today;
  const out: TaskPeriod[] = [];
  for (
    let p = periodContaining(s, s.fromOn);
    p.startOn <= until && out.length < MAX_PERIODS;
    p = periodContaining(s, addDays(p.endOn, 1))
  ) {
    const reported = reportedKeys.has(p.key);
    out.push({ ...p, reported, missed: !reported && p.dueOn < today });
  }
  return out;
}

/**
 * The period a new report is for by default: the oldest one not reported whose period has
 * ended, else the current one (reporting early is allowed); null when the schedule has no
 * period yet.
 */
export function nextPeriodToReport(periods: TaskPeriod[], today: string): TaskPeriod | null {
  return periods.find((p) => !p.reported && p.endOn < today) ?? periods.find((p) => !p.reported) ?? periods.at(-1) ?? null;
}

/** The first day of the period a key names (2026-11, 2026-Q4, 2026-H2, 2026). */
function keyStart(key: string): string {
  const [year, part] = key.split('-');
  if (!part) return `${year}-01-01`;
  if (part.startsWith('Q')) return `${year}-${pad((Number(part.slice(1)) - 1) * 3 + 1)}-01`;
  if (part.startsWith('H')) return `${year}-${part === 'H1' ? '01' : '07'}-01`;
  return `${year}-${part}-01`;
}

/**
 * The period of an indicator's own schedule a report's value counts for, as the server's
 * `indicatorPeriodKey` (tasks/report-schedule.ts): the indicator period holding the end of the
 * report's own period (or the day it was written, if sooner) when the report has one (a task
 * schedule of `taskSchedule`'s frequency); otherwise the last period that had ended when it was
 * written, the first when none had. Kept between the schedule's `fromOn` and `dueOn`.
 */
export function indicatorPeriodKey(
  s: LocalReportSchedule,
  dueOn: string | null,
  report: { periodKey?: string | null; writtenDay: string },
  taskSchedule: Pick<LocalReportSchedule, 'frequency' | 'dueDays'> | null,
): string {
  const first = periodContaining(s, s.fromOn);
  const last = dueOn ? periodContaining(s, dueOn) : null;
  const clamp = (p: ReportPeriod) =>
    p.startOn < first.startOn ? first.key : last && p.startOn > last.startOn ? last.key : p.key;
  if (report.periodKey && taskSchedule) {
    const end = periodContaining(taskSchedule, keyStart(report.periodKey)).endOn;
    return clamp(periodContaining(s, end < report.writtenDay ? end : report.writtenDay));
  }
  const current = periodContaining(s, report.writtenDay);
  if (current.startOn <= first.startOn) return first.key;
  return clamp(periodContaining(s, addDays(current.startOn, -1)));
}

/** A period key as written: 11/2026; Q4/2026 and H2/2026 (quý 4/2026, 6 tháng cuối năm 2026 in Vietnamese); 2026. */
export function periodLabel(key: string, lang: 'vi' | 'en'): string {
  const [year, part] = key.split('-');
  if (!part) return lang === 'vi' ? `năm ${year}` : `${year}`;
  if (part.startsWith('Q')) return lang === 'vi' ? `quý ${part.slice(1)}/${year}` : `${part}/${year}`;
  if (part.startsWith('H')) return lang === 'vi' ? `6 tháng ${part === 'H1' ? 'đầu' : 'cuối'} năm ${year}` : `${part}/${year}`;
  return `${part}/${year}`;
}
