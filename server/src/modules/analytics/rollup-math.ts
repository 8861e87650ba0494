import { IndicatorDirection } from '../indicators/indicator.entity.js';
import { TaskStatus } from '../tasks/task.enums.js';

/** Rows of `task_rollup`, summed over whatever the caller grouped by. */
export interface TaskRollupRow {
  kind: 'OPEN' | 'ON_TIME' | 'LATE' | 'CANCELLED';
  /** Open tasks due in a month before the current one: overdue outright. */
  pastDue: boolean;
  started: boolean;
  n: number;
  progressSum: number;
}

/** Open tasks due earlier this month (before today): overdue, though their rollup month is current. */
export interface OverdueCorrection {
  started: { n: number; progressSum: number };
  notStarted: { n: number; progressSum: number };
}

export type StatusCounts = Record<TaskStatus, number>;

export interface Summary {
  total: number;
  counts: StatusCounts;
  /** Completed ÷ (total − cancelled). */
  completionRate: number | null;
  /** Completed on time ÷ (completed + overdue): of the work that should be done by now, the share done in time. */
  onTimeRate: number | null;
  /** Completed late ÷ completed. */
  lateCompletionRate: number | null;
  /** Mean progress of tasks not cancelled, completed ones counting as 100. */
  averageProgress: number | null;
}

export interface IndicatorRollupRow {
  n: number;
  nWithValue: number;
  nAchieved: number;
  achievementSum: number;
}

export interface IndicatorSummary {
  count: number;
  withValue: number;
  achieved: number;
  /** Mean share of the way from baseline to target over indicators with a value, 0–1. */
  averageAchievement: number | null;
}

export const emptyCounts = (): StatusCounts => ({
  [TaskStatus.NOT_STARTED]: 0,
  [TaskStatus.IN_PROGRESS]: 0,
  [TaskStatus.OVERDUE]: 0,
  [TaskStatus.COMPLETED_ON_TIME]: 0,
  [TaskStatus.COMPLETED_LATE]: 0,
  [TaskStatus.CANCELLED]: 0,
});

const ratio = (num: number, den: number): number | null => (den > 0 ? num / den : null);

/** First day of `day`'s month, YYYY-MM-DD. */
export function monthStart(day: string): string {
  return `${day.slice(0, 7)}-01`;
}

/**
 * Turns rollup rows into derived-status counts and rates. Months before the current one are
 * overdue outright; the current month's open tasks are split at today by `correction`.
 */
export function summarise(rows: TaskRollupRow[], correction?: OverdueCorrection): Summary {
  const counts = emptyCounts();
  let openProgress = 0;
  for (const r of rows) {
    if (r.kind === 'CANCELLED') counts.CANCELLED += r.n;
    else if (r.kind === 'ON_TIME') counts.COMPLETED_ON_TIME += r.n;
    else if (r.kind === 'LATE') counts.COMPLETED_LATE += r.n;
    else {
      openProgress += r.progressSum;
      if (r.pastDue) counts.OVERDUE += r.n;
      else if (r.started) counts.IN_PROGRESS += r.n;
      else counts.NOT_STARTED += r.n;
    }
  }
  if (correction) {
    counts.IN_PROGRESS -= correction.started.n;
    counts.NOT_STARTED -= correction.notStarted.n;
    counts.OVERDUE += correction.started.n + correction.notStarted.n;
  }
  return summaryFromCounts(counts, openProgress);
}

/** Rates from counts; `openProgressSum` is the summed progress of open tasks. */
export function summaryFromCounts(counts: StatusCounts, openProgressSum: number): Summary {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const completed = counts.COMPLETED_ON_TIME + counts.COMPLETED_LATE;
  const live = total - counts.CANCELLED;
  return {
    total,
    counts,
    completionRate: ratio(completed, live),
    onTimeRate: ratio(counts.COMPLETED_ON_TIME, completed + counts.OVERDUE),
    lateCompletionRate: ratio(counts.COMPLETED_LATE, completed),
    averageProgress: ratio(openProgressSum + 100 * completed, live),
  };
}

/** Subtracts `b` from `a` row by row (a unit's own tasks = its subtree minus its children's). */
export function subtractRows(a: TaskRollupRow[], b: TaskRollupRow[]): TaskRollupRow[] {
  const key = (r: TaskRollupRow) => `${r.kind}|${r.pastDue}|${r.started}`;
  const out = new Map<string, TaskRollupRow>();
  for (const r of a) {
    const k = key(r);
    const cur = out.get(k);
    out.set(k, cur ? { ...cur, n: cur.n + r.n, progressSum: cur.progressSum + r.progressSum } : { ...r });
  }
  for (const r of b) {
    const k = key(r);
    const cur = out.get(k) ?? { ...r, n: 0, progressSum: 0 };
    out.set(k, { ...cur, n: cur.n - r.n, progressSum: cur.progressSum - r.progressSum });
  }
  return [...out.values()].filter((r) => r.n !== 0);
}

export function summariseIndicators(rows: IndicatorRollupRow[]): IndicatorSummary {
  const s = rows.reduce(
    (acc, r) => ({
      n: acc.n + r.n,
      nWithValue: acc.nWithValue + r.nWithValue,
      nAchieved: acc.nAchieved + r.nAchieved,
      achievementSum: acc.achievementSum + r.achievementSum,
    }),
    { n: 0, nWithValue: 0, nAchieved: 0, achievementSum: 0 },
  );
  return {
    count: s.n,
    withValue: s.nWithValue,
    achieved: s.nAchieved,
    averageAchievement: ratio(s.achievementSum, s.nWithValue),
  };
}

export interface IndicatorValues {
  baseline: number;
  target: number;
  currentValue?: number | null;
  direction: IndicatorDirection;
}

/**
 * Share of the way from baseline to target, clamped to 0–1; null without a current value.
 * The sign of (target − baseline) carries the direction; when the target equals the baseline
 * the direction decides whether the current value meets it. Mirrors SQL `indicator_achievement`.
 */
export function indicatorAchievement(i: IndicatorValues): number | null {
  if (i.currentValue === null || i.currentValue === undefined) return null;
  if (i.target === i.baseline) return indicatorAchieved(i) ? 1 : 0;
  return Math.max(0, Math.min(1, (i.currentValue - i.baseline) / (i.target - i.baseline)));
}

/** Whether the current value meets the target in the indicator's direction. */
export function indicatorAchieved(i: IndicatorValues): boolean {
  if (i.currentValue === null || i.currentValue === undefined) return false;
  return i.direction === IndicatorDirection.HIGHER_IS_BETTER ? i.currentValue >= i.target : i.currentValue <= i.target;
}
