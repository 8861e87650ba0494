import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDay } from '../../src/common/dates.js';
import { Role } from '../../src/modules/accounts/role.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { buildPlan, buildResolution, buildTask, buildTree, tokenFor } from '../support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

/** An export as the browser fetches it, once the derived figures have caught up. */
const get = async (path: string, token?: string) => {
  await t.drain();
  return fetch(`${t.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
};

async function workbook(res: Response) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(await res.arrayBuffer());
  return wb.worksheets[0];
}

async function arrange() {
  const em = t.em();
  const tree = await buildTree(em);
  const resolution = await buildResolution(em, { code: `${Date.now().toString(36)}-NQ/TW` });
  const plan = await buildPlan(em, tree.province, { resolution });
  const overdue = await buildTask(em, {
    plan,
    assigner: tree.province,
    lead: tree.commune,
    title: 'Số hoá hồ sơ đất đai',
    dueOn: addDays(localDay(), -5),
  });
  await buildTask(em, {
    plan,
    assigner: tree.province,
    lead: tree.siblingCommune,
    title: '=HYPERLINK("x")',
    dueOn: addDays(localDay(), 20),
  });
  await buildTask(em, {
    plan: await buildPlan(em, tree.otherProvince, { resolution }),
    assigner: tree.otherProvince,
    lead: tree.otherCommune,
    title: 'Nhiệm vụ tỉnh khác',
  });
  const { token } = await tokenFor(t, tree.province, [Role.LEADER]);
  return { tree, resolution, overdue, token };
}

describe('exports', () => {
  it('writes the task list as XLSX with Vietnamese headers and only the subtree’s tasks', async () => {
    const { resolution, token } = await arrange();
    const res = await get(`/api/exports/tasks.xlsx?resolutionId=${resolution.id}&lang=vi`, token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const ws = await workbook(res);
    expect(ws.getCell('A1').value).toContain('Danh sách nhiệm vụ');
    expect(ws.getRow(2).values).toEqual(
      expect.arrayContaining(['Nhiệm vụ', 'Nghị quyết', 'Đơn vị chủ trì', 'Hạn hoàn thành', 'Trạng thái']),
    );
    expect(ws.getCell('A3').value).toBe('Số hoá hồ sơ đất đai');
    expect(ws.getCell('B3').value).toBe(resolution.code);
    expect(ws.getCell('H3').value).toBe('Quá hạn');
    expect((ws.getCell('G3').value as Date).toISOString().slice(0, 10)).toBe(addDays(localDay(), -5));
    expect(ws.actualRowCount).toBe(4);
    const titles = [3, 4].map((r) => ws.getCell(`A${r}`).value);
    expect(titles).not.toContain('Nhiệm vụ tỉnh khác');
  });

  it('writes English headers in English mode', async () => {
    const { resolution, token } = await arrange();
    const ws = await workbook(await get(`/api/exports/tasks.xlsx?resolutionId=${resolution.id}&lang=en`, token));
    expect(ws.getCell('A2').value).toBe('Task');
    expect(ws.getCell('H3').value).toBe('Overdue');
  });

  it('writes the dashboard table with a line per child unit and the total', async () => {
    const { tree, resolution, token } = await arrange();
    const ws = await workbook(await get(`/api/exports/dashboard.xlsx?resolutionId=${resolution.id}&lang=vi`, token));
    expect(ws.getCell('A2').value).toBe('Đơn vị');
    const rows = Object.fromEntries([3, 4, 5].map((r) => [ws.getCell(`A${r}`).value, ws.getCell(`B${r}`).value]));
    expect(rows).toEqual({ [tree.commune.name]: 1, [tree.siblingCommune.name]: 1, 'Tổng cộng': 2 });
    const overdueCol = (ws.getRow(2).values as string[]).indexOf('Quá hạn');
    expect(ws.getRow(5).getCell(overdueCol).value).toBe(1);
  });

  it('writes CSV with a byte-order mark and formulas defused', async () => {
    const { resolution, token } = await arrange();
    const res = await get(`/api/exports/tasks.csv?resolutionId=${resolution.id}&lang=vi`, token);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    const lines = text.trim().split('\r\n');
    expect(lines[0].startsWith('Nhiệm vụ,Nghị quyết,Đơn vị chủ trì')).toBe(true);
    expect(lines).toHaveLength(3);
    expect(text).toContain(`"'=HYPERLINK(""x"")"`);
  });

  it('refuses without a token, outside the subtree, and with a bad language', async () => {
    const { tree, token } = await arrange();
    expect((await get(`/api/exports/tasks.xlsx`)).status).toBe(401);
    const other = await get(`/api/exports/tasks.xlsx?unitId=${tree.otherProvince.id}`, token);
    expect(other.status).toBe(404);
    expect(((await other.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('NOT_FOUND');
    expect((await get(`/api/exports/tasks.xlsx?lang=fr`, token)).status).toBe(400);
    expect((await get(`/api/exports/secrets.xlsx`, token)).status).toBe(404);
  });
});
