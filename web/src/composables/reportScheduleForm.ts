import type { ReportFrequency } from '../graphql/plan';

/** The committee forms' reporting schedule as typed: no frequency means "not periodic". */
export interface ScheduleDraft {
  frequency: ReportFrequency | '';
  dueDays: string;
}

export const FREQUENCIES: ReportFrequency[] = ['MONTHLY', 'QUARTERLY', 'HALF_YEARLY', 'YEARLY'];
/** The server's bound (server/src/modules/tasks/report-schedule.ts, MAX_DUE_DAYS). */
export const MAX_DUE_DAYS = 366;

export function scheduleDraftOf(s: { frequency: ReportFrequency; dueDays: number } | null | undefined): ScheduleDraft {
  return s ? { frequency: s.frequency, dueDays: String(s.dueDays) } : { frequency: '', dueDays: '5' };
}

/** The message key for a bad "due days" value, or null when the draft can be sent. */
export function scheduleError(d: ScheduleDraft): string | null {
  if (!d.frequency) return null;
  const text = d.dueDays.trim();
  if (!/^\d+$/.test(text) || Number(text) > MAX_DUE_DAYS) return 'taskPlan.validation.dueDays';
  return null;
}

/** The API's `reportSchedule` input: null removes the schedule. Call after `scheduleError`. */
export function scheduleInput(d: ScheduleDraft): { frequency: ReportFrequency; dueDays: number } | null {
  return d.frequency ? { frequency: d.frequency, dueDays: Number(d.dueDays.trim()) } : null;
}
