import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, screenshot, type Browser } from '../support/browser.js';
import { chromiumAvailable } from '../support/chromium.js';
import { eventually, openTasksOf, signIn, waitForServiceWorker, type CellTask } from '../support/journeys.js';
import { startServer, type RunningServer } from '../support/server.js';

const JOURNEY = 'push';
const CELL = 'CB-LD-XUANHUONG-1';
const OFFICER = 'canbo.tdp1';

interface Shown {
  title: string;
  body: string;
  tag: string;
  data: { url: string; kind: string };
}

const shownNotifications = (page: Page) =>
  page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    return (await registration.getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data }));
  }) as Promise<Shown[]>;

/** Follows DevTools' view of the service worker registrations, to deliver pushes to the app's. */
async function pushDelivery(browser: Browser, server: RunningServer) {
  const cdp = await browser.context.newCDPSession(browser.page);
  const registrations = new Map<string, string>();
  cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations: updated }) => {
    for (const r of updated) if (!r.isDeleted) registrations.set(r.scopeURL, r.registrationId);
  });
  await cdp.send('ServiceWorker.enable');
  const origin = new URL(server.url).origin;
  return async (kind: string) => {
    const registrationId = await eventually(
      'the service worker registration',
      async () => registrations.get(`${origin}/`) ?? null,
      (id) => id !== null,
      30_000,
    );
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin,
      registrationId: registrationId!,
      data: JSON.stringify({ kind }),
    });
  };
}

/** Signs the officer in with notifications allowed, once the first sync and the worker are done. */
async function signedInWithPushes(officer: Browser, server: RunningServer) {
  await officer.context.grantPermissions(['notifications'], { origin: server.url });
  const deliver = await pushDelivery(officer, server);
  await signIn(officer.page, server, OFFICER);
  await officer.page.locator('a[href^="/tasks/"]').first().waitFor({ timeout: 60_000 });
  await waitForServiceWorker(officer.page);
  return deliver;
}

/** A notice for the officer the device has not synced: its text can only come from a sync. */
async function unsyncedNotice(server: RunningServer, kind: string, text: (task: CellTask) => string): Promise<CellTask> {
  const [task] = await openTasksOf(server, CELL, 1);
  const message = text(task!);
  await server.sql(
    `insert into notification (id, account_id, kind, task_id, message)
     select gen_random_uuid(), a.id, $4, $2, $3 from account a where a.username = $1`,
    [OFFICER, task!.id, message, kind],
  );
  return task!;
}

describe.runIf(chromiumAvailable())('Web Push', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  it('a push wakes the service worker, which has the app sync and shows the synced notice, linked to its task', async () => {
    const officer = await openBrowser();
    try {
      const { page } = officer;
      const deliver = await signedInWithPushes(officer, server);

      // Settings offers pushes once the first sync is done, and asks nothing before the tap.
      await page.goto(new URL('/settings', server.url).toString());
      await page.getByRole('heading', { level: 2, name: 'Thông báo trên thiết bị này' }).waitFor();
      await page.getByRole('button', { name: 'Bật thông báo' }).waitFor();
      await screenshot(page, JOURNEY, 'settings');

      const tag = `e2e-${Date.now().toString(36)}`;
      let message = '';
      const task = await unsyncedNotice(
        server,
        'TASK_ASSIGNED',
        (t) => (message = `Đơn vị được giao nhiệm vụ «${t.title}» (${tag})`),
      );
      const pulls: string[] = [];
      page.on('request', (request) => {
        if (request.url().endsWith('/graphql') && request.postData()?.includes('SyncPull')) pulls.push(request.url());
      });
      await deliver('TASK_ASSIGNED');

      const shown = await eventually(
        'the notification',
        () => shownNotifications(page),
        (list) => list.length > 0,
        30_000,
      );
      expect(pulls.length).toBeGreaterThan(0);
      expect(shown).toHaveLength(1);
      expect(shown[0]).toMatchObject({
        title: 'Nhiệm vụ mới cho đơn vị',
        body: message,
        data: { url: `/tasks/${task.id}`, kind: 'TASK_ASSIGNED' },
      });
      // The synced notice is on the device too: the push brought the data, not only a banner.
      const stored = await page.evaluate(
        (id) =>
          new Promise<number>((resolve, reject) => {
            const open = indexedDB.open('resolute');
            open.onsuccess = () => {
              const all = open.result.transaction('notifications').objectStore('notifications').getAll();
              all.onsuccess = () => resolve((all.result as { message: string }[]).filter((n) => n.message.includes(id)).length);
              all.onerror = () => reject(all.error);
            };
            open.onerror = () => reject(open.error);
          }),
        tag,
      );
      expect(stored).toBe(1);
    } finally {
      await officer.close();
    }
  });

  it('with no window open, shows the words the app left for the kind, naming nothing', async () => {
    const officer = await openBrowser();
    try {
      const { context, page } = officer;
      const deliver = await signedInWithPushes(officer, server);
      // What turning notifications on leaves behind (a headless browser on a closed network has
      // no push service to subscribe with), written the way the app's Dexie table holds it.
      await page.evaluate(
        () =>
          new Promise<void>((resolve, reject) => {
            const open = indexedDB.open('resolute');
            open.onsuccess = () => {
              const words = {
                title: 'Sắp đến hạn',
                body: 'Có nhiệm vụ của đơn vị sắp đến hạn. Mở Resolute để xem.',
                url: '/',
                tag: 'TASK_DUE_SOON',
                lang: 'vi',
              };
              const tx = open.result.transaction('meta', 'readwrite');
              tx.objectStore('meta').put({ key: 'pushWords', value: { TASK_DUE_SOON: words } });
              tx.oncomplete = () => resolve();
              tx.onerror = () => reject(tx.error);
            };
            open.onerror = () => reject(open.error);
          }),
      );
      const pulls: string[] = [];
      context.on('request', (request) => {
        if (request.url().endsWith('/graphql') && request.postData()?.includes('SyncPull')) pulls.push(request.url());
      });
      await page.goto('about:blank');
      await deliver('TASK_DUE_SOON');
      await new Promise((r) => setTimeout(r, 1500));
      expect(pulls).toEqual([]);
      await page.goto(server.url);
      const shown = await eventually(
        'the notification',
        () => shownNotifications(page),
        (list) => list.length > 0,
        30_000,
      );
      expect(shown[0]).toMatchObject({ title: 'Sắp đến hạn', body: 'Có nhiệm vụ của đơn vị sắp đến hạn. Mở Resolute để xem.' });
    } finally {
      await officer.close();
    }
  });

  it("speaks the person's language: in English, the text is put together from the synced task", async () => {
    const officer = await openBrowser(undefined, 'en-US');
    try {
      const { page } = officer;
      const deliver = await signedInWithPushes(officer, server);

      const task = await unsyncedNotice(
        server,
        'REPORT_RETURNED',
        (t) => `Báo cáo cho nhiệm vụ «${t.title}» bị trả lại: thiếu ảnh`,
      );
      await deliver('REPORT_RETURNED');
      const shown = await eventually(
        'the notification',
        () => shownNotifications(page),
        (list) => list.length > 0,
        30_000,
      );
      expect(shown[0]).toMatchObject({
        title: 'Report returned',
        body: `Your report on «${task.title}» was returned. Open it to see the reviewer's comment.`,
        data: { url: `/tasks/${task.id}`, kind: 'REPORT_RETURNED' },
      });
    } finally {
      await officer.close();
    }
  });
});
