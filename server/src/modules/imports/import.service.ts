import { PassThrough } from 'node:stream';
import type { EntityManager } from '@mikro-orm/postgresql';
import ExcelJS from 'exceljs';
import { randomUUID } from 'node:crypto';
import { AppError, BadInputError, ConflictError, ErrorCode, ForbiddenError, NotFoundError } from '../../common/errors.js';
import { assertUuid } from '../../common/ids.js';
import { Role } from '../accounts/role.js';
import { hasRole, type Viewer } from '../scope/viewer.js';
import { planAccounts, writeAccounts, type IssuedCode } from './account-import.js';
import { COLUMNS, ImportKind, ImportOutcome, mapHeader } from './import-columns.js';
import { reasonMessage, type RowResult, type SourceRow } from './import-plan.js';
import { readRows, sniffFormat, type Cell, type ImportFormat } from './import-reader.js';
import { planTasks, writeTasks } from './task-import.js';
import { planUnits, writeUnits } from './unit-import.js';

/** How far an import has come: rows read, checked, written. */
export type ImportPhase = 'read' | 'check' | 'write';
export type ProgressListener = (phase: ImportPhase, done: number, total: number) => void;

export interface ImportReport {
  kind: ImportKind;
  applied: boolean;
  rows: RowResult[];
  counts: Record<ImportOutcome, number>;
  /** Accounts created by an applied import, with their one-time codes (never stored in clear). */
  issuedCodes: IssuedCode[];
  activationExpiresAt: Date | null;
}

export interface ImportOptions {
  apply: boolean;
  activationCodeDays: number;
  onProgress?: ProgressListener;
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
   * rows). Re-importing a file already applied changes nothing.
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
    const progress = options.onProgress ?? (() => undefined);
    const rows = await this.read(kind, bytes, format, progress);
    if (!rows.length) throw new BadInputError('file', 'The file has a header but no rows');
    const plan = (tx: EntityManager) => {
      progress('check', 0, rows.length);
      return kind === ImportKind.UNITS
        ? planUnits(tx, viewer, rows)
        : kind === ImportKind.ACCOUNTS
          ? planAccounts(tx, viewer, rows)
          : planTasks(tx, viewer, rows);
    };
    if (!options.apply) {
      const { results } = await plan(em);
      progress('check', rows.length, rows.length);
      return report(kind, false, results, [], null);
    }
    const expiresAt = new Date(Date.now() + options.activationCodeDays * 86_400_000);
    return em.transactional(async (tx) => {
      // One import of a kind at a time: two files naming the same new unit or username wait for each other.
      await tx.execute(`select pg_advisory_xact_lock(hashtext(?))`, [`resolute-import:${kind}`]);
      const planned = await plan(tx);
      const refused = planned.results.filter((r) => r.outcome === ImportOutcome.REFUSED);
      progress('check', rows.length, rows.length);
      if (refused.length) {
        const first = refused[0]!;
        throw new AppError(
          ErrorCode.BAD_USER_INPUT,
          `${refused.length} row(s) refused, so nothing was imported; row ${first.row}, column ${first.column}: ${reasonMessage(first.reason!, first.detail)}`,
          { field: 'file', refused: refused.length, rows: refused.slice(0, 20) },
        );
      }
      const total = planned.results.filter(
        (r) => r.outcome === ImportOutcome.CREATE || r.outcome === ImportOutcome.UPDATE,
      ).length;
      let done = 0;
      const wrote = (n: number) => progress('write', (done += n), total);
      progress('write', 0, total);
      let issued: IssuedCode[] = [];
      if (kind === ImportKind.UNITS) await writeUnits(tx, viewer, (planned as Awaited<ReturnType<typeof planUnits>>).plan, wrote);
      else if (kind === ImportKind.ACCOUNTS)
        issued = await writeAccounts(tx, viewer, (planned as Awaited<ReturnType<typeof planAccounts>>).plan, expiresAt, wrote);
      else await writeTasks(tx, viewer, (planned as Awaited<ReturnType<typeof planTasks>>).plan, wrote);
      return report(kind, true, planned.results, issued, issued.length ? expiresAt : null);
    });
  }

  private async read(kind: ImportKind, bytes: Buffer, format: ImportFormat, progress: ProgressListener): Promise<SourceRow[]> {
    let keys: (string | null)[] | null = null;
    const rows: SourceRow[] = [];
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
      rows.push({ row, values });
      if (rows.length > MAX_ROWS) throw new BadInputError('file', `The file has more than ${MAX_ROWS} rows; split it`);
      if (rows.length % 10_000 === 0) progress('read', rows.length, 0);
    }
    if (!keys) throw new BadInputError('file', 'The file is empty');
    progress('read', rows.length, rows.length);
    return rows;
  }
}

function report(
  kind: ImportKind,
  applied: boolean,
  rows: RowResult[],
  issuedCodes: IssuedCode[],
  activationExpiresAt: Date | null,
): ImportReport {
  const counts = { CREATE: 0, UPDATE: 0, UNCHANGED: 0, REFUSED: 0 } as Record<ImportOutcome, number>;
  for (const r of rows) counts[r.outcome]++;
  return { kind, applied, rows, counts, issuedCodes, activationExpiresAt };
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
 * The sheet of activation codes the administrator hands out: written row by row (exceljs'
 * streaming writer), so 150,000 codes never make one large workbook in memory.
 */
export async function activationCodesXlsx(codes: IssuedCode[], expiresAt: Date): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    out.on('end', resolve);
    out.on('error', reject);
  });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet('Mã kích hoạt - Activation codes');
  ws.columns = [
    { header: 'Tên đăng nhập / Username', key: 'username', width: 28 },
    { header: 'Họ và tên / Full name', key: 'displayName', width: 32 },
    { header: 'Mã đơn vị / Unit code', key: 'unitCode', width: 20 },
    { header: 'Mã kích hoạt / Activation code', key: 'code', width: 30 },
    { header: 'Hết hạn / Expires', key: 'expires', width: 22 },
  ];
  const expires = expiresAt.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  for (const c of codes) ws.addRow({ ...c, expires }).commit();
  ws.commit();
  await wb.commit();
  await done;
  return Buffer.concat(chunks);
}
