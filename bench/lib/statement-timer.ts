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
