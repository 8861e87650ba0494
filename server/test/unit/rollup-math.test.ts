import { describe, expect, it } from 'vitest';
import { IndicatorDirection } from '../../src/modules/indicators/indicator.entity.js';
import { unitScore } from '../../src/modules/evaluations/score.js';
import {
  indicatorAchieved,
  indicatorAchievement,
  subtractRows,
  summarise,
  summariseIndicators,
  type TaskRollupRow,
} from '../../src/modules/analytics/rollup-math.js';

const open = (pastDue: boolean, started: boolean, n: number, progressSum = 0): TaskRollupRow => ({
  kind: 'OPEN',
  pastDue,
  started,
  n,
  progressSum,
});

describe('summarise', () => {
  it('turns rollup rows into derived statuses as of today', () => {
    const s = summarise(
      [
        open(true, true, 2, 60),
        open(false, false, 3),
        open(false, true, 1, 50),
        open(false, false, 1),
        { kind: 'ON_TIME', pastDue: false, started: false, n: 2, progressSum: 200 },
        { kind: 'LATE', pastDue: false, started: false, n: 1, progressSum: 100 },
        { kind: 'CANCELLED', pastDue: false, started: false, n: 1, progressSum: 0 },
      ],
      { started: { n: 0, progressSum: 0 }, notStarted: { n: 1, progressSum: 0 } },
    );
    expect(s.counts).toEqual({
      OVERDUE: 3,
      NOT_STARTED: 3,
      IN_PROGRESS: 1,
      COMPLETED_ON_TIME: 2,
      COMPLETED_LATE: 1,
      CANCELLED: 1,
    });
    expect(s.total).toBe(11);
    expect(s.completionRate).toBeCloseTo(3 / 10);
    expect(s.onTimeRate).toBeCloseTo(2 / (3 + 3));
    expect(s.lateCompletionRate).toBeCloseTo(1 / 3);
    expect(s.averageProgress).toBeCloseTo((110 + 300) / 10);
  });
  it('gives null rates rather than dividing by zero when there is nothing', () => {
    const s = summarise([]);
    expect(s).toMatchObject({
      total: 0,
      completionRate: null,
      onTimeRate: null,
      lateCompletionRate: null,
      averageProgress: null,
    });
  });
  it('leaves cancelled tasks out of every rate', () => {
    const s = summarise([{ kind: 'CANCELLED', pastDue: false, started: false, n: 5, progressSum: 0 }]);
    expect(s.counts.CANCELLED).toBe(5);
    expect(s.completionRate).toBeNull();
  });
  it('subtracts children from a subtree to leave the unit’s own tasks', () => {
    const own = subtractRows([open(false, true, 3, 90), open(true, true, 1, 10)], [open(false, true, 2, 40)]);
    expect(own).toEqual([open(false, true, 1, 50), open(true, true, 1, 10)]);
    expect(subtractRows([open(false, false, 1)], [open(false, false, 1)])).toEqual([]);
  });
});

describe('indicator achievement', () => {
  const i = (baseline: number, target: number, currentValue: number | null, direction = IndicatorDirection.HIGHER_IS_BETTER) => ({
    baseline,
    target,
    currentValue,
    direction,
  });
  it('measures the way from baseline to target, capped to 0–1', () => {
    expect(indicatorAchievement(i(40, 80, 60))).toBe(0.5);
    expect(indicatorAchievement(i(40, 80, 100))).toBe(1);
    expect(indicatorAchievement(i(40, 80, 30))).toBe(0);
  });
  it('works for a decreasing indicator', () => {
    const d = IndicatorDirection.LOWER_IS_BETTER;
    expect(indicatorAchievement(i(10, 4, 7, d))).toBe(0.5);
    expect(indicatorAchieved(i(10, 4, 4, d))).toBe(true);
    expect(indicatorAchieved(i(10, 4, 5, d))).toBe(false);
    expect(indicatorAchievement(i(10, 4, 12, d))).toBe(0);
  });
  it('decides a target equal to the baseline by direction', () => {
    expect(indicatorAchievement(i(5, 5, 5))).toBe(1);
    expect(indicatorAchievement(i(5, 5, 4))).toBe(0);
    expect(indicatorAchievement(i(5, 5, 4, IndicatorDirection.LOWER_IS_BETTER))).toBe(1);
  });
  it('has no achievement without a reported value', () => {
    expect(indicatorAchievement(i(0, 10, null))).toBeNull();
    expect(indicatorAchieved(i(0, 10, null))).toBe(false);
  });
  it('averages over indicators with a value only', () => {
    expect(summariseIndicators([{ n: 3, nWithValue: 2, nAchieved: 1, achievementSum: 1.5 }])).toEqual({
      count: 3,
      withValue: 2,
      achieved: 1,
      averageAchievement: 0.75,
    });
    expect(summariseIndicators([]).averageAchievement).toBeNull();
  });
});

describe('unitScore', () => {
  it('weighs ratings and the on-time rate, showing every part', () => {
    const s = unitScore({ doneWell: 1, done: 1, notDone: 0 }, 0.5);
    expect(s.ratingScore).toBeCloseTo(0.75);
    expect(s.score).toBeCloseTo(100 * (0.6 * 0.75 + 0.4 * 0.5));
    expect(s).toMatchObject({ rated: 2, ratingWeight: 0.6, onTimeWeight: 0.4 });
  });
  it('gives all the weight to the part that exists', () => {
    expect(unitScore({ doneWell: 0, done: 0, notDone: 0 }, 0.8)).toMatchObject({ score: 80, ratingWeight: 0, onTimeWeight: 1 });
    expect(unitScore({ doneWell: 0, done: 0, notDone: 2 }, null)).toMatchObject({ score: 0, ratingWeight: 1 });
    expect(unitScore({ doneWell: 0, done: 0, notDone: 0 }, null).score).toBeNull();
  });
});
