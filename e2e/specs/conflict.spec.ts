import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, screenshots } from '../support/browser.js';
import { chromiumAvailable } from '../support/chromium.js';
import {
  apiToken,
  eventually,
  gql,
  openTasksOf,
  signIn,
  taskCard,
  UPDATE_TASK,
  waitForServiceWorker,
} from '../support/journeys.js';
import { startServer, type RunningServer } from '../support/server.js';

const JOURNEY = 'conflict';

/** The UPDATE_TASK entries waiting in the phone's outbox, read straight from IndexedDB. */
async function outboxEditsOnPhone(page: Page): Promise<{ taskId: string; baseVersion: number; description?: string }[]> {
  return page.evaluate(
    () =>
      new Promise<{ taskId: string; baseVersion: number; description?: string }[]>((resolve, reject) => {
        const open = indexedDB.open('resolute');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const all = db.transaction('outbox').objectStore('outbox').getAll();
          all.onsuccess = () => {
            db.close();
            const rows = all.result as {
              kind: string;
              updateTask?: { taskId: string; baseVersion: number; description?: string };
            }[];
            resolve(rows.filter((r) => r.kind === 'UPDATE_TASK').map((r) => r.updateTask!));
          };
          all.onerror = () => reject(all.error);
        };
      }),
  );
}

describe.runIf(chromiumAvailable())('conflict', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  it('shows both versions of a field edited on both sides; the server keeps its copy until the person picks theirs', async () => {
    const browser = await openBrowser();
    try {
      const { page, context } = browser;
      const [task] = await openTasksOf(server, 'C-LD-XUANHUONG', 1);
      const tag = Date.now().toString(36);
      const mine = `Mô tả sửa trên điện thoại, không có mạng (${tag}).`;
      const theirs = `Mô tả do đầu mối tỉnh cập nhật trên máy chủ (${tag}).`;
      const description = async () =>
        (
          await server.sql<{ description: string; version: number }>(`select description, version from task where id = $1`, [
            task!.id,
          ])
        )[0]!;

      await signIn(page, server, 'daumoi.xuanhuong');
      await page.locator('a[href^="/tasks/"]').first().waitFor({ timeout: 60_000 });
      await page.getByText('Đã gửi hết').first().waitFor();
      await waitForServiceWorker(page);

      // On the commune focal officer's phone, with no network: the description is edited on the
      // task's edit screen and saved on the phone at once.
      await context.setOffline(true);
      await (await taskCard(page, task!)).click();
      await page.getByRole('link', { name: 'Sửa thông tin nhiệm vụ' }).click();
      await page.getByRole('heading', { level: 1, name: 'Sửa nhiệm vụ' }).waitFor();
      await page.getByLabel('Mô tả', { exact: true }).fill(mine);
      await screenshots(page, JOURNEY, '0a-edit-form');
      await page.getByRole('button', { name: 'Lưu thay đổi' }).click();
      await page.getByText('Đã lưu trên điện thoại này, chưa gửi.').waitFor();
      expect(await outboxEditsOnPhone(page)).toEqual([{ taskId: task!.id, baseVersion: task!.version, description: mine }]);
      await screenshots(page, JOURNEY, '0b-edit-saved-offline');

      // The task shows the edit as not sent yet, and still does after a reload with no network.
      await page.getByRole('link', { name: 'Về nhiệm vụ', exact: true }).click();
      await page.getByText('Có thay đổi chưa gửi').waitFor();
      await page.reload();
      await page.getByText(mine).waitFor({ timeout: 30_000 });
      await page.getByText('Có thay đổi chưa gửi').waitFor();
      await page.getByRole('link', { name: '1 mục chưa gửi', exact: true }).waitFor();
      await screenshots(page, JOURNEY, '0c-task-with-unsent-edit');

      // Meanwhile the province's focal officer, who assigned the task, changes the same field online.
      const focal = await apiToken(server, 'daumoi.lamdong');
      await gql(server, focal, UPDATE_TASK, {
        input: { id: task!.id, baseVersion: task!.version, description: theirs },
      });
      expect(await description()).toEqual({ description: theirs, version: task!.version + 1 });

      // Signal again: the push meets the newer version and the phone asks the person.
      await context.setOffline(false);
      await page.getByRole('link', { name: '1 mục cần xem', exact: true }).click();
      await page.getByRole('heading', { level: 1, name: 'Đồng bộ' }).waitFor();
      await page.getByRole('link', { name: 'Xem và chọn' }).click();
      await page.getByRole('heading', { level: 1, name: 'Xung đột dữ liệu' }).waitFor();
      const mineOption = page.getByRole('radio', { name: new RegExp(`Bản trên máy này.*${tag}`) });
      const theirsOption = page.getByRole('radio', { name: new RegExp(`Bản trên máy chủ.*${tag}`) });
      await mineOption.waitFor();
      await theirsOption.waitFor();
      await page.getByText(mine).waitFor();
      await page.getByText(theirs).waitFor();
      await screenshots(page, JOURNEY, '1-both-versions');

      // Nothing is overwritten while the person has not chosen, even after another sync.
      expect(await description()).toEqual({ description: theirs, version: task!.version + 1 });
      const [{ now }] = await server.sql<{ now: Date }>(`select now() as now`);
      await page.getByRole('button', { name: 'Đồng bộ ngay' }).click();
      await eventually(
        'another sync from the phone',
        () => server.sql<{ at: Date }>(`select max(last_pull_at) as at from sync_client`),
        ([r]) => !!r?.at && r.at > now!,
      );
      expect(await description()).toEqual({ description: theirs, version: task!.version + 1 });

      // "Keep mine": only now does the server take the phone's text.
      await mineOption.check();
      await page.getByRole('button', { name: 'Giữ bản của tôi và gửi lại' }).click();
      await page.getByRole('heading', { level: 1, name: 'Đồng bộ' }).waitFor();
      await eventually('the phone’s text on the server', description, (d) => d.description === mine);
      expect(await description()).toEqual({ description: mine, version: task!.version + 2 });
      await page.getByText('Đã gửi hết').first().waitFor({ timeout: 60_000 });
      await screenshots(page, JOURNEY, '2-kept-mine-and-sent');
    } finally {
      await browser.close();
    }
  });
});
