import type { EntityManager } from '@mikro-orm/postgresql';
import { ImportOutcome, type ImportReason } from './import-columns.js';
import { RowRefusal, type RowResult } from './import-plan.js';

/**
 * The staging table of one import: a temporary table of the transaction (dropped at its end)
 * that the file's rows are streamed into a page at a time, so that a file of any size is checked
 * and written set-based in PostgreSQL and never held whole in memory.
 */
export const STAGE = 'import_stage';

/** Rows per statement when staging, checking and writing. */
export const PAGE = 5_000;

/** How many rows of the outcome list a report holds: the first ones, and the first refused ones. */
export const ROW_SAMPLE = 5_000;

/** A kind's own columns of the staging table: name and SQL type. */
export type StageColumns = readonly (readonly [string, string])[];

/** A row as staged: the outcome columns, then the kind's own values by column name. */
export interface StagedRow {
  row: number;
  key: string;
  /** The value a later row repeating it is refused for (DUPLICATE_IN_FILE); null when not compared. */
  dup_key: string | null;
  outcome: ImportOutcome | null;
  col: string | null;
  reason: ImportReason | null;
  detail: string | null;
  [column: string]: unknown;
}

/** A staged row with nothing decided yet. */
export function stagedRow(row: number, key: string): StagedRow {
  return { row, key, dup_key: null, outcome: null, col: null, reason: null, detail: null };
}

/** Records a row check's refusal in its staged row (anything else is rethrown). */
export function refusedInto(staged: StagedRow, e: unknown): void {
  if (!(e instanceof RowRefusal)) throw e;
  Object.assign(staged, { outcome: ImportOutcome.REFUSED, col: e.column, reason: e.reason, detail: e.detail });
}

const BASE: StageColumns = [
  ['row', 'int'],
  ['key', 'text'],
  ['dup_key', 'text'],
  ['outcome', 'text'],
  ['col', 'text'],
  ['reason', 'text'],
  ['detail', 'text'],
];

/** Creates the staging table: the outcome columns, the kind's values, then its working columns (null until checked). */
export async function createStage(tx: EntityManager, values: StageColumns, work: StageColumns): Promise<void> {
  const columns = [...BASE, ...values, ...work].map(([name, type]) => `${name} ${type}`).join(', ');
  await tx.execute(`drop table if exists ${STAGE}`);
  await tx.execute(`create temp table ${STAGE} (${columns}, primary key (row)) on commit drop`);
}

/** Appends a page of staged rows. */
export async function insertStage(tx: EntityManager, values: StageColumns, rows: StagedRow[]): Promise<void> {
  if (!rows.length) return;
  const columns = [...BASE, ...values];
  const names = columns.map(([n]) => n).join(', ');
  await tx.execute(
    `insert into ${STAGE} (${names}) select ${names} from jsonb_to_recordset(?::jsonb) as r(${columns.map(([n, t]) => `${n} ${t}`).join(', ')})`,
    [JSON.stringify(rows)],
  );
}

/**
 * Indexes the staged rows by key and gives the planner their statistics (a temporary table is
 * never analysed by autovacuum: without them it joins 50,000 rows to 50,000 by nested loops).
 */
export async function indexStage(tx: EntityManager): Promise<void> {
  await tx.execute(`create index on ${STAGE} (key)`);
  await tx.execute(`analyze ${STAGE}`);
}

/** Refuses every row repeating an earlier row's `dup_key`, naming the earlier row. */
export async function refuseDuplicates(tx: EntityManager, column: string): Promise<void> {
  await tx.execute(
    `update ${STAGE} s set outcome = 'REFUSED', col = ?, reason = 'DUPLICATE_IN_FILE', detail = f.first::text
       from (select row, min(row) over (partition by dup_key) as first from ${STAGE} where dup_key is not null) f
      where s.row = f.row and f.row > f.first`,
    [column],
  );
}

/** The staged rows matching `where`, a page at a time in file order (keyset on the row number). */
export async function* stagePages<T extends { row: number }>(
  tx: EntityManager,
  select: string,
  where: string,
  params: unknown[] = [],
): AsyncGenerator<T[]> {
  let after = 0;
  for (;;) {
    const page = await tx.execute<T[]>(
      `select ${select} from ${STAGE} s where (${where}) and s.row > ? order by s.row limit ${PAGE}`,
      [...params, after],
    );
    if (!page.length) return;
    yield page;
    after = page[page.length - 1]!.row;
    if (page.length < PAGE) return;
  }
}

/** Writes back the outcome (and working columns) of checked rows. */
export async function settleStaged(tx: EntityManager, work: StageColumns, rows: StagedRow[]): Promise<void> {
  if (!rows.length) return;
  const columns = [...BASE.filter(([n]) => n !== 'key' && n !== 'dup_key'), ...work];
  await tx.execute(
    `update ${STAGE} s set ${columns
      .filter(([n]) => n !== 'row')
      .map(([n]) => `${n} = r.${n}`)
      .join(', ')}
       from jsonb_to_recordset(?::jsonb) as r(${columns.map(([n, t]) => `${n} ${t}`).join(', ')}) where s.row = r.row`,
    [JSON.stringify(rows)],
  );
}

const RESULT = `s.row, s.key, s.outcome, s.col as "column", s.reason, s.detail`;

/** How many rows have each outcome. */
export async function stageCounts(tx: EntityManager): Promise<Record<ImportOutcome, number>> {
  const counts = { CREATE: 0, UPDATE: 0, UNCHANGED: 0, REFUSED: 0 } as Record<ImportOutcome, number>;
  for (const r of await tx.execute<{ outcome: ImportOutcome; n: number }[]>(
    `select outcome, count(*)::int as n from ${STAGE} group by outcome`,
  ))
    counts[r.outcome] = r.n;
  return counts;
}

/** Every row's outcome, a page at a time in file order. */
export function resultPages(tx: EntityManager): AsyncGenerator<RowResult[]> {
  return stagePages<RowResult>(tx, RESULT, 'true');
}

/** The first rows of the file and its first refused rows (each at most ROW_SAMPLE), in file order. */
export async function sampleResults(tx: EntityManager, refusedOnly = ROW_SAMPLE): Promise<RowResult[]> {
  return tx.execute<RowResult[]>(
    `select * from ((select ${RESULT} from ${STAGE} s order by s.row limit ${ROW_SAMPLE})
                    union (select ${RESULT} from ${STAGE} s where s.outcome = 'REFUSED' order by s.row limit ${refusedOnly})) x
      order by row`,
  );
}

/** The first refused rows, in file order. */
export async function firstRefused(tx: EntityManager, n: number): Promise<RowResult[]> {
  return tx.execute<RowResult[]>(`select ${RESULT} from ${STAGE} s where s.outcome = 'REFUSED' order by s.row limit ${n}`);
}
