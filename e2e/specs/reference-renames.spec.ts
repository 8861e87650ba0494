import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP, openBrowser, screenshots, type Browser } from '../support/browser.js';
import { chromiumAvailable } from '../support/chromium.js';
import { graphql } from '../support/generated/index.js';
import { apiToken, gql, openTasksOf, signIn, taskCard } from '../support/journeys.js';
import { startServer, type RunningServer } from '../support/server.js';

// Issue 20, point 4: a unit renamed on the committee screens and a resolution renamed by the
// centre reach the phone on its next sync (sync protocol 4's reference data), and the phone shows
// the new names on its task list and task page.

const JOURNEY = 'reference-renames';
const CELL = 'CB-LD-XUANHUONG-1';
const COMMUNE = 'C-LD-XUANHUONG';

const RENAME_RESOLUTION = graphql(`
  mutation E2eRenameResolution($input: UpdateResolutionInput!) {
    updateResolution(input: $input) {
      id
      titleVi
    }
  }
`);

/** Syncs from the sync screen, then opens the task's page from the list. */
async function syncAndOpen(phone: Page, server: RunningServer, task: { id: string; title: string }): Promise<void> {
  await phone.goto(new URL('/sync', server.url).toString());
  await phone.getByRole('main').getByRole('button', { name: 'Đồng bộ ngay' }).click();
  await phone.getByText('Đã gửi hết').first().waitFor({ timeout: 60_000 });
  await phone.goto(server.url);
  await (await taskCard(phone, task)).click();
  await phone.getByRole('heading', { level: 1, name: task.title }).waitFor({ timeout: 30_000 });
}

describe.runIf(chromiumAvailable())('renamed reference data on the phone', () => {
  let server: RunningServer;
  const open: Browser[] = [];
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    for (const b of open) await b.close();
    await server?.stop();
  });

  it('the committee renames the cell and the centre its resolution; the phone shows both after syncing', async () => {
    const officer = await openBrowser();
    const admin = await openBrowser(DESKTOP);
    open.push(officer, admin);
    const phone = officer.page;
    const [task] = await openTasksOf(server, CELL, 1);
    const [unit] = await server.sql<{ id: string; name: string }>(`select id, name from unit where code = $1`, [CELL]);
    const [commune] = await server.sql<{ name: string }>(`select name from unit where code = $1`, [COMMUNE]);
    const [resolution] = await server.sql<{ id: string; code: string; title_vi: string }>(
      `select r.id, r.code, r.title_vi from task t join resolution r on r.id = t.resolution_id where t.id = $1`,
      [task!.id],
    );
    const tag = Date.now().toString(36);
    const newUnitName = `${unit!.name} (đổi tên ${tag})`;
    const newTitle = `${resolution!.title_vi} — tên mới ${tag}`;

    // The phone's first sync brings the task with the names as they are.
    await signIn(phone, server, 'canbo.tdp1');
    await phone.locator('a[href^="/tasks/"]').first().waitFor({ timeout: 60_000 });
    await syncAndOpen(phone, server, task!);
    await phone.locator('[data-test="lead-unit"]').getByText(unit!.name, { exact: true }).waitFor();
    await phone.locator('[data-test="resolution"]').getByText(resolution!.title_vi).waitFor();
    await screenshots(phone, JOURNEY, '1-before');

    // The province's administrator renames the cell on the units screen.
    await signIn(admin.page, server, 'admin.lamdong', '/committee/admin/units');
    await admin.page.getByRole('button', { name: `Hiện các đơn vị cấp dưới của ${commune!.name}` }).click();
    await admin.page.locator('button.name', { hasText: unit!.name }).click();
    await admin.page.getByRole('heading', { level: 2, name: unit!.name }).waitFor();
    const form = admin.page.locator('form', { hasText: 'Đổi tên hoặc cấp' });
    await form.getByLabel('Tên').fill(newUnitName);
    await form.getByRole('button', { name: 'Lưu' }).click();
    await admin.page.getByRole('status').filter({ hasText: 'Đã lưu.' }).waitFor();
    await screenshots(admin.page, JOURNEY, '2-unit-renamed');

    // The centre renames the resolution the task carries out.
    const central = await apiToken(server, 'admin.tw');
    const renamed = await gql(server, central, RENAME_RESOLUTION, { input: { id: resolution!.id, titleVi: newTitle } });
    expect(renamed.updateResolution.titleVi).toBe(newTitle);
    // Neither rename touched the tasks that name them (the derived worker's progress updates leave the version alone).
    const [after] = await server.sql<{ version: number }>(`select version from task where id = $1`, [task!.id]);
    expect(after!.version).toBe(task!.version);

    // The phone's next sync brings the new names: on the task page and on the list.
    await syncAndOpen(phone, server, task!);
    await phone.locator('[data-test="lead-unit"]').getByText(newUnitName, { exact: true }).waitFor({ timeout: 30_000 });
    await phone.locator('[data-test="resolution"]').getByText(newTitle).waitFor();
    await screenshots(phone, JOURNEY, '3-after');
    // The list finds the task by the resolution's new title, typed without its marks.
    await phone.goto(server.url);
    await phone.fill('#task-search', `ten moi ${tag}`);
    await phone.locator(`a[href="/tasks/${task!.id}"]`).waitFor({ timeout: 30_000 });
    await screenshots(phone, JOURNEY, '4-list-search');
  });
});
