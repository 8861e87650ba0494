import type { EntityManager } from '@mikro-orm/postgresql';
import { ImportOutcome, ImportReason } from './import-columns.js';
import type { Cell } from './import-reader.js';

/** One data row of the file, its cells by column key. */
export interface SourceRow {
  row: number;
  values: Record<string, Cell>;
}

/** What importing one row does, or why it is refused (the row, the column and the reason). */
export interface RowResult {
  row: number;
  outcome: ImportOutcome;
  /** The row's unit code, username or task reference, as written. */
  key: string;
  column: string | null;
  reason: ImportReason | null;
  /** What the reason refers to: the parent's due date, the missing roles, the value at fault. */
  detail: string | null;
}

const MESSAGES: Record<ImportReason, (detail: string | null) => string> = {
  MISSING_VALUE: () => 'a value is required',
  BAD_VALUE: (d) => `the value is not accepted${d ? ` (${d})` : ''}`,
  BAD_DATE: (d) => `"${d ?? ''}" is not a date (YYYY-MM-DD or DD/MM/YYYY)`,
  DUPLICATE_IN_FILE: (d) => `the same value is already on row ${d}`,
  UNKNOWN_PARENT: (d) => `no unit has the parent code "${d}", in the file or among existing units`,
  OUTSIDE_SUBTREE: (d) => `the unit "${d}" is outside your subtree`,
  PARENT_REFUSED: (d) => `its parent (row ${d}) is refused`,
  PARENT_CYCLE: () => 'the parents of these rows form a loop',
  INACTIVE_UNIT: (d) => `the unit "${d}" is deactivated`,
  UNKNOWN_UNIT: (d) => `no unit has the code "${d}"`,
  DUPLICATE_USERNAME: (d) => `the username "${d}" is already taken`,
  ROLE_NOT_HELD: (d) => `you cannot grant or remove a role you do not hold (${d})`,
  OWN_ACCOUNT: () => 'your own account cannot be changed by an import',
  NOT_IMPORTABLE_CHANGE: (d) => `an import does not change this (${d}); use the app's screen for it`,
  UNKNOWN_RESOLUTION: (d) => `no resolution has the code "${d}"`,
  NO_PLAN: (d) => `your unit has no action plan for ${d}`,
  UNKNOWN_PARENT_TASK: (d) => `no task has the reference "${d}", in the file or among the tasks you manage`,
  REFERENCE_IN_USE: (d) => `the reference "${d}" belongs to a task you do not manage`,
  DUE_AFTER_PARENT: (d) => `the due date is after the parent task's (${d})`,
  DUE_BEFORE_START: () => 'the due date is before the start date',
  TASK_CLOSED: (d) => `the task "${d}" is completed or cancelled`,
};

/** The reason of a refused row in English words (the web app has its own, in both languages). */
export function reasonMessage(reason: ImportReason, detail: string | null): string {
  return MESSAGES[reason](detail);
}

/** A refusal: thrown inside a row's checks, caught into its result. */
export class RowRefusal {
  constructor(
    readonly column: string,
    readonly reason: ImportReason,
    readonly detail: string | null = null,
  ) {}
}

export const refuse = (column: string, reason: ImportReason, detail: string | null = null): never => {
  throw new RowRefusal(column, reason, detail);
};

/** The cell as text ('' when empty); a date cell as its day. */
export function text(values: Record<string, Cell>, key: string): string {
  const v = values[key];
  if (v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  // Control characters a spreadsheet can carry invisibly (tabs and line breaks kept) would end up in names.
  // eslint-disable-next-line no-control-regex
  return v.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').trim();
}

/** A required text of at most `max` characters. */
export function required(values: Record<string, Cell>, key: string, max: number): string {
  const v = text(values, key);
  if (!v) refuse(key, ImportReason.MISSING_VALUE);
  if (v.length > max) refuse(key, ImportReason.BAD_VALUE, `at most ${max} characters`);
  return v;
}

/** An optional text of at most `max` characters, or null. */
export function optional(values: Record<string, Cell>, key: string, max: number): string | null {
  const v = text(values, key);
  if (v.length > max) refuse(key, ImportReason.BAD_VALUE, `at most ${max} characters`);
  return v || null;
}

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const VN = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;

/** A day from a date cell, `YYYY-MM-DD` or `DD/MM/YYYY` (as written in Vietnam), or null when empty. */
export function day(values: Record<string, Cell>, key: string): string | null {
  const v = values[key];
  if (v === undefined || v === '') return null;
  if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) refuse(key, ImportReason.BAD_DATE, 'invalid');
    return v.toISOString().slice(0, 10);
  }
  const iso = ISO.exec(v);
  const vn = VN.exec(v);
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : vn ? [vn[3], vn[2], vn[1]] : [null, null, null];
  if (!y) return refuse(key, ImportReason.BAD_DATE, v.slice(0, 40));
  const out = `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
  const parsed = new Date(`${out}T00:00:00Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== out)
    refuse(key, ImportReason.BAD_DATE, v.slice(0, 40));
  return out;
}

/** Rows of a select over a large set of keys, asked in slices (one statement per 10,000 keys). */
export async function selectByKeys<T>(em: EntityManager, sql: string, keys: string[], extra: unknown[] = []): Promise<T[]> {
  const out: T[] = [];
  const unique = [...new Set(keys)];
  for (let i = 0; i < unique.length; i += 10_000) {
    const slice = unique.slice(i, i + 10_000);
    out.push(...(await em.execute<T[]>(sql, [JSON.stringify(slice), ...extra])));
  }
  return out;
}

/** The SQL that turns the one JSON parameter of `selectByKeys` into a text array. */
export const KEYS = `array(select jsonb_array_elements_text(?::jsonb))`;

/** Runs `write` over `rows` in slices of `size`, reporting progress after each. */
export async function inSlices<T>(
  rows: T[],
  size: number,
  write: (slice: T[]) => Promise<void>,
  progress: (n: number) => void,
): Promise<void> {
  for (let i = 0; i < rows.length; i += size) {
    const slice = rows.slice(i, i + size);
    await write(slice);
    progress(slice.length);
  }
}
