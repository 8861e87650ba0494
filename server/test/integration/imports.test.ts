import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/common/errors.js';
import { Role } from '../../src/modules/accounts/role.js';
import { verifyDerived } from '../../src/modules/derived/derived-verify.js';
import { ImportKind, ImportOutcome, ImportReason } from '../../src/modules/imports/import-columns.js';
import type { ImportReport } from '../../src/modules/imports/import.service.js';
import type { Unit } from '../../src/modules/organisations/unit.entity.js';
import type { Viewer } from '../../src/modules/scope/viewer.js';
import type { Account } from '../../src/modules/accounts/account.entity.js';
import { buildAccount, buildPlan, buildResolution, buildTask, buildTree, buildUnit } from '../support/factories.js';
import { createTestApp, errorCode, ok, type TestApp } from '../support/test-app.js';

let t: TestApp;
let tree: Awaited<ReturnType<typeof buildTree>>;
let admin: Account;
let adminViewer: Viewer;

const viewerOf = (a: Account, unit: Unit): Viewer => ({
  accountId: a.id,
  username: a.username,
  displayName: a.displayName,
  unitId: unit.id,
  unitPath: unit.path,
  roles: [...a.roles],
  mustChangePassword: false,
  familyId: randomUUID(),
});

async function xlsx(header: string[], rows: (string | Date | number)[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Data');
  ws.addRow(header);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const csv = (lines: string[]) => Buffer.from(lines.join('\r\n'), 'utf8');

function run(
  viewer: Viewer,
  kind: ImportKind,
  bytes: Buffer,
  apply = false,
  format: 'xlsx' | 'csv' = 'xlsx',
): Promise<ImportReport> {
  return t.app.services.imports.run(t.em(), viewer, kind, bytes, format, { apply, activationCodeDays: 14 });
}

const UNIT_HEADER = ['Mã đơn vị', 'Tên đơn vị', 'Cấp', 'Mã đơn vị cấp trên'];
const ACCOUNT_HEADER = ['Username', 'Full name', 'Unit code', 'Roles'];
const TASK_HEADER = [
  'Reference',
  'Parent reference',
  'Resolution code',
  'Task title',
  'Lead unit code',
  'Start date',
  'Due date',
  'Weight',
];

const u = () => `I${randomUUID().slice(0, 8)}`;

/** The activation codes sheet of a report, read back: username, full name, unit code, code by row. */
async function codesOf(report: ImportReport): Promise<{ username: string; code: string }[]> {
  if (!report.activationCodes) return [];
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(report.activationCodes.sheet as unknown as ArrayBuffer);
  const out: { username: string; code: string }[] = [];
  wb.worksheets[0]!.eachRow((r, n) => {
    const v = r.values as string[];
    if (n > 1) out.push({ username: v[1]!, code: v[4]! });
  });
  expect(out).toHaveLength(report.activationCodes.count);
  return out;
}

function refusal(report: ImportReport, row: number) {
  const r = report.rows.find((x) => x.row === row)!;
  return { outcome: r.outcome, column: r.column, reason: r.reason };
}

beforeAll(async () => {
  t = await createTestApp();
  tree = await buildTree(t.em());
  admin = await buildAccount(t.em(), tree.province, [Role.ADMIN, Role.FOCAL, Role.REPORTER]);
  adminViewer = viewerOf(admin, tree.province);
});
afterAll(() => t.close());

describe('ImportService', () => {
  describe('units', () => {
    it('creates units given in any order, parents resolved within the file, and a re-import changes nothing', async () => {
      const [a, b, c] = [u(), u(), u()];
      const file = await xlsx(UNIT_HEADER, [
        [c, 'Chi bộ C', 'CELL', b],
        [b, 'Xã B', 'COMMUNE', a],
        [a, 'Cụm A', 'cluster', tree.province.code],
      ]);
      const dry = await run(adminViewer, ImportKind.UNITS, file);
      expect(dry.rows.map((r) => r.outcome)).toEqual([ImportOutcome.CREATE, ImportOutcome.CREATE, ImportOutcome.CREATE]);
      expect(await t.em().getConnection().execute(`select 1 from unit where code = ?`, [a])).toHaveLength(0);
      await run(adminViewer, ImportKind.UNITS, file, true);
      const units = await t
        .em()
        .getConnection()
        .execute<{ code: string; path: string; depth: number; kind: string }[]>(
          `select code, path, depth, kind from unit where code in (?, ?, ?) order by depth`,
          [a, b, c],
        );
      expect(units.map((x) => x.code)).toEqual([a, b, c]);
      expect(units[0]!.kind).toBe('CLUSTER');
      expect(units[1]!.path.startsWith(units[0]!.path)).toBe(true);
      expect(units[2]!.path.startsWith(units[1]!.path)).toBe(true);
      expect(units[0]!.path.startsWith(tree.province.path)).toBe(true);
      const events = await t
        .em()
        .getConnection()
        .execute(`select 1 from audit_event where action = 'unit.created' and after->>'code' in (?, ?, ?)`, [a, b, c]);
      expect(events).toHaveLength(3);

      const again = await run(adminViewer, ImportKind.UNITS, file, true);
      expect(again.counts).toMatchObject({ CREATE: 0, UPDATE: 0, UNCHANGED: 3, REFUSED: 0 });
      const renamed = await run(
        adminViewer,
        ImportKind.UNITS,
        await xlsx(UNIT_HEADER, [[a, 'Cụm A (mới)', 'CLUSTER', tree.province.code]]),
        true,
      );
      expect(renamed.counts.UPDATE).toBe(1);
    });

    it('refuses each bad row with its column and reason', async () => {
      const existingOutside = await buildUnit(t.em(), { parent: tree.otherProvince });
      const [x, y, dup, loop1, loop2, orphan] = [u(), u(), u(), u(), u(), u()];
      const report = await run(
        adminViewer,
        ImportKind.UNITS,
        await xlsx(UNIT_HEADER, [
          [x, 'Không có cha', 'COMMUNE', 'NO-SUCH-UNIT'], // 2
          [y, 'Cha ở tỉnh khác', 'COMMUNE', tree.otherProvince.code], // 3
          [existingOutside.code, 'Đổi tên ở tỉnh khác', 'COMMUNE', tree.otherProvince.code], // 4
          [dup, 'Một', 'COMMUNE', tree.province.code], // 5
          [dup, 'Hai', 'COMMUNE', tree.province.code], // 6
          [loop1, 'Vòng 1', 'COMMUNE', loop2], // 7
          [loop2, 'Vòng 2', 'COMMUNE', loop1], // 8
          [u(), '', 'COMMUNE', tree.province.code], // 9
          [u(), 'Cấp sai', 'xã 1', tree.province.code], // 10
          [orphan, 'Con của dòng lỗi', 'CELL', x], // 11
          [tree.commune.code, 'Chuyển', 'COMMUNE', tree.siblingCommune.code], // 12
          [tree.province.code, 'Đơn vị của mình', 'PROVINCE', tree.central.code], // 13
        ]),
      );
      expect(refusal(report, 2)).toEqual({ outcome: 'REFUSED', column: 'parentCode', reason: ImportReason.UNKNOWN_PARENT });
      expect(refusal(report, 3)).toEqual({ outcome: 'REFUSED', column: 'parentCode', reason: ImportReason.OUTSIDE_SUBTREE });
      expect(refusal(report, 4)).toEqual({ outcome: 'REFUSED', column: 'code', reason: ImportReason.OUTSIDE_SUBTREE });
      expect(refusal(report, 5).outcome).toBe('CREATE');
      expect(refusal(report, 6)).toEqual({ outcome: 'REFUSED', column: 'code', reason: ImportReason.DUPLICATE_IN_FILE });
      expect(refusal(report, 7)).toEqual({ outcome: 'REFUSED', column: 'parentCode', reason: ImportReason.PARENT_CYCLE });
      expect(refusal(report, 8)).toEqual({ outcome: 'REFUSED', column: 'parentCode', reason: ImportReason.PARENT_CYCLE });
      expect(refusal(report, 9)).toEqual({ outcome: 'REFUSED', column: 'name', reason: ImportReason.MISSING_VALUE });
      expect(refusal(report, 10)).toEqual({ outcome: 'REFUSED', column: 'kind', reason: ImportReason.BAD_VALUE });
      expect(refusal(report, 11)).toEqual({ outcome: 'REFUSED', column: 'parentCode', reason: ImportReason.PARENT_REFUSED });
      expect(refusal(report, 12)).toEqual({
        outcome: 'REFUSED',
        column: 'parentCode',
        reason: ImportReason.NOT_IMPORTABLE_CHANGE,
      });
      expect(refusal(report, 13)).toEqual({ outcome: 'REFUSED', column: 'code', reason: ImportReason.OUTSIDE_SUBTREE });
    });

    it('refuses the children of a refused row down the file, rows leading into a loop, and a deactivated parent', async () => {
      const closed = await buildUnit(t.em(), { parent: tree.province });
      await t.em().getConnection().execute(`update unit set active = false where id = ?`, [closed.id]);
      const [x, y, z, l1, l2, into, self, ok] = [u(), u(), u(), u(), u(), u(), u(), u()];
      const report = await run(
        adminViewer,
        ImportKind.UNITS,
        await xlsx(UNIT_HEADER, [
          [z, 'Chắt', 'CELL', y], // 2
          [y, 'Cháu', 'CELL', x], // 3
          [x, 'Không có cha', 'COMMUNE', 'NO-SUCH-UNIT'], // 4
          [into, 'Con của vòng', 'CELL', l1], // 5
          [l1, 'Vòng 1', 'COMMUNE', l2], // 6
          [l2, 'Vòng 2', 'COMMUNE', l1], // 7
          [self, 'Cha là chính mình', 'COMMUNE', self], // 8
          [u(), 'Cha đã ngừng', 'CELL', closed.code], // 9
          [ok, 'Đúng', 'COMMUNE', tree.province.code], // 10
          [u(), 'Con của dòng đúng', 'CELL', ok], // 11
        ]),
      );
      const at = (row: number) => report.rows.find((r) => r.row === row)!;
      expect(at(4)).toMatchObject({ reason: ImportReason.UNKNOWN_PARENT, detail: 'NO-SUCH-UNIT' });
      expect(at(3)).toMatchObject({ column: 'parentCode', reason: ImportReason.PARENT_REFUSED, detail: '4' });
      expect(at(2)).toMatchObject({ column: 'parentCode', reason: ImportReason.PARENT_REFUSED, detail: '3' });
      for (const row of [5, 6, 7]) expect(at(row)).toMatchObject({ column: 'parentCode', reason: ImportReason.PARENT_CYCLE });
      expect(at(8)).toMatchObject({ column: 'parentCode', reason: ImportReason.UNKNOWN_PARENT, detail: self });
      expect(at(9)).toMatchObject({ column: 'parentCode', reason: ImportReason.INACTIVE_UNIT, detail: closed.code });
      expect([at(10).outcome, at(11).outcome]).toEqual([ImportOutcome.CREATE, ImportOutcome.CREATE]);
      expect(report.counts).toMatchObject({ CREATE: 2, REFUSED: 8 });
    });

    it('checks a file of several pages, children first, streams every outcome in order and holds a bounded sample', async () => {
      const parent = u();
      const cells = Array.from({ length: 6_000 }, (_, i) => [`${parent}-${i}`, `Chi bộ ${i}`, 'CELL', parent]);
      const file = await xlsx(UNIT_HEADER, [...cells, [parent, 'Xã cuối tệp', 'COMMUNE', tree.province.code], cells[0]!]);
      const streamed: number[] = [];
      const dry = await t.app.services.imports.run(t.em(), adminViewer, ImportKind.UNITS, file, 'xlsx', {
        apply: false,
        activationCodeDays: 14,
        onResults: (rows) => streamed.push(...rows.map((r) => r.row)),
      });
      expect(dry.totalRows).toBe(6_002);
      expect(dry.counts).toMatchObject({ CREATE: 6_001, REFUSED: 1 });
      expect(streamed).toEqual(Array.from({ length: 6_002 }, (_, i) => i + 2));
      // The first 5,000 rows and the refused one, not all 6,002.
      expect(dry.rows).toHaveLength(5_001);
      expect(dry.rows.at(-1)).toMatchObject({ row: 6_003, reason: ImportReason.DUPLICATE_IN_FILE, detail: '2' });

      const whole = await xlsx(UNIT_HEADER, [...cells, [parent, 'Xã cuối tệp', 'COMMUNE', tree.province.code]]);
      const applied = await run(adminViewer, ImportKind.UNITS, whole, true);
      expect(applied.counts.CREATE).toBe(6_001);
      const [{ n, depths }] = await t
        .em()
        .getConnection()
        .execute<{ n: number; depths: number[] }[]>(
          `select count(*)::int as n, array_agg(distinct c.depth) as depths from unit c join unit p on p.id = c.parent_id
            where p.code = ? and starts_with(c.path, p.path)`,
          [parent],
        );
      expect(n).toBe(6_000);
      expect(depths).toEqual([tree.province.depth + 2]);
    });

    it('applies all or nothing: one refused row and no unit of the file is created', async () => {
      const good = u();
      const file = await xlsx(UNIT_HEADER, [
        [good, 'Đúng', 'COMMUNE', tree.province.code],
        [u(), 'Sai', 'COMMUNE', 'NO-SUCH-UNIT'],
      ]);
      const error = await run(adminViewer, ImportKind.UNITS, file, true).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).extensions).toMatchObject({ field: 'file', refused: 1 });
      expect(await t.em().getConnection().execute(`select 1 from unit where code = ?`, [good])).toHaveLength(0);
    });

    it('refuses units to an account that is not an administrator', async () => {
      const focal = await buildAccount(t.em(), tree.province, [Role.FOCAL]);
      const file = await xlsx(UNIT_HEADER, [[u(), 'X', 'COMMUNE', tree.province.code]]);
      await expect(run(viewerOf(focal, tree.province), ImportKind.UNITS, file)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    });

    it('names an unknown or missing column of the header as the file’s fault', async () => {
      await expect(
        run(adminViewer, ImportKind.UNITS, await xlsx(['Mã đơn vị', 'Tên đơn vị', 'Cấp'], [['a', 'b', 'c']])),
      ).rejects.toMatchObject({
        code: 'BAD_USER_INPUT',
        extensions: { field: 'file' },
      });
      await expect(
        run(adminViewer, ImportKind.UNITS, await xlsx([...UNIT_HEADER, 'Màu'], [['a', 'b', 'c', 'd', 'e']])),
      ).rejects.toMatchObject({
        extensions: { field: 'file' },
      });
      await expect(run(adminViewer, ImportKind.UNITS, Buffer.from('PK\u0003\u0004garbage'), false)).rejects.toMatchObject({
        extensions: { field: 'file' },
      });
    });

    it('reads CSV with a byte-order mark, quotes and English headers', async () => {
      const code = u();
      const report = await run(
        adminViewer,
        ImportKind.UNITS,
        csv(['\uFEFFUnit code,Unit name,Kind,Parent unit code', `${code},"Xã ""Mới"", Lâm Đồng",COMMUNE,${tree.province.code}`]),
        true,
        'csv',
      );
      expect(report.counts.CREATE).toBe(1);
      const [row] = await t.em().getConnection().execute<{ name: string }[]>(`select name from unit where code = ?`, [code]);
      expect(row!.name).toBe('Xã "Mới", Lâm Đồng');
    });
  });

  describe('accounts', () => {
    it('creates accounts with one-time activation codes stored as SHA-256 hashes, and a re-import changes nothing', async () => {
      const [n1, n2] = [`nv.${u().toLowerCase()}`, `nv.${u().toLowerCase()}`];
      const file = await xlsx(ACCOUNT_HEADER, [
        [n1, 'Nguyễn Văn A', tree.commune.code, 'REPORTER'],
        [n2, 'Trần Thị B', tree.cell.code, 'báo cáo, FOCAL'],
      ]);
      const report = await run(adminViewer, ImportKind.ACCOUNTS, file, true);
      expect(report.counts.CREATE).toBe(2);
      const issued = await codesOf(report);
      expect(issued.map((c) => c.username)).toEqual([n1, n2]);
      const code = issued[0]!.code;
      expect(code).toMatch(/^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
      const [row] = await t
        .em()
        .getConnection()
        .execute<{ activation_code_hash: string; roles: string[]; must_change_password: boolean }[]>(
          `select activation_code_hash, roles, must_change_password from account where username = ?`,
          [n1],
        );
      expect(row!.activation_code_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row!.activation_code_hash).not.toContain(code.replace(/-/g, ''));
      const again = await run(adminViewer, ImportKind.ACCOUNTS, file, true);
      expect(again.counts).toMatchObject({ CREATE: 0, UNCHANGED: 2 });
      expect(again.activationCodes).toBeNull();
    });

    it('refuses a duplicate username, an unknown unit, a unit outside the subtree and a role the admin does not hold', async () => {
      const outsider = await buildAccount(t.em(), tree.otherCommune, [Role.REPORTER]);
      const name = `nv.${u().toLowerCase()}`;
      const report = await run(
        adminViewer,
        ImportKind.ACCOUNTS,
        await xlsx(ACCOUNT_HEADER, [
          [outsider.username, 'Trùng tên', tree.commune.code, 'REPORTER'], // 2
          [name, 'Một', tree.commune.code, 'REPORTER'], // 3
          [name, 'Hai', tree.commune.code, 'REPORTER'], // 4
          [`nv.${u().toLowerCase()}`, 'Ba', 'NO-SUCH-UNIT', 'REPORTER'], // 5
          [`nv.${u().toLowerCase()}`, 'Bốn', tree.otherCommune.code, 'REPORTER'], // 6
          [`nv.${u().toLowerCase()}`, 'Năm', tree.commune.code, 'LEADER'], // 7
          ['X', 'Sáu', tree.commune.code, 'REPORTER'], // 8
          [`nv.${u().toLowerCase()}`, 'Bảy', tree.commune.code, 'BOSS'], // 9
          [admin.username, 'Tự đổi tên mình', tree.province.code, 'ADMIN,FOCAL,REPORTER'], // 10
        ]),
      );
      expect(refusal(report, 2)).toEqual({ outcome: 'REFUSED', column: 'username', reason: ImportReason.DUPLICATE_USERNAME });
      expect(refusal(report, 3).outcome).toBe('CREATE');
      expect(refusal(report, 4)).toEqual({ outcome: 'REFUSED', column: 'username', reason: ImportReason.DUPLICATE_IN_FILE });
      expect(refusal(report, 5)).toEqual({ outcome: 'REFUSED', column: 'unitCode', reason: ImportReason.UNKNOWN_UNIT });
      expect(refusal(report, 6)).toEqual({ outcome: 'REFUSED', column: 'unitCode', reason: ImportReason.OUTSIDE_SUBTREE });
      expect(refusal(report, 7)).toEqual({ outcome: 'REFUSED', column: 'roles', reason: ImportReason.ROLE_NOT_HELD });
      expect(refusal(report, 8)).toEqual({ outcome: 'REFUSED', column: 'username', reason: ImportReason.BAD_VALUE });
      expect(refusal(report, 9)).toEqual({ outcome: 'REFUSED', column: 'roles', reason: ImportReason.BAD_VALUE });
      expect(refusal(report, 10)).toEqual({ outcome: 'REFUSED', column: 'username', reason: ImportReason.OWN_ACCOUNT });
      const [{ display_name }] = await t
        .em()
        .getConnection()
        .execute<{ display_name: string }[]>(`select display_name from account where id = ?`, [outsider.id]);
      expect(display_name).toBe(outsider.displayName);
    });
    it('refuses a repeated username even when its first row is refused for another column, and a deactivated unit', async () => {
      const closed = await buildUnit(t.em(), { parent: tree.province });
      await t.em().getConnection().execute(`update unit set active = false where id = ?`, [closed.id]);
      const name = `nv.${u().toLowerCase()}`;
      const report = await run(
        adminViewer,
        ImportKind.ACCOUNTS,
        await xlsx(ACCOUNT_HEADER, [
          [name, '', tree.commune.code, 'REPORTER'], // 2
          [name.toUpperCase(), 'Hai', tree.commune.code, 'REPORTER'], // 3
          [`nv.${u().toLowerCase()}`, 'Ba', closed.code, 'REPORTER'], // 4
        ]),
      );
      expect(refusal(report, 2)).toEqual({ outcome: 'REFUSED', column: 'displayName', reason: ImportReason.MISSING_VALUE });
      expect(report.rows[1]).toMatchObject({ row: 3, column: 'username', reason: ImportReason.DUPLICATE_IN_FILE, detail: '2' });
      expect(refusal(report, 4)).toEqual({ outcome: 'REFUSED', column: 'unitCode', reason: ImportReason.INACTIVE_UNIT });
    });
    it('updates an account of the subtree, refusing a change of roles the admin does not hold', async () => {
      const officer = await buildAccount(t.em(), tree.commune, [Role.REPORTER]);
      const refused = await run(
        adminViewer,
        ImportKind.ACCOUNTS,
        await xlsx(ACCOUNT_HEADER, [[officer.username, 'Tên mới', tree.commune.code, 'REPORTER, LEADER']]),
      );
      expect(refused.rows[0]).toMatchObject({ column: 'roles', reason: ImportReason.ROLE_NOT_HELD, detail: 'LEADER' });
      const report = await run(
        adminViewer,
        ImportKind.ACCOUNTS,
        await xlsx(ACCOUNT_HEADER, [[officer.username, 'Tên mới', tree.cell.code, 'REPORTER, FOCAL']]),
        true,
      );
      expect(report.counts).toMatchObject({ UPDATE: 1, CREATE: 0 });
      const [row] = await t
        .em()
        .getConnection()
        .execute<{ display_name: string; unit_id: string; roles: string[] }[]>(
          `select display_name, unit_id, roles from account where id = ?`,
          [officer.id],
        );
      expect(row).toEqual({ display_name: 'Tên mới', unit_id: tree.cell.id, roles: ['FOCAL', 'REPORTER'] });
      const [event] = await t
        .em()
        .getConnection()
        .execute<{ before: { displayName: string; roles: string[] } }[]>(
          `select before from audit_event where action = 'account.updated' and entity_id = ?`,
          [officer.id],
        );
      expect(event!.before).toMatchObject({ displayName: officer.displayName, roles: ['REPORTER'] });
    });
  });

  describe('tasks', () => {
    it('creates a task tree from rows in any order, re-imports unchanged, updates, and leaves no derived difference', async () => {
      const resolution = await buildResolution(t.em());
      await buildPlan(t.em(), tree.province, { resolution });
      const [root, child, leaf] = [u(), u(), u()];
      const file = await xlsx(TASK_HEADER, [
        [leaf, child, '', 'Chi bộ triển khai', tree.cell.code, '2026-01-01', '15/06/2026', 1],
        [child, root, resolution.code, 'Xã triển khai', tree.commune.code, '', '2026-06-30', 2],
        [root, '', resolution.code, 'Tỉnh chỉ đạo', tree.province.code, '', new Date(Date.UTC(2026, 11, 31)), 1],
      ]);
      const dry = await run(adminViewer, ImportKind.TASKS, file);
      expect(dry.counts).toMatchObject({ CREATE: 3, REFUSED: 0 });
      await run(adminViewer, ImportKind.TASKS, file, true);
      const rows = await t
        .em()
        .getConnection()
        .execute<{ external_ref: string; parent_ref: string | null; depth: number; assigner: string; due_on: string }[]>(
          `select t.external_ref, p.external_ref as parent_ref, t.depth, a.code as assigner, t.due_on::text
             from task t join unit a on a.id = t.assigner_unit_id left join task p on p.id = t.parent_id
            where t.external_ref in (?, ?, ?) order by t.depth`,
          [root, child, leaf],
        );
      expect(rows).toEqual([
        { external_ref: root, parent_ref: null, depth: 0, assigner: tree.province.code, due_on: '2026-12-31' },
        { external_ref: child, parent_ref: root, depth: 1, assigner: tree.province.code, due_on: '2026-06-30' },
        { external_ref: leaf, parent_ref: child, depth: 2, assigner: tree.commune.code, due_on: '2026-06-15' },
      ]);
      const history = await t
        .em()
        .getConnection()
        .execute(
          `select 1 from task_history h join task t on t.id = h.task_id where t.external_ref in (?, ?, ?) and h.kind = 'CREATED'`,
          [root, child, leaf],
        );
      expect(history).toHaveLength(3);
      await t.drain();
      expect((await verifyDerived(t.em(), { warnings: t.config.warnings })).differences).toEqual([]);

      const again = await run(adminViewer, ImportKind.TASKS, file, true);
      expect(again.counts).toMatchObject({ CREATE: 0, UPDATE: 0, UNCHANGED: 3 });

      const changed = await xlsx(TASK_HEADER, [
        [child, root, resolution.code, 'Xã triển khai (sửa)', tree.commune.code, '', '2026-06-30', 5],
      ]);
      expect((await run(adminViewer, ImportKind.TASKS, changed, true)).counts.UPDATE).toBe(1);
      const [task] = await t
        .em()
        .getConnection()
        .execute<{ title: string; version: number; weight: number }[]>(
          `select title, version, weight from task where external_ref = ?`,
          [child],
        );
      expect(task).toEqual({ title: 'Xã triển khai (sửa)', version: 2, weight: 5 });
      await t.drain();
      expect((await verifyDerived(t.em(), { warnings: t.config.warnings })).differences).toEqual([]);
    });

    it('refuses each bad row with its column and reason', async () => {
      const resolution = await buildResolution(t.em());
      await buildPlan(t.em(), tree.province, { resolution });
      const planless = await buildResolution(t.em());
      const foreign = await buildTask(t.em(), { lead: tree.otherCommune, assigner: tree.otherProvince });
      const foreignParent = await buildTask(t.em(), { lead: tree.otherCommune, assigner: tree.otherProvince });
      await t
        .em()
        .getConnection()
        .execute(`update task set external_ref = 'F-' || id where id in (?, ?)`, [foreign.id, foreignParent.id]);
      const parent = u();
      const report = await run(
        adminViewer,
        ImportKind.TASKS,
        await xlsx(TASK_HEADER, [
          [parent, '', resolution.code, 'Gốc', tree.province.code, '', '2026-06-30', 1], // 2
          [u(), parent, '', 'Hạn sau cha', tree.commune.code, '', '2026-07-31', 1], // 3
          [u(), parent, '', 'Sai ngày', tree.commune.code, '', '31-31-2026', 1], // 4
          [u(), 'NO-SUCH-TASK', '', 'Không có cha', tree.commune.code, '', '', 1], // 5
          [u(), '', planless.code, 'Không có kế hoạch', tree.commune.code, '', '', 1], // 6
          [u(), '', '99-XX/YY', 'Không có nghị quyết', tree.commune.code, '', '', 1], // 7
          [u(), '', resolution.code, 'Đơn vị ngoài', tree.otherCommune.code, '', '', 1], // 8
          [`F-${foreign.id}`, '', resolution.code, 'Tham chiếu của người khác', tree.commune.code, '', '', 1], // 9
          [u(), `F-${foreignParent.id}`, '', 'Cha của người khác', tree.commune.code, '', '', 1], // 10
          [u(), '', resolution.code, 'Ngày ngược', tree.commune.code, '2026-05-01', '2026-04-01', 1], // 11
          [u(), '', resolution.code, 'Trọng số sai', tree.commune.code, '', '', -1], // 12
          [u(), '', '', 'Thiếu nghị quyết', tree.commune.code, '', '', 1], // 13
          [u(), '', resolution.code, 'Đơn vị không có', 'NO-SUCH-UNIT', '', '', 1], // 14
        ]),
      );
      expect(refusal(report, 2).outcome).toBe('CREATE');
      expect(refusal(report, 3)).toEqual({ outcome: 'REFUSED', column: 'dueOn', reason: ImportReason.DUE_AFTER_PARENT });
      expect(refusal(report, 4)).toEqual({ outcome: 'REFUSED', column: 'dueOn', reason: ImportReason.BAD_DATE });
      expect(refusal(report, 5)).toEqual({ outcome: 'REFUSED', column: 'parentRef', reason: ImportReason.UNKNOWN_PARENT_TASK });
      expect(refusal(report, 6)).toEqual({ outcome: 'REFUSED', column: 'resolutionCode', reason: ImportReason.NO_PLAN });
      expect(refusal(report, 7)).toEqual({
        outcome: 'REFUSED',
        column: 'resolutionCode',
        reason: ImportReason.UNKNOWN_RESOLUTION,
      });
      expect(refusal(report, 8)).toEqual({ outcome: 'REFUSED', column: 'leadUnitCode', reason: ImportReason.OUTSIDE_SUBTREE });
      expect(refusal(report, 9)).toEqual({ outcome: 'REFUSED', column: 'externalRef', reason: ImportReason.REFERENCE_IN_USE });
      expect(refusal(report, 10)).toEqual({ outcome: 'REFUSED', column: 'parentRef', reason: ImportReason.UNKNOWN_PARENT_TASK });
      expect(refusal(report, 11)).toEqual({ outcome: 'REFUSED', column: 'dueOn', reason: ImportReason.DUE_BEFORE_START });
      expect(refusal(report, 12)).toEqual({ outcome: 'REFUSED', column: 'weight', reason: ImportReason.BAD_VALUE });
      expect(refusal(report, 13)).toEqual({ outcome: 'REFUSED', column: 'resolutionCode', reason: ImportReason.MISSING_VALUE });
      expect(refusal(report, 14)).toEqual({ outcome: 'REFUSED', column: 'leadUnitCode', reason: ImportReason.UNKNOWN_UNIT });
    });
  });
});

describe('the import API', () => {
  const PREVIEW = `mutation($id: ID!) { previewImport(uploadId: $id) { applied totalRows created refused rows { row outcome column reason message } } }`;
  const APPLY = `mutation($id: ID!) { applyImport(uploadId: $id) { applied created activationCodes { fileName contentBase64 count } } }`;
  const ACTIVATE = `mutation($u: String!, $c: String!, $p: String!) { activateAccount(username: $u, code: $c, newPassword: $p) { accessToken account { mustChangePassword } } }`;
  let token: string;

  beforeAll(async () => {
    token = (await t.app.services.auth.startSession(t.em(), admin)).accessToken;
  });

  async function upload(kind: string, bytes: Buffer, auth: string | null = token) {
    const res = await fetch(`${t.url}/api/imports/${kind}?fileName=test.xlsx`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
      body: new Uint8Array(bytes),
    });
    return {
      status: res.status,
      body: (await res.json()) as { id: string; errors?: { extensions: { code: string; field?: string } }[] },
    };
  }

  it('uploads, dry-runs and applies accounts, hands out the codes once, and an officer activates with one', async () => {
    const name = `nv.${u().toLowerCase()}`;
    const up = await upload('accounts', await xlsx(ACCOUNT_HEADER, [[name, 'Lê Văn C', tree.commune.code, 'REPORTER']]));
    expect(up.status).toBe(201);
    const preview = ok(
      await t.gql<{ previewImport: { applied: boolean; created: number; rows: { outcome: string }[] } }>(
        PREVIEW,
        { id: up.body.id },
        token,
      ),
    );
    expect(preview.previewImport).toMatchObject({ applied: false, created: 1, rows: [{ outcome: 'CREATE' }] });
    const applied = ok(
      await t.gql<{ applyImport: { activationCodes: { contentBase64: string; count: number } } }>(
        APPLY,
        { id: up.body.id },
        token,
      ),
    );
    expect(applied.applyImport.activationCodes.count).toBe(1);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(applied.applyImport.activationCodes.contentBase64, 'base64') as unknown as ArrayBuffer);
    const sheetRow = wb.worksheets[0]!.getRow(2).values as string[];
    expect(sheetRow[1]).toBe(name);
    const code = sheetRow[4]!;
    // The file is gone once applied: the codes cannot be fetched again.
    expect(errorCode(await t.gql(APPLY, { id: up.body.id }, token))).toBe('CONFLICT');

    expect(errorCode(await t.gql(ACTIVATE, { u: name, c: 'aaaaa-bbbbb-ccccc-ddddd', p: 'Mat-khau-moi-2026' }))).toBe(
      'UNAUTHENTICATED',
    );
    const session = ok(
      await t.gql<{ activateAccount: { account: { mustChangePassword: boolean } } }>(ACTIVATE, {
        u: name,
        c: code.toUpperCase(),
        p: 'Mat-khau-moi-2026',
      }),
    );
    expect(session.activateAccount.account.mustChangePassword).toBe(false);
    // Spent: the same code does not open it twice.
    expect(errorCode(await t.gql(ACTIVATE, { u: name, c: code, p: 'Mat-khau-khac-2026' }))).toBe('UNAUTHENTICATED');
    const signIn = await t.gql(`mutation($u: String!, $p: String!) { signIn(username: $u, password: $p) { accessToken } }`, {
      u: name,
      p: 'Mat-khau-moi-2026',
    });
    expect(signIn.errors).toBeUndefined();
  });

  it('refuses an expired code, and a reissued one works while the old one does not', async () => {
    const name = `nv.${u().toLowerCase()}`;
    const report = await run(
      adminViewer,
      ImportKind.ACCOUNTS,
      await xlsx(ACCOUNT_HEADER, [[name, 'Phạm D', tree.cell.code, 'REPORTER']]),
      true,
    );
    const old = (await codesOf(report))[0]!.code;
    const [{ id }] = await t
      .em()
      .getConnection()
      .execute<{ id: string }[]>(
        `update account set activation_expires_at = now() - interval '1 minute' where username = ? returning id`,
        [name],
      );
    expect(errorCode(await t.gql(ACTIVATE, { u: name, c: old, p: 'Mat-khau-moi-2026' }))).toBe('UNAUTHENTICATED');
    const reissued = ok(
      await t.gql<{ reissueActivationCodes: { contentBase64: string; count: number } }>(
        `mutation($ids: [ID!]!) { reissueActivationCodes(accountIds: $ids) { contentBase64 count } }`,
        { ids: [id] },
        token,
      ),
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(reissued.reissueActivationCodes.contentBase64, 'base64') as unknown as ArrayBuffer);
    const fresh = (wb.worksheets[0]!.getRow(2).values as string[])[4]!;
    expect(errorCode(await t.gql(ACTIVATE, { u: name, c: old, p: 'Mat-khau-moi-2026' }))).toBe('UNAUTHENTICATED');
    const activated = ok(
      await t.gql<{ activateAccount: { accessToken: string; account: { mustChangePassword: boolean } } }>(ACTIVATE, {
        u: name,
        c: fresh,
        p: 'Mat-khau-moi-2026',
      }),
    );
    expect(activated.activateAccount.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(activated.activateAccount.account.mustChangePassword).toBe(false);
    // Once a password is set there is nothing to reissue.
    const again = await t.gql(
      `mutation($ids: [ID!]!) { reissueActivationCodes(accountIds: $ids) { count } }`,
      { ids: [id] },
      token,
    );
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'accountIds' });
    // Another province's administrator sees no such account.
    const other = await buildAccount(t.em(), tree.otherProvince, [Role.ADMIN]);
    const otherToken = (await t.app.services.auth.startSession(t.em(), other)).accessToken;
    expect(
      errorCode(
        await t.gql(`mutation($ids: [ID!]!) { reissueActivationCodes(accountIds: $ids) { count } }`, { ids: [id] }, otherToken),
      ),
    ).toBe('NOT_FOUND');
  });

  it('answers a refused apply as the client’s fault, naming the file, and writes nothing', async () => {
    const code = u();
    const up = await upload(
      'units',
      await xlsx(UNIT_HEADER, [
        [code, 'X', 'COMMUNE', tree.province.code],
        [u(), 'Y', 'COMMUNE', 'NOPE'],
      ]),
    );
    const res = await t.gql(APPLY, { id: up.body.id }, token);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'file', refused: 1 });
    expect(await t.em().getConnection().execute(`select 1 from unit where code = ?`, [code])).toHaveLength(0);
    const progress = ok(
      await t.gql<{ importProgress: { state: string } }>(
        `query($id: ID!) { importProgress(uploadId: $id) { state processed total } }`,
        { id: up.body.id },
        token,
      ),
    );
    expect(progress.importProgress.state).toBe('UPLOADED');
  });

  it('answers bad uploads with a 4xx naming what is wrong', async () => {
    const file = await xlsx(UNIT_HEADER, []);
    expect((await upload('units', file, null)).status).toBe(401);
    expect((await upload('cats', file)).status).toBe(404);
    const reporter = await buildAccount(t.em(), tree.commune, [Role.REPORTER]);
    const reporterToken = (await t.app.services.auth.startSession(t.em(), reporter)).accessToken;
    expect((await upload('units', file, reporterToken)).status).toBe(403);
    const empty = await upload('units', Buffer.alloc(0));
    expect(empty.status).toBe(400);
    expect(empty.body.errors?.[0]?.extensions.field).toBe('body');
    const small = await createTestApp({ IMPORT_MAX_BYTES: '2048' }, { databaseUrl: t.databaseUrl, secret: t.secret });
    try {
      const res = await fetch(`${small.url}/api/imports/units`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: new Uint8Array(4096),
      });
      expect(res.status).toBe(413);
    } finally {
      await small.close();
    }
    // Someone else's upload answers like a missing one.
    const up = await upload('units', await xlsx(UNIT_HEADER, [[u(), 'X', 'COMMUNE', tree.province.code]]));
    const other = await buildAccount(t.em(), tree.province, [Role.ADMIN]);
    const otherToken = (await t.app.services.auth.startSession(t.em(), other)).accessToken;
    expect(errorCode(await t.gql(PREVIEW, { id: up.body.id }, otherToken))).toBe('NOT_FOUND');
    expect((await t.gql(PREVIEW, { id: 'nope' }, token)).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'uploadId',
    });
  });

  it('serves the templates in Vietnamese and English', async () => {
    const res = await fetch(`${t.url}/api/imports/templates/tasks.xlsx?lang=en`);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    expect((wb.worksheets[0]!.getRow(1).values as string[]).slice(1, 3)).toEqual(['Reference *', 'Parent reference']);
    const vi = Buffer.from(await (await fetch(`${t.url}/api/imports/templates/units.csv?lang=vi`)).arrayBuffer()).toString(
      'utf8',
    );
    expect(vi).toBe('\uFEFFMã đơn vị,Tên đơn vị,Cấp,Mã đơn vị cấp trên\r\n');
    // The template read back is a valid (empty) file of its kind.
    const template = Buffer.from(await (await fetch(`${t.url}/api/imports/templates/units.xlsx?lang=vi`)).arrayBuffer());
    await expect(run(adminViewer, ImportKind.UNITS, template)).rejects.toMatchObject({
      message: 'The file has a header but no rows',
    });
    expect((await fetch(`${t.url}/api/imports/templates/cats.xlsx`)).status).toBe(404);
  });
});
