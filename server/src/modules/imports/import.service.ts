import { PassThrough } from 'node:stream';
import type { EntityManager } from '@mikro-orm/postgresql';
import ExcelJS from 'exceljs';
import { randomUUID } from 'node:crypto';
import { AppError, BadInputError, ConflictError, ErrorCode, ForbiddenError, NotFoundError } from '../../common/errors.js';
import { assertUuid } from '../../common/ids.js';
import { Role } from '../accounts/role.js';
import { hasRole, type Viewer } from '../scope/viewer.js';
import { ACCOUNT_VALUES, ACCOUNT_WORK, checkAccounts, stageAccount, writeAccounts, type IssuedCode } from './account-import.js';
import { COLUMNS, ImportKind, ImportOutcome, mapHeader } from './import-columns.js';
import { reasonMessage, type RowResult, type SourceRow } from './import-plan.js';
import { readRows, sniffFormat, type Cell, type ImportFormat } from './import-reader.js';
import {
  PAGE,
  ROW_SAMPLE,
  createStage,
  firstRefused,
  indexStage,
  insertStage,
  resultPages,
  sampleResults,
  stageCounts,
  type StagedRow,
} from './import-stage.js';
import { planTasks, writeTasks } from './task-import.js';
import { UNIT_VALUES, UNIT_WORK, checkUnits, stageUnit, writeUnits } from './unit-import.js';

/** How far an import has come: rows read, checked, written. */
export type ImportPhase = 'read' | 'check' | 'write';
export type ProgressListener = (phase: ImportPhase, done: number, total: number) => void;

/** The one-time codes of the accounts an applied import created (never stored in clear), as the sheet to hand out. */
export interface ActivationCodes {
  count: number;
  sheet: Buffer;
  expiresAt: Date;
}

export interface ImportReport {
  kind: ImportKind;
  applied: boolean;
  /** The first rows of the file and its refused rows (at most ROW_SAMPLE of each), in file order. */
  rows: RowResult[];
  totalRows: number;
  counts: Record<ImportOutcome, number>;
  activationCodes: ActivationCodes | null;
}

export interface ImportOptions {
  apply: boolean;
  activationCodeDays: number;
  onProgress?: ProgressListener;
  /** Every row's outcome, a page at a time in file order, once the rows are checked (before an apply is refused). */
  onResults?: (rows: RowResult[]) => void;
}

/** At most this many rows in one file: a country's accounts with room to spare. */
export const MAX_ROWS = 500_000;

/** Who may import what: administrators units and accounts, focal officers tasks. */
export function assertCanImport(viewer: Viewer, kind: ImportKind): void {
  if (kind === ImportKind.TASKS) {
    if (!hasRole(viewer, Role.FOCAL)) throw new ForbiddenError('Only focal officers import tasks');
  } else if (!hasRole(viewer, Role.ADMIN)) throw new ForbiddenError('Only administrators import units and accounts');
}

/** A file uploaded for import, as the dry run and the apply read it. */
interface Upload {
  id: string;
  kind: ImportKind;
  format: ImportFormat;
  file_name: string;
  content: Buffer | null;
  state: string;
}

export interface UploadProgress {
  state: string;
  phase: string | null;
  processed: number;
  total: number | null;
}

export class ImportService {
  constructor(private readonly activationCodeDays: number) {}

  /** Keeps an uploaded file for its dry run and apply; files older than a day are dropped. */
  async upload(
    em: EntityManager,
    viewer: Viewer,
    kind: ImportKind,
    fileName: string,
    bytes: Buffer,
  ): Promise<{ id: string; format: ImportFormat; size: number }> {
    assertCanImport(viewer, kind);
    if (!bytes.length) throw new BadInputError('body', 'The file is empty');
    const format = sniffFormat(bytes);
    const id = randomUUID();
    await em.transactional(async (tx) => {
      await tx.execute(`delete from import_upload where account_id = ? and created_at < now() - interval '1 day'`, [
        viewer.accountId,
      ]);
      await tx.execute(
        `insert into import_upload (id, account_id, kind, format, file_name, size, content) values (?, ?, ?, ?, ?, ?, ?)`,
        [id, viewer.accountId, kind, format, fileName.slice(0, 255) || `import.${format}`, bytes.length, bytes],
      );
    });
    return { id, format, size: bytes.length };
  }

  /** The dry run of an uploaded file: every row's outcome, nothing written. */
  async preview(em: EntityManager, viewer: Viewer, uploadId: string): Promise<ImportReport & { uploadId: string }> {
    const upload = await this.load(em, viewer, uploadId);
    if (!upload.content) throw new BadInputError('uploadId', 'This file has already been imported; upload it again to check it');
    const report = await this.run(em, viewer, upload.kind, upload.content, upload.format, {
      apply: false,
      activationCodeDays: this.activationCodeDays,
    });
    return { ...report, uploadId };
  }

  /**
   * Applies an uploaded file, all or nothing; its progress is readable meanwhile
   * (`progress`). Once applied the file is dropped: the codes of new accounts are in the answer only.
   */
  async apply(em: EntityManager, viewer: Viewer, uploadId: string): Promise<ImportReport & { uploadId: string }> {
    const upload = await this.load(em, viewer, uploadId);
    const conn = em.getConnection();
    const claimed = await conn.execute<{ id: string }[]>(
      `update import_upload set state = 'APPLYING', processed = 0, total = null where id = ? and state = 'UPLOADED' and content is not null returning id`,
      [upload.id],
    );
    if (!claimed.length) throw new ConflictError('This file is being imported or has been imported already');
    let last = 0;
    const onProgress: ProgressListener = (phase, done, total) => {
      const now = Date.now();
      if (now - last < 500 && done !== total) return;
      last = now;
      void conn
        .execute(`update import_upload set phase = ?, processed = ?, total = ? where id = ?`, [
          phase,
          done,
          total || null,
          upload.id,
        ])
        .catch(() => undefined);
    };
    try {
      const report = await this.run(em, viewer, upload.kind, upload.content!, upload.format, {
        apply: true,
        activationCodeDays: this.activationCodeDays,
        onProgress,
      });
      await conn.execute(`update import_upload set state = 'APPLIED', content = null, finished_at = now() where id = ?`, [
        upload.id,
      ]);
      return { ...report, uploadId };
    } catch (error) {
      await conn
        .execute(`update import_upload set state = 'UPLOADED', phase = null where id = ?`, [upload.id])
        .catch(() => undefined);
      throw error;
    }
  }

  /** How far the apply of an uploaded file has come. */
  async progress(em: EntityManager, viewer: Viewer, uploadId: string): Promise<UploadProgress> {
    assertUuid('uploadId', uploadId);
    const [row] = await em.execute<UploadProgress[]>(
      `select state, phase, processed, total from import_upload where id = ? and account_id = ?`,
      [uploadId, viewer.accountId],
    );
    if (!row) throw new NotFoundError('ImportUpload', uploadId);
    return row;
  }

  private async load(em: EntityManager, viewer: Viewer, uploadId: string): Promise<Upload> {
    assertUuid('uploadId', uploadId);
    const [row] = await em.execute<Upload[]>(
      `select id, kind, format, file_name, content, state from import_upload where id = ? and account_id = ?`,
      [uploadId, viewer.accountId],
    );
    if (!row) throw new NotFoundError('ImportUpload', uploadId);
    return row;
  }

  /**
   * Reads the file (streamed), checks every row and, with `apply`, writes all of it in one
   * transaction or, when any row is refused, nothing (BAD_USER_INPUT naming the first refused
   * rows). Re-importing a file already applied changes nothing. Units and accounts are streamed
   * into a staging table a page at a time and checked and written from there, so memory stays
   * bounded whatever the file's size; a tasks file (one row per task a plan assigns) is checked
   * in memory.
   */
  async run(
    em: EntityManager,
    viewer: Viewer,
    kind: ImportKind,
    bytes: Buffer,
    format: ImportFormat,
    options: ImportOptions,
  ): Promise<ImportReport> {
    assertCanImport(viewer, kind);
    if (kind === ImportKind.TASKS) return this.runTasks(em, viewer, bytes, format, options);
    const progress = options.onProgress ?? (() => undefined);
    const expiresAt = new Date(Date.now() + options.activationCodeDays * 86_400_000);
    const [values, work, stageRow] =
      kind === ImportKind.UNITS ? [UNIT_VALUES, UNIT_WORK, stageUnit] : [ACCOUNT_VALUES, ACCOUNT_WORK, stageAccount];
    // A dry run too runs in a transaction: the staging table lives as long as it, on its one connection.
    return em.transactional(async (tx) => {
      // One import of a kind at a time: two files naming the same new unit or username wait for each other.
      if (options.apply) await tx.execute(`select pg_advisory_xact_lock(hashtext(?))`, [`resolute-import:${kind}`]);
      await createStage(tx, values, work);
      let total = 0;
      let page: StagedRow[] = [];
      for await (const src of sourceRows(kind, bytes, format)) {
        page.push(stageRow(src));
        if (++total % PAGE === 0) {
          await insertStage(tx, values, page);
          page = [];
          if (total % 10_000 === 0) progress('read', total, 0);
        }
      }
      await insertStage(tx, values, page);
      await indexStage(tx);
      progress('read', total, total);
      if (!total) throw new BadInputError('file', 'The file has a header but no rows');
      progress('check', 0, total);
      if (kind === ImportKind.UNITS) await checkUnits(tx, viewer);
      else await checkAccounts(tx, viewer);
      progress('check', total, total);
      const counts = await stageCounts(tx);
      if (options.onResults) for await (const results of resultPages(tx)) options.onResults(results);
      if (options.apply && counts.REFUSED) {
        const refused = await firstRefused(tx, 20);
        const first = refused[0]!;
        throw new AppError(
          ErrorCode.BAD_USER_INPUT,
          `${counts.REFUSED} row(s) refused, so nothing was imported; row ${first.row}, column ${first.column}: ${reasonMessage(first.reason!, first.detail)}`,
          { field: 'file', refused: counts.REFUSED, rows: refused },
        );
      }
      const rows = await sampleResults(tx);
      if (!options.apply) return { kind, applied: false, rows, totalRows: total, counts, activationCodes: null };
      const writes = counts.CREATE + counts.UPDATE;
      let done = 0;
      const wrote = (n: number) => progress('write', (done += n), writes);
      progress('write', 0, writes);
      let activationCodes: ActivationCodes | null = null;
      if (kind === ImportKind.UNITS) await writeUnits(tx, viewer, wrote);
      else {
        const sheet = new ActivationCodeSheet(expiresAt);
        await writeAccounts(tx, viewer, expiresAt, wrote, (codes) => sheet.add(codes));
        if (sheet.count) activationCodes = { count: sheet.count, sheet: await sheet.finish(), expiresAt };
      }
      return { kind, applied: true, rows, totalRows: total, counts, activationCodes };
    });
  }

  /** A tasks file: its rows checked in memory (they are few: the tasks one plan assigns), written in one transaction. */
  private async runTasks(
    em: EntityManager,
    viewer: Viewer,
    bytes: Buffer,
    format: ImportFormat,
    options: ImportOptions,
  ): Promise<ImportReport> {
    const progress = options.onProgress ?? (() => undefined);
    const rows: SourceRow[] = [];
    for await (const src of sourceRows(ImportKind.TASKS, bytes, format)) {
      rows.push(src);
      if (rows.length % 10_000 === 0) progress('read', rows.length, 0);
    }
    progress('read', rows.length, rows.length);
    if (!rows.length) throw new BadInputError('file', 'The file has a header but no rows');
    const done = (results: RowResult[], applied: boolean): ImportReport => {
      const counts = { CREATE: 0, UPDATE: 0, UNCHANGED: 0, REFUSED: 0 } as Record<ImportOutcome, number>;
      for (const r of results) counts[r.outcome]++;
      options.onResults?.(results);
      let refusedKept = 0;
      const sample = results.filter(
        (r, i) => i < ROW_SAMPLE || (r.outcome === ImportOutcome.REFUSED && ++refusedKept <= ROW_SAMPLE),
      );
      return { kind: ImportKind.TASKS, applied, rows: sample, totalRows: results.length, counts, activationCodes: null };
    };
    if (!options.apply) {
      progress('check', 0, rows.length);
      const { results } = await planTasks(em, viewer, rows);
      progress('check', rows.length, rows.length);
      return done(results, false);
    }
    return em.transactional(async (tx) => {
      await tx.execute(`select pg_advisory_xact_lock(hashtext(?))`, [`resolute-import:${ImportKind.TASKS}`]);
      progress('check', 0, rows.length);
      const planned = await planTasks(tx, viewer, rows);
      const refused = planned.results.filter((r) => r.outcome === ImportOutcome.REFUSED);
      progress('check', rows.length, rows.length);
      if (refused.length) {
        options.onResults?.(planned.results);
        const first = refused[0]!;
        throw new AppError(
          ErrorCode.BAD_USER_INPUT,
          `${refused.length} row(s) refused, so nothing was imported; row ${first.row}, column ${first.column}: ${reasonMessage(first.reason!, first.detail)}`,
          { field: 'file', refused: refused.length, rows: refused.slice(0, 20) },
        );
      }
      const total = planned.plan.creates.length + planned.plan.updates.length;
      let written = 0;
      progress('write', 0, total);
      await writeTasks(tx, viewer, planned.plan, (n) => progress('write', (written += n), total));
      return done(planned.results, true);
    });
  }
}

/** The data rows of a file, streamed, each with its cells by column key; the header row is checked first. */
async function* sourceRows(kind: ImportKind, bytes: Buffer, format: ImportFormat): AsyncGenerator<SourceRow> {
  let keys: (string | null)[] | null = null;
  let n = 0;
  for await (const { row, cells } of readRows(bytes, format)) {
    if (!keys) {
      const header = mapHeader(
        kind,
        cells.map((c) => (c instanceof Date ? '' : c)),
      );
      const expected = COLUMNS[kind].map((c) => `"${c.vi}" / "${c.en}"`).join(', ');
      if (header.unknown.length)
        throw new BadInputError(
          'file',
          `Unknown column "${header.unknown[0]!.slice(0, 60)}" in row ${row}; the columns are ${expected}`,
        );
      if (header.missing.length)
        throw new BadInputError(
          'file',
          `The column "${header.missing[0]!.vi}" / "${header.missing[0]!.en}" is missing from row ${row}`,
        );
      keys = header.keys;
      continue;
    }
    const values: Record<string, Cell> = {};
    keys.forEach((k, i) => {
      if (k) values[k] = cells[i] ?? '';
    });
    if (++n > MAX_ROWS) throw new BadInputError('file', `The file has more than ${MAX_ROWS} rows; split it`);
    yield { row, values };
  }
  if (!keys) throw new BadInputError('file', 'The file is empty');
}

/** The header row (and, for the template, an instructions sheet) of `kind`, in `lang`. */
export async function templateXlsx(kind: ImportKind, lang: 'vi' | 'en'): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Resolute';
  const cols = COLUMNS[kind];
  const ws = wb.addWorksheet(lang === 'vi' ? 'Dữ liệu' : 'Data');
  const header = ws.addRow(cols.map((c) => `${lang === 'vi' ? c.vi : c.en}${c.required ? ' *' : ''}`));
  header.font = { bold: true };
  cols.forEach((c, i) => {
    ws.getColumn(i + 1).width = Math.max(16, (lang === 'vi' ? c.vi : c.en).length + 4);
    if (c.key === 'startOn' || c.key === 'dueOn') ws.getColumn(i + 1).numFmt = 'yyyy-mm-dd';
  });
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  const help = wb.addWorksheet(lang === 'vi' ? 'Hướng dẫn' : 'Instructions');
  help.addRow(lang === 'vi' ? ['Cột', 'Bắt buộc', 'Ghi chú'] : ['Column', 'Required', 'Notes']).font = { bold: true };
  for (const c of cols)
    help.addRow([
      lang === 'vi' ? c.vi : c.en,
      c.required ? (lang === 'vi' ? 'Có' : 'Yes') : '',
      lang === 'vi' ? c.hintVi : c.hintEn,
    ]);
  help.addRow([]);
  help.addRow([
    lang === 'vi'
      ? 'Điền dữ liệu vào trang đầu tiên, từ dòng 2. Nhập lại cùng một tệp không thay đổi gì.'
      : 'Fill in the first sheet from row 2. Importing the same file again changes nothing.',
  ]);
  help.getColumn(1).width = 28;
  help.getColumn(3).width = 70;
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The CSV template: the header row alone, UTF-8 with a byte-order mark. */
export function templateCsv(kind: ImportKind, lang: 'vi' | 'en'): string {
  return `\uFEFF${COLUMNS[kind].map((c) => (lang === 'vi' ? c.vi : c.en)).join(',')}\r\n`;
}

/**
 * The sheet of activation codes the administrator hands out: written row by row as the codes are
 * made (exceljs' streaming writer), so 150,000 codes never make one large workbook, nor a list, in memory.
 */
export class ActivationCodeSheet {
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<void>;
  private readonly wb: ExcelJS.stream.xlsx.WorkbookWriter;
  private readonly ws: ExcelJS.Worksheet;
  private readonly expires: string;
  count = 0;

  constructor(expiresAt: Date) {
    const out = new PassThrough();
    out.on('data', (c: Buffer) => this.chunks.push(c));
    this.done = new Promise<void>((resolve, reject) => {
      out.on('end', resolve);
      out.on('error', reject);
    });
    this.wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
    this.ws = this.wb.addWorksheet('Mã kích hoạt - Activation codes');
    this.ws.columns = [
      { header: 'Tên đăng nhập / Username', key: 'username', width: 28 },
      { header: 'Họ và tên / Full name', key: 'displayName', width: 32 },
      { header: 'Mã đơn vị / Unit code', key: 'unitCode', width: 20 },
      { header: 'Mã kích hoạt / Activation code', key: 'code', width: 30 },
      { header: 'Hết hạn / Expires', key: 'expires', width: 22 },
    ];
    this.expires = expiresAt.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  }

  add(codes: IssuedCode[]): void {
    for (const c of codes) this.ws.addRow({ ...c, expires: this.expires }).commit();
    this.count += codes.length;
  }

  async finish(): Promise<Buffer> {
    this.ws.commit();
    await this.wb.commit();
    await this.done;
    return Buffer.concat(this.chunks);
  }
}

/** The sheet of `codes` (reissued ones). */
export async function activationCodesXlsx(codes: IssuedCode[], expiresAt: Date): Promise<Buffer> {
  const sheet = new ActivationCodeSheet(expiresAt);
  sheet.add(codes);
  return sheet.finish();
}
