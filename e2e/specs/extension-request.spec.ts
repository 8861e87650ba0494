import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, openBrowser, screenshots } from '../support/browser.js';
import { chromiumAvailable } from '../support/chromium.js';
import { eventually, signIn, taskCard, waitForServiceWorker } from '../support/journeys.js';
import { startServer, type RunningServer } from '../support/server.js';

const JOURNEY = 'extension-request';
const CELL = 'CB-LD-XUANHUONG-1';
const LEADER = 'lanhdao.xuanhuong';

/** dd/mm/yyyy, as the Vietnamese screens show a day. */
const viDay = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;

describe.runIf(chromiumAvailable())('deadline-extension request', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  it('asked offline on the phone, approved in the committee queue, the new due date reaches the phone with the original kept', async () => {
    const officer = await openBrowser();
    const leader = await openBrowser(DESKTOP);
    try {
      // An open task of the cell, assigned by the leader's commune, with a due date.
      const [task] = await server.sql<{ id: string; title: string; due: string }>(
        `select t.id, t.title, to_char(t.due_on, 'YYYY-MM-DD') as due
           from task t join unit u on u.id = t.lead_unit_id
           join account a on a.username = $2 and a.unit_id = t.assigner_unit_id
          where u.code = $1 and t.state = 'OPEN' and t.due_on is not null
          order by t.title limit 1`,
        [CELL, LEADER],
      );
      expect(task).toBeDefined();
      const [{ wanted }] = await server.sql<{ wanted: string }>(`select to_char($1::date + 45, 'YYYY-MM-DD') as wanted`, [
        task!.due,
      ]);
      const reason = `Mưa lũ kéo dài, chưa thể tổ chức hội nghị (e2e-${Date.now().toString(36)}).`;
      const { page, context } = officer;

      await signIn(page, server, 'canbo.tdp1');
      await page.locator('a[href^="/tasks/"]').first().waitFor({ timeout: 60_000 });
      await page.getByText('Đã gửi hết').first().waitFor();
      await waitForServiceWorker(page);

      // No signal: the request is saved on the phone with its outbox entry.
      await context.setOffline(true);
      await (await taskCard(page, task!)).click();
      await page.getByRole('heading', { level: 1, name: task!.title }).waitFor();
      await page.getByRole('button', { name: 'Đề nghị gia hạn' }).click();
      await page.getByLabel('Hạn mới đề nghị').fill(wanted!);
      await page.getByLabel('Lý do', { exact: true }).fill(reason);
      await page.getByRole('button', { name: 'Lưu đề nghị' }).click();
      const panel = page.locator('[data-test="extensions"]');
      await panel.getByText('Chưa gửi').waitFor();
      await panel.getByText('Chờ quyết định').waitFor();
      await screenshots(page, JOURNEY, '1-asked-offline');
      expect(await server.sql(`select 1 from task_extension_request where task_id = $1`, [task!.id])).toHaveLength(0);

      // Signal again: the request reaches the server once.
      await context.setOffline(false);
      await page.getByText('Đã gửi hết').first().waitFor({ timeout: 90_000 });
      const stored = await eventually(
        'the request on the server',
        () =>
          server.sql<{ id: string; state: string; reason: string }>(
            `select id, state, reason from task_extension_request where task_id = $1`,
            [task!.id],
          ),
        (rows) => rows.length === 1,
      );
      expect(stored[0]).toMatchObject({ state: 'PENDING', reason });

      // The commune leader approves it from the keyboard in the committee's queue.
      await signIn(leader.page, server, LEADER, '/committee/extensions');
      await leader.page.locator(`#extension-item-${stored[0]!.id}`).waitFor({ timeout: 30_000 });
      while ((await leader.page.locator(`#extension-item-${stored[0]!.id}`).getAttribute('aria-selected')) !== 'true')
        await leader.page.keyboard.press('j');
      await leader.page.locator('[data-test="extension-detail"]').getByText(reason).waitFor();
      await screenshots(leader.page, JOURNEY, '2-queue');
      await leader.page.keyboard.press('a');
      await leader.page.getByText(`Đã đồng ý: ${task!.title} nay có hạn ${viDay(wanted!)}.`).waitFor();
      const [after] = await server.sql<{ due: string; original: string; version: number }>(
        `select to_char(due_on, 'YYYY-MM-DD') as due, to_char(original_due_on, 'YYYY-MM-DD') as original, version from task where id = $1`,
        [task!.id],
      );
      expect(after).toMatchObject({ due: wanted, original: task!.due });

      // The committee task page shows the decision and the on-time rule.
      await leader.page.goto(new URL(`committee/tasks/${task!.id}`, server.url).toString());
      const section = leader.page.locator('[data-test="committee-extensions"]');
      await section.getByText('Đã đồng ý').waitFor({ timeout: 30_000 });
      await section.getByText('Đúng hạn được tính theo hạn đã gia hạn.').waitFor();

      // The phone syncs: the new due date, the original kept, the request approved.
      await page.getByRole('button', { name: 'Đồng bộ ngay' }).click();
      await panel.getByText('Đã đồng ý').waitFor({ timeout: 60_000 });
      await page.locator('[data-test="due"]').getByText(viDay(wanted!)).waitFor();
      expect(await page.locator('[data-test="original-due"]').innerText()).toContain(viDay(task!.due));
      expect(await page.locator('[data-test="due"]').innerText()).toContain(`Đã gia hạn từ ${viDay(task!.due)}`);
      await screenshots(page, JOURNEY, '3-phone-approved');
      const history = await server.sql<{ kind: string }>(
        `select kind from task_history where task_id = $1 and kind like 'EXTENSION_%' order by id`,
        [task!.id],
      );
      expect(history.map((h) => h.kind)).toEqual(['EXTENSION_REQUESTED', 'EXTENSION_APPROVED']);
    } finally {
      await officer.close();
      await leader.close();
    }
  }, 240_000);
});
