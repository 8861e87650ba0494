import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, screenshots } from '../support/browser.js';
import { chromiumAvailable } from '../support/chromium.js';
import {
  eventually,
  makeJpeg,
  openTasksOf,
  openTasksTab,
  recordReportThroughUi,
  signIn,
  taskCard,
  waitForServiceWorker,
} from '../support/journeys.js';
import { startServer, type RunningServer } from '../support/server.js';

const JOURNEY = 'offline-field-work';

describe.runIf(chromiumAvailable())('offline field work', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  it('signs in, syncs, works offline across reloads, and sends three reports (one with a photo) exactly once', async () => {
    const browser = await openBrowser();
    try {
      const { page, context } = browser;
      const tasks = await openTasksOf(server, 'CB-LD-XUANHUONG-1', 3);
      const tag = `e2e-${Date.now().toString(36)}`;

      await signIn(page, server, 'canbo.tdp1');
      // The cell's tasks, shown after the first sync.
      await page.locator('a[href^="/tasks/"]').first().waitFor({ timeout: 60_000 });
      await page.getByText('Đã gửi hết').first().waitFor();
      await screenshots(page, JOURNEY, '1-synced');
      await waitForServiceWorker(page);
      // Chromium's encoder makes the photo; made while online only because the page is idle here.
      const photo = await makeJpeg(page);

      await context.setOffline(true);
      await page.reload();
      await page.locator('a[href^="/tasks/"]').first().waitFor({ timeout: 30_000 });
      expect(await page.evaluate(() => navigator.onLine)).toBe(false);
      await page.getByRole('status').filter({ hasText: 'Không có mạng' }).first().waitFor();
      await screenshots(page, JOURNEY, '2-reopened-offline');

      // Three reports on three tasks with no network, the second with a photo.
      for (const [i, t] of tasks.entries()) {
        await recordReportThroughUi(page, t, {
          percent: 60 + i * 10,
          narrative: `Báo cáo ngoại tuyến ${i + 1} (${tag}).`,
          photo: i === 1 ? photo : undefined,
        });
        await page.getByText('Đã lưu trên điện thoại này, chưa gửi.').waitFor();
        if (i === 1) await screenshots(page, JOURNEY, '3-report-saved-offline');
        await openTasksTab(page);
      }

      // Reload with no network: the three reports are still on the device, marked unsent.
      await page.reload();
      await page.getByRole('heading', { level: 1, name: 'Nhiệm vụ của đơn vị' }).waitFor({ timeout: 30_000 });
      for (const t of tasks) {
        await (await taskCard(page, t)).getByText('Chưa gửi').waitFor();
      }
      // The bar counts every unconfirmed item: three reports and the photo behind one of them.
      await page.getByRole('link', { name: '4 mục chưa gửi', exact: true }).waitFor();
      // Offline, no sync starts: the bar does not claim to be sending.
      expect(await page.getByText(/Đang đồng bộ|Đang gửi báo cáo/).count()).toBe(0);
      await screenshots(page, JOURNEY, '4-unsent-after-reload');
      await page
        .getByRole('navigation', { name: 'Điều hướng chính' })
        .getByRole('link', { name: /Đồng bộ/ })
        .click();
      const facts = page.locator('dl.facts');
      await facts.waitFor();
      expect(await facts.locator('dt:has-text("Mục chưa gửi") + dd').innerText()).toBe('3');
      expect(await facts.locator('dt:has-text("Ảnh chưa gửi") + dd').innerText()).toBe('1');
      await screenshots(page, JOURNEY, '5-sync-page-offline');
      expect(await server.sql(`select 1 from progress_report where narrative like $1`, [`%${tag}%`])).toHaveLength(0);

      // Signal again: the app sends by itself, the count reaches zero.
      await context.setOffline(false);
      await page.getByText('Đã gửi hết').first().waitFor({ timeout: 90_000 });
      expect(await facts.locator('dt:has-text("Mục chưa gửi") + dd').innerText()).toBe('0');
      expect(await facts.locator('dt:has-text("Ảnh chưa gửi") + dd').innerText()).toBe('0');
      await screenshots(page, JOURNEY, '6-all-sent');

      // The server has each report exactly once, and the photo once.
      const rows = await server.sql<{ id: string; task_id: string; percent: number }>(
        `select id, task_id, percent from progress_report where narrative like $1 order by percent`,
        [`%${tag}%`],
      );
      expect(rows.map((r) => [r.task_id, r.percent])).toEqual(tasks.map((t, i) => [t.id, 60 + i * 10]));
      const withPhoto = rows[1]!;
      const attachments = await eventually(
        'the photo to be verified',
        () =>
          server.sql<{ report_id: string; sha256: string; status: string; content_type: string }>(
            `select a.report_id, a.sha256, a.status, a.content_type from attachment a
               join progress_report r on r.id = a.report_id where r.narrative like $1`,
            [`%${tag}%`],
          ),
        (a) => a.length > 0 && a.every((x) => x.status === 'VERIFIED'),
      );
      expect(attachments).toHaveLength(1);
      expect(attachments[0]).toMatchObject({ report_id: withPhoto.id, content_type: 'image/jpeg' });
      const sha = attachments[0]!.sha256;
      const stored = await readdir(path.join(server.dataDir, 'files', sha.slice(0, 2)));
      expect(stored.filter((f) => f === sha)).toHaveLength(1);
    } finally {
      await browser.close();
    }
  });
});
