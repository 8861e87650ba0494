import { describe, expect, it } from 'vitest';
import { weightedRollup } from '../../src/modules/tasks/task-progress.js';

describe('weightedRollup', () => {
  it('weighs each child’s progress by its weight', () => {
    expect(
      weightedRollup([
        { weight: 3, progress: 100 },
        { weight: 1, progress: 0 },
      ]),
    ).toBe(75);
  });

  it('gives equal weights a plain mean', () => {
    expect(
      weightedRollup([
        { weight: 1, progress: 20 },
        { weight: 1, progress: 40 },
        { weight: 1, progress: 60 },
      ]),
    ).toBe(40);
  });

  it('reaches exactly 100 when every child is done', () => {
    expect(weightedRollup([1, 1, 1].map((weight) => ({ weight, progress: 100 })))).toBe(100);
  });

  it('has nothing to say without children', () => {
    expect(weightedRollup([])).toBeNull();
  });
});
