import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, screenshots } from '../support/browser.js';
import { chromiumAvailable } from '../support/chromium.js';
import { apiToken, eventually, gql, openTasksOf, signIn, taskCard, waitForServiceWorker } from '../support/journeys.js';
import { startServer, type RunningServer } from '../support/server.js';

const JOURNEY = 'conflict';

/**
 * The field app has no screen to edit a task yet (its sync and conflict screens already handle
 * "Sửa nhiệm vụ" entries), so the phone's edit is written the way `editTask` in
 * web/src/offline/outbox.ts writes it: in one IndexedDB transaction, an UPDATE_TASK outbox entry
 * based on the server version the phone holds, and the edit laid over the local task.
 */
async function editTaskOnPhone(page: Page, taskId: string, description: string): Promise<number> {
  return page.evaluate(
    ({ taskId, description }) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('resolute');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['tasks', 'outbox'], 'readwrite');
          const tasks = tx.objectStore('tasks');
          const get = tasks.get(taskId);
          let base = 0;
          get.onsuccess = () => {
            const task = get.result as { serverVersion: number; pendingFields: string[] } | undefined;
            if (!task) return reject(new Error(`task ${taskId} is not on the phone`));
            base = task.serverVersion;
            tx.objectStore('outbox').add({
              id: crypto.randomUUID(),
              kind: 'UPDATE_TASK',
              createdAt: new Date().toISOString(),
              refs: [taskId],
              attempts: 0,
              lastError: null,
              updateTask: { taskId, baseVersion: base, description },
            });
            tasks.put({ ...task, description, pendingFields: ['description'] });
          };
          tx.oncomplete = () => {
            db.close();
            resolve(base);
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    { taskId, description },
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

      // On the commune focal officer's phone, with no network: the description is edited.
      await context.setOffline(true);
      const base = await editTaskOnPhone(page, task!.id, mine);
      expect(base).toBe(task!.version);
      await page.reload();
      await (await taskCard(page, task!)).click();
      await page.getByText(mine).waitFor({ timeout: 30_000 });
      await page.getByRole('link', { name: '1 mục chưa gửi', exact: true }).waitFor();

      // Meanwhile the province's focal officer, who assigned the task, changes the same field online.
      const focal = await apiToken(server, 'daumoi.lamdong');
      await gql(server, focal, 'mutation($input: UpdateTaskInput!) { updateTask(input: $input) { id version } }', {
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
