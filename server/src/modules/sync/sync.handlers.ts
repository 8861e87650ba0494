import { AppError, ErrorCode } from '../../common/errors.js';
import type { SyncHandlers } from './sync.service.js';

/**
 * Each outbox kind applied through the service that owns it (reports, tasks, notifications), so
 * a synced change obeys exactly the rules of the same change made online.
 */
export function syncHandlers(): SyncHandlers {
  const unavailable = async (): Promise<never> => {
    throw new AppError(ErrorCode.BAD_USER_INPUT, 'not available yet');
  };
  return { createReport: unavailable, updateTask: unavailable, markNotificationRead: unavailable };
}
