import { registerEnumType } from 'type-graphql';

/** What a spreadsheet holds: one row per unit, account or task. */
export enum ImportKind {
  UNITS = 'UNITS',
  ACCOUNTS = 'ACCOUNTS',
  TASKS = 'TASKS',
}
registerEnumType(ImportKind, { name: 'ImportKind', description: 'What the rows of an imported spreadsheet are' });

/** What importing one row does (or, in a dry run, would do). */
export enum ImportOutcome {
  CREATE = 'CREATE',
  UPDATE = 'UPDATE',
  UNCHANGED = 'UNCHANGED',
  REFUSED = 'REFUSED',
}
registerEnumType(ImportOutcome, { name: 'ImportOutcome' });

/** Why a row is refused; the web app says each in the person's language. */
export enum ImportReason {
  MISSING_VALUE = 'MISSING_VALUE',
  BAD_VALUE = 'BAD_VALUE',
  BAD_DATE = 'BAD_DATE',
  DUPLICATE_IN_FILE = 'DUPLICATE_IN_FILE',
  UNKNOWN_PARENT = 'UNKNOWN_PARENT',
  OUTSIDE_SUBTREE = 'OUTSIDE_SUBTREE',
  PARENT_REFUSED = 'PARENT_REFUSED',
  PARENT_CYCLE = 'PARENT_CYCLE',
  INACTIVE_UNIT = 'INACTIVE_UNIT',
  UNKNOWN_UNIT = 'UNKNOWN_UNIT',
  DUPLICATE_USERNAME = 'DUPLICATE_USERNAME',
  ROLE_NOT_HELD = 'ROLE_NOT_HELD',
  OWN_ACCOUNT = 'OWN_ACCOUNT',
  NOT_IMPORTABLE_CHANGE = 'NOT_IMPORTABLE_CHANGE',
  UNKNOWN_RESOLUTION = 'UNKNOWN_RESOLUTION',
  NO_PLAN = 'NO_PLAN',
  UNKNOWN_PARENT_TASK = 'UNKNOWN_PARENT_TASK',
  REFERENCE_IN_USE = 'REFERENCE_IN_USE',
  DUE_AFTER_PARENT = 'DUE_AFTER_PARENT',
  DUE_BEFORE_START = 'DUE_BEFORE_START',
  TASK_CLOSED = 'TASK_CLOSED',
}
registerEnumType(ImportReason, { name: 'ImportReason' });

export interface ColumnDef {
  key: string;
  vi: string;
  en: string;
  required: boolean;
  /** Shown in the template's instructions sheet. */
  hintVi: string;
  hintEn: string;
}

const col = (key: string, vi: string, en: string, required: boolean, hintVi: string, hintEn: string): ColumnDef => ({
  key,
  vi,
  en,
  required,
  hintVi,
  hintEn,
});

export const COLUMNS: Record<ImportKind, ColumnDef[]> = {
  [ImportKind.UNITS]: [
    col(
      'code',
      'Mã đơn vị',
      'Unit code',
      true,
      'Duy nhất; chữ, số, dấu chấm, gạch ngang',
      'Unique; letters, digits, dots, dashes',
    ),
    col('name', 'Tên đơn vị', 'Unit name', true, 'Tối đa 255 ký tự', 'At most 255 characters'),
    col('kind', 'Cấp', 'Kind', true, 'Ví dụ PROVINCE, COMMUNE, CELL', 'For example PROVINCE, COMMUNE, CELL'),
    col(
      'parentCode',
      'Mã đơn vị cấp trên',
      'Parent unit code',
      true,
      'Một đơn vị đã có hoặc một dòng khác của tệp, theo thứ tự bất kỳ',
      'An existing unit or another row of the file, in any order',
    ),
  ],
  [ImportKind.ACCOUNTS]: [
    col(
      'username',
      'Tên đăng nhập',
      'Username',
      true,
      '3–64 chữ a–z, số, dấu chấm, gạch',
      '3–64 letters a–z, digits, dots, dashes',
    ),
    col('displayName', 'Họ và tên', 'Full name', true, 'Tối đa 255 ký tự', 'At most 255 characters'),
    col('unitCode', 'Mã đơn vị', 'Unit code', true, 'Đơn vị trong phạm vi của bạn', 'A unit in your subtree'),
    col(
      'roles',
      'Vai trò',
      'Roles',
      true,
      'ADMIN, LEADER, FOCAL, REPORTER, VIEWER, cách nhau bởi dấu phẩy',
      'ADMIN, LEADER, FOCAL, REPORTER, VIEWER, separated by commas',
    ),
  ],
  [ImportKind.TASKS]: [
    col('externalRef', 'Mã tham chiếu', 'Reference', true, 'Duy nhất, ví dụ HN-57-1.2', 'Unique, for example HN-57-1.2'),
    col(
      'parentRef',
      'Mã tham chiếu nhiệm vụ cha',
      'Parent reference',
      false,
      'Để trống cho nhiệm vụ gốc của kế hoạch',
      'Empty for a top task of the plan',
    ),
    col(
      'resolutionCode',
      'Mã nghị quyết',
      'Resolution code',
      false,
      'Bắt buộc với nhiệm vụ gốc, ví dụ 57-NQ/TW',
      'Required for a top task, for example 57-NQ/TW',
    ),
    col('title', 'Tên nhiệm vụ', 'Task title', true, 'Tối đa 500 ký tự', 'At most 500 characters'),
    col(
      'leadUnitCode',
      'Mã đơn vị chủ trì',
      'Lead unit code',
      true,
      'Đơn vị dưới đơn vị giao',
      'A unit below the assigning unit',
    ),
    col('responsiblePerson', 'Người chịu trách nhiệm', 'Person responsible', false, '', ''),
    col('expectedResult', 'Kết quả, sản phẩm', 'Expected result', false, '', ''),
    col('description', 'Mô tả', 'Description', false, '', ''),
    col('startOn', 'Ngày bắt đầu', 'Start date', false, 'YYYY-MM-DD hoặc DD/MM/YYYY', 'YYYY-MM-DD or DD/MM/YYYY'),
    col('dueOn', 'Hạn hoàn thành', 'Due date', false, 'Không sau hạn của nhiệm vụ cha', 'Not after the parent task’s'),
    col('priority', 'Mức ưu tiên', 'Priority', false, 'LOW, NORMAL, HIGH, URGENT', 'LOW, NORMAL, HIGH, URGENT'),
    col('weight', 'Trọng số', 'Weight', false, 'Số dương, mặc định 1', 'A positive number, 1 by default'),
  ],
};

/** How a header cell is compared: case, spacing, a trailing "*" and accents' encoding ignored. */
export function headerKey(raw: string): string {
  return raw
    .normalize('NFC')
    .replace(/\*+\s*$/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

/** The column keys of a header row, by position; unknown and missing columns are named. */
export function mapHeader(
  kind: ImportKind,
  header: string[],
): { keys: (string | null)[]; unknown: string[]; missing: ColumnDef[] } {
  const byLabel = new Map<string, string>();
  for (const c of COLUMNS[kind]) for (const label of [c.vi, c.en, c.key]) byLabel.set(headerKey(label), c.key);
  const keys = header.map((h) => (h.trim() ? (byLabel.get(headerKey(h)) ?? null) : null));
  const unknown = header.filter((h, i) => h.trim() && keys[i] === null);
  const missing = COLUMNS[kind].filter((c) => c.required && !keys.includes(c.key));
  return { keys, unknown, missing };
}
