/**
 * Times every SQL statement the app sends while recording: a MikroORM query logger that keeps
 * each statement's text and its `[took N ms]` (trigger work counts in its statement).
 */
import { createLogger } from '../../server/src/common/logger.js';

export interface StatementTiming {
  sql: string;
  ms: number;
}

export function statementTimer() {
  const timings: StatementTiming[] = [];
  let recording = false;
  const logger = {
    debug(message: string) {
      if (!recording) return;
      const took = /\[took (\d+(?:\.\d+)?) ms/.exec(message);
      const sql = message
        .replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '') // MikroORM colours its lines
        .replace(/^\[query\]\s*/, '')
        .replace(/\s*\[took.*$/s, '');
      if (took) timings.push({ sql, ms: Number(took[1]) });
    },
  } as unknown as ReturnType<typeof createLogger>;
  return {
    /** Pass to `ormOptions` as its logger. */
    logger,
    timings,
    start() {
      timings.length = 0;
      recording = true;
    },
    stop() {
      recording = false;
    },
  };
}

/** A statement's shape: literals and numbers out, so the same statement groups whatever its values. */
const shape = (sql: string) =>
  sql
    .replace(/'[^']*'/g, '?')
    .replace(/\b\d+\b/g, 'N')
    .replace(/\s+/g, ' ')
    .slice(0, 110);

/** Timings grouped by statement shape, the most time first: [shape, count, total ms, per call ms, max ms]. */
export function statementGroups(timings: StatementTiming[], top = 15): string[][] {
  const groups = new Map<string, { n: number; ms: number; max: number }>();
  for (const t of timings) {
    const g = groups.get(shape(t.sql)) ?? { n: 0, ms: 0, max: 0 };
    g.n++;
    g.ms += t.ms;
    g.max = Math.max(g.max, t.ms);
    groups.set(shape(t.sql), g);
  }
  return [...groups.entries()]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, top)
    .map(([sql, g]) => [`\`${sql}\``, String(g.n), g.ms.toFixed(0), (g.ms / g.n).toFixed(2), String(g.max)]);
}

export const STATEMENT_COLUMNS = ['statement', 'count', 'total ms', 'per call ms', 'max ms'];
