import { registerEnumType } from 'type-graphql';

export enum EvaluationRating {
  DONE_WELL = 'DONE_WELL',
  DONE = 'DONE',
  NOT_DONE = 'NOT_DONE',
}
registerEnumType(EvaluationRating, { name: 'EvaluationRating', description: 'A leader’s rating of a task for a period' });

/** Points per rating, out of `RATING_MAX`. */
export const RATING_POINTS: Record<EvaluationRating, number> = {
  [EvaluationRating.DONE_WELL]: 2,
  [EvaluationRating.DONE]: 1,
  [EvaluationRating.NOT_DONE]: 0,
};
export const RATING_MAX = 2;
/** Weights of the two parts; a missing part leaves the other with all the weight. */
export const RATING_WEIGHT = 0.6;
export const ON_TIME_WEIGHT = 0.4;

export interface RatingCounts {
  doneWell: number;
  done: number;
  notDone: number;
}

export interface ScoreParts extends RatingCounts {
  rated: number;
  /** Rating points ÷ (2 × rated), 0–1; null with no ratings. */
  ratingScore: number | null;
  /** On-time rate of the unit's tasks, 0–1; null when nothing was due or done. */
  onTimeRate: number | null;
  ratingWeight: number;
  onTimeWeight: number;
  /** 0–100; null when neither part exists. */
  score: number | null;
  formula: string;
}

/** A unit's score from its tasks' ratings and its on-time rate, with every part shown. */
export function unitScore(ratings: RatingCounts, onTimeRate: number | null): ScoreParts {
  const rated = ratings.doneWell + ratings.done + ratings.notDone;
  const points =
    ratings.doneWell * RATING_POINTS.DONE_WELL + ratings.done * RATING_POINTS.DONE + ratings.notDone * RATING_POINTS.NOT_DONE;
  const ratingScore = rated > 0 ? points / (RATING_MAX * rated) : null;
  let ratingWeight = ratingScore === null ? 0 : RATING_WEIGHT;
  let onTimeWeight = onTimeRate === null ? 0 : ON_TIME_WEIGHT;
  const sum = ratingWeight + onTimeWeight;
  if (sum > 0) {
    ratingWeight /= sum;
    onTimeWeight /= sum;
  }
  const score = sum > 0 ? 100 * (ratingWeight * (ratingScore ?? 0) + onTimeWeight * (onTimeRate ?? 0)) : null;
  return {
    ...ratings,
    rated,
    ratingScore,
    onTimeRate,
    ratingWeight,
    onTimeWeight,
    score: score === null ? null : Math.round(score * 10) / 10,
    formula: '100 × (wRating × (2·doneWell + 1·done) ÷ (2·rated) + wOnTime × onTimeRate)',
  };
}
