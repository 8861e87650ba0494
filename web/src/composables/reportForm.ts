// The report form's rules, as pure functions: what a draft must satisfy before it is saved on
// the phone, each failure named by a message key in locales/.
import type { IndicatorValue, LocalIndicator } from '../offline/types';

export interface DraftPhoto {
  id: string;
  blob: Blob;
  fileName: string;
  /** An object URL of the compressed photo, for the thumbnail. */
  previewUrl: string;
}

export interface ReportDraft {
  /** Kept as typed (a string) so "12,5" and half-typed numbers are judged, not coerced. */
  percent: string;
  values: Record<string, string>;
  narrative: string;
  hasObstacles: boolean;
  obstacles: string;
  photos: DraftPhoto[];
}

export interface FieldError {
  key: string;
  params?: Record<string, number | string>;
}

export type ReportErrors = Partial<Record<'percent' | 'narrative' | 'obstacles' | 'photos' | `value:${string}`, FieldError>>;

export const LIMITS = { narrative: 4000, obstacles: 2000, photos: 10, photoBytes: 10 * 1024 * 1024 } as const;

export function emptyDraft(percent?: number): ReportDraft {
  return {
    percent: percent === undefined ? '' : String(percent),
    values: {},
    narrative: '',
    hasObstacles: false,
    obstacles: '',
    photos: [],
  };
}

/** Reads a number typed the Vietnamese way ("12,5") or the English way ("12.5"). */
export function parseNumber(text: string): number | null {
  const cleaned = text.trim().replace(/\s/g, '');
  if (!cleaned) return null;
  const normalised = /^-?\d+,\d+$/.test(cleaned) ? cleaned.replace(',', '.') : cleaned;
  if (!/^-?\d*\.?\d+$/.test(normalised)) return Number.NaN;
  return Number(normalised);
}

/** Every problem with the draft; an empty object means it can be saved. */
export function validateReport(draft: ReportDraft, indicators: LocalIndicator[]): ReportErrors {
  const errors: ReportErrors = {};
  const percent = parseNumber(draft.percent);
  if (percent === null) errors.percent = { key: 'report.errors.percentRequired' };
  else if (Number.isNaN(percent)) errors.percent = { key: 'report.errors.notANumber' };
  else if (percent < 0 || percent > 100) errors.percent = { key: 'report.errors.percentRange' };

  for (const indicator of indicators) {
    const text = draft.values[indicator.id] ?? '';
    const value = parseNumber(text);
    if (value === null) continue; // an indicator left blank is simply not reported this time
    if (Number.isNaN(value)) errors[`value:${indicator.id}`] = { key: 'report.errors.notANumber' };
    else if (value < 0) errors[`value:${indicator.id}`] = { key: 'report.errors.valueNegative' };
  }

  const narrative = draft.narrative.trim();
  if (!narrative) errors.narrative = { key: 'report.errors.narrativeRequired' };
  else if (narrative.length > LIMITS.narrative)
    errors.narrative = { key: 'report.errors.tooLong', params: { max: LIMITS.narrative } };

  if (draft.hasObstacles) {
    const obstacles = draft.obstacles.trim();
    if (!obstacles) errors.obstacles = { key: 'report.errors.obstaclesRequired' };
    else if (obstacles.length > LIMITS.obstacles)
      errors.obstacles = { key: 'report.errors.tooLong', params: { max: LIMITS.obstacles } };
  }

  if (draft.photos.length > LIMITS.photos) errors.photos = { key: 'report.errors.tooManyPhotos', params: { max: LIMITS.photos } };
  else if (draft.photos.some((p) => p.blob.size > LIMITS.photoBytes))
    errors.photos = { key: 'report.errors.photoTooLarge', params: { max: 10 } };
  return errors;
}

/** The indicator values of a valid draft, in the outbox's shape. */
export function draftValues(draft: ReportDraft, indicators: LocalIndicator[]): IndicatorValue[] {
  const values: IndicatorValue[] = [];
  for (const indicator of indicators) {
    const value = parseNumber(draft.values[indicator.id] ?? '');
    if (value !== null && !Number.isNaN(value)) values.push({ indicatorId: indicator.id, value });
  }
  return values;
}
