import { readFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, openBrowser, screenshot } from '../support/browser.js';
import { chromiumAvailable } from '../support/chromium.js';
import { startServer, type RunningServer } from '../support/server.js';

async function signIn(page: Page, base: string, username: string, next: string) {
  await page.goto(new URL(`sign-in?redirect=${encodeURIComponent(next)}`, base).toString());
  await page.fill('#username', username);
  await page.fill('#password', 'Resolute2026');
  await page.click('button[type="submit"]');
  await page.waitForURL((url) => url.pathname === next, { timeout: 60_000 });
}

const summary = (page: Page) => page.getByTestId('import-summary');

async function importFile(page: Page, kind: string, name: string, lines: string[]) {
  await page.getByLabel('Tệp chứa').selectOption(kind);
  await page.getByLabel('Tệp (XLSX hoặc CSV)').setInputFiles({
    name,
    mimeType: 'text/csv',
    buffer: Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8'),
  });
  await page.getByRole('button', { name: 'Kiểm tra tệp (chạy thử)' }).click();
}

describe.runIf(chromiumAvailable())('committee import', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  it('an admin dry-runs then applies units given child first, then accounts whose officer activates with the downloaded code', async () => {
    const browser = await openBrowser(DESKTOP);
    try {
      const { page } = browser;
      await signIn(page, server.url, 'admin.lamdong', '/committee/admin/import');
      await importFile(page, 'units', 'don-vi.csv', [
        'Mã đơn vị,Tên đơn vị,Cấp,Mã đơn vị cấp trên',
        'E2E-IMP-CB,Chi bộ nhập thử,CELL,E2E-IMP-X',
        'E2E-IMP-X,Xã nhập thử,COMMUNE,P-LAMDONG',
        'E2E-IMP-BAD,Không có cha,CELL,KHONG-CO',
      ]);
      await summary(page).filter({ hasText: 'Chạy thử 3 dòng: 2 sẽ tạo, 0 sẽ cập nhật, 0 không đổi, 1 bị từ chối' }).waitFor();
      await page.locator('tr.refused', { hasText: 'Không có đơn vị nào mang mã cấp trên “KHONG-CO”' }).waitFor();
      expect(await page.getByRole('button', { name: 'Áp dụng' }).isDisabled()).toBe(true);
      await screenshot(page, 'committee-import', 'units-refused');

      // The corrected file: the refused row removed.
      await importFile(page, 'units', 'don-vi.csv', [
        'Mã đơn vị,Tên đơn vị,Cấp,Mã đơn vị cấp trên',
        'E2E-IMP-CB,Chi bộ nhập thử,CELL,E2E-IMP-X',
        'E2E-IMP-X,Xã nhập thử,COMMUNE,P-LAMDONG',
      ]);
      await summary(page).filter({ hasText: 'Chạy thử 2 dòng: 2 sẽ tạo' }).waitFor();
      expect(await page.locator('tbody tr', { hasText: 'Tạo mới' }).count()).toBe(2);
      await page.getByRole('button', { name: 'Áp dụng' }).click();
      await summary(page).filter({ hasText: 'Đã nhập 2 dòng: tạo 2, cập nhật 0, không đổi 0.' }).waitFor();
      await screenshot(page, 'committee-import', 'units-applied');

      await importFile(page, 'accounts', 'tai-khoan.csv', [
        'Tên đăng nhập,Họ và tên,Mã đơn vị,Vai trò',
        'e2e.nhap.canbo,Cán bộ nhập thử,E2E-IMP-CB,ADMIN',
      ]);
      await summary(page).filter({ hasText: 'Chạy thử 1 dòng: 1 sẽ tạo' }).waitFor();
      await page.getByRole('button', { name: 'Áp dụng' }).click();
      await summary(page).filter({ hasText: 'Đã nhập 1 dòng: tạo 1' }).waitFor();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Tải mã kích hoạt (XLSX)' }).click(),
      ]);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load((await readFile((await download.path())!)) as unknown as ArrayBuffer);
      const row = wb.worksheets[0]!.getRow(2).values as string[];
      expect(row[1]).toBe('e2e.nhap.canbo');
      const code = row[4]!;
      await screenshot(page, 'committee-import', 'accounts-applied');

      // The same file again: nothing changes.
      await importFile(page, 'accounts', 'tai-khoan.csv', [
        'Tên đăng nhập,Họ và tên,Mã đơn vị,Vai trò',
        'e2e.nhap.canbo,Cán bộ nhập thử,E2E-IMP-CB,ADMIN',
      ]);
      await summary(page).filter({ hasText: '0 sẽ tạo, 0 sẽ cập nhật, 1 không đổi, 0 bị từ chối' }).waitFor();

      const officer = await openBrowser(DESKTOP);
      try {
        const p = officer.page;
        await p.goto(new URL('sign-in', server.url).toString());
        await p.getByRole('button', { name: 'Tôi có mã kích hoạt' }).click();
        await p.fill('#username', 'e2e.nhap.canbo');
        await p.fill('#activation-code', code);
        await p.fill('#password', 'Mat-khau-moi-2026');
        await p.getByRole('button', { name: 'Kích hoạt và đăng nhập' }).click();
        await p.waitForURL((url) => url.pathname === '/', { timeout: 60_000 });
      } finally {
        await officer.close();
      }
    } finally {
      await browser.close();
    }
  });
});
