import { createECDH, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql } from '../support/generated/index.js';
import { openBrowser, screenshot, type Browser } from '../support/browser.js';
import { chromiumAvailable } from '../support/chromium.js';
import { apiToken, eventually, gql, openTasksOf, signIn, waitForServiceWorker, type CellTask } from '../support/journeys.js';
import { startServer, type RunningServer } from '../support/server.js';

const JOURNEY = 'push';
const CELL = 'CB-LD-XUANHUONG-1';
const OFFICER = 'canbo.tdp1';
const LEADER = 'lanhdao.xuanhuong';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Shown {
  title: string;
  body: string;
  tag: string;
  data: { url: string; kind: string; notificationId: string | null };
}

const REQUEST_EXTENSION = graphql(`
  mutation E2ePushRequestExtension($input: RequestExtensionInput!) {
    requestExtension(input: $input) {
      request {
        id
      }
    }
  }
`);

const REFUSE_EXTENSION = graphql(`
  mutation E2ePushRefuseExtension($id: ID!, $comment: String!) {
    refuseExtension(id: $id, comment: $comment) {
      id
    }
  }
`);

const PUSH_NOTICES = graphql(`
  query E2ePushNotices($readKey: String!) {
    pushNotices(readKey: $readKey) {
      id
    }
  }
`);

/**
 * A stand-in for the browser's push service. A headless Chromium on a closed network cannot
 * subscribe with a real one, so the page's PushManager answers with a subscription whose endpoint
 * is this server (with a real P-256 key, which the server checks); the app's own code turns pushes
 * on and registers it. The server's real sends land here; the journeys then deliver the push to
 * the service worker through DevTools, as the push service would.
 */
async function standInPushService() {
  const received: string[] = [];
  const http: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push(req.url ?? '');
      res.writeHead(201).end();
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    received,
    device() {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      return {
        endpoint: `${origin}/push/${randomBytes(8).toString('hex')}`,
        p256dh: ecdh.getPublicKey().toString('base64url'),
        auth: randomBytes(16).toString('base64url'),
      };
    },
    pushesTo: (endpoint: string) => received.filter((p) => endpoint.endsWith(p)),
    stop: () => new Promise<void>((r) => http.close(() => r())),
  };
}
type Device = ReturnType<Awaited<ReturnType<typeof standInPushService>>['device']>;

/** Makes the page's PushManager subscribe to `device` (kept across reloads until unsubscribed). */
async function pushManagerFor(context: BrowserContext, device: Device) {
  await context.addInitScript((d: Device) => {
    if (typeof window === 'undefined' || !('PushManager' in window)) return;
    const FLAG = 'e2e.pushSubscription';
    const make = (key: string) => ({
      endpoint: d.endpoint,
      expirationTime: null,
      options: { userVisibleOnly: true, applicationServerKey: Uint8Array.from(atob(key), (c) => c.charCodeAt(0)).buffer },
      toJSON: () => ({ endpoint: d.endpoint, expirationTime: null, keys: { p256dh: d.p256dh, auth: d.auth } }),
      unsubscribe: async () => (localStorage.removeItem(FLAG), true),
    });
    PushManager.prototype.getSubscription = async function () {
      const key = localStorage.getItem(FLAG);
      return (key ? make(key) : null) as unknown as PushSubscription;
    };
    PushManager.prototype.subscribe = async function (options?: PushSubscriptionOptionsInit) {
      const bytes = new Uint8Array(options!.applicationServerKey as ArrayBuffer);
      const key = btoa(String.fromCharCode(...bytes));
      localStorage.setItem(FLAG, key);
      return make(key) as unknown as PushSubscription;
    };
  }, device);
}

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

/** The app's service worker, to look at what it shows from inside it. */
async function serviceWorker(context: BrowserContext): Promise<Worker> {
  return (
    context.serviceWorkers().find((w) => w.url().endsWith('/sw.js')) ??
    (await context.waitForEvent('serviceworker', { predicate: (w) => w.url().endsWith('/sw.js'), timeout: 30_000 }))
  );
}

/** The notifications the service worker shows, read from its registration. */
const shownNotifications = async (context: BrowserContext) =>
  (await serviceWorker(context)).evaluate(async () => {
    const registration = (self as unknown as { registration: ServiceWorkerRegistration }).registration;
    return (await registration.getNotifications()).map((n) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data }));
  }) as Promise<Shown[]>;

const waitForNotification = (context: BrowserContext) =>
  eventually(
    'the notification',
    () => shownNotifications(context),
    (list) => list.length > 0,
    30_000,
  );

/**
 * Taps the shown notification: a notificationclick event with the real Notification, dispatched
 * at the worker's own handler (DevTools has no way to click a notification). An event made this
 * way carries no user activation, so the browser refuses focus() and openWindow() for it: with a
 * window open the handler still sends it to the notice's screen (the journey sees it go there);
 * with none, the paths the handler asked clients.openWindow() for are answered, recorded here
 * around the browser's own function.
 */
async function tapNotification(context: BrowserContext, tag: string): Promise<string[]> {
  return (await serviceWorker(context)).evaluate(async (t) => {
    const scope = self as unknown as {
      registration: ServiceWorkerRegistration;
      clients: { openWindow(url: string): Promise<unknown> };
      dispatchEvent(e: Event): boolean;
      NotificationEvent: new (type: string, init: { notification: Notification }) => Event;
    };
    const opened: string[] = [];
    const openWindow = scope.clients.openWindow.bind(scope.clients);
    scope.clients.openWindow = (url: string) => (opened.push(url), openWindow(url).catch(() => null));
    try {
      const [notification] = await scope.registration.getNotifications({ tag: t });
      scope.dispatchEvent(new scope.NotificationEvent('notificationclick', { notification: notification! }));
      // The handler looks for a window first; give it a moment to decide.
      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      Reflect.deleteProperty(scope.clients, 'openWindow');
    }
    return opened;
  }, tag);
}

/** The notices the app's database holds whose message contains `text`, read in the page or the worker. */
const storedNotices = (where: Page | Worker, text: string) =>
  (where as Worker).evaluate(
    (id: string) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('resolute');
        open.onsuccess = () => {
          const all = open.result.transaction('notifications').objectStore('notifications').getAll();
          all.onsuccess = () => resolve((all.result as { message: string }[]).filter((n) => n.message.includes(id)).length);
          all.onerror = () => reject(all.error);
        };
        open.onerror = () => reject(open.error);
      }),
    text,
  );

/** The service worker's notice key, as the app left it in its database (null: none). */
const storedReadKey = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<string | null>((resolve, reject) => {
        const open = indexedDB.open('resolute');
        open.onsuccess = () => {
          const get = open.result.transaction('meta').objectStore('meta').get('pushKey');
          get.onsuccess = () => resolve((get.result as { value?: { readKey?: string } } | undefined)?.value?.readKey ?? null);
          get.onerror = () => reject(get.error);
        };
        open.onerror = () => reject(open.error);
      }),
  );

/** Signs the officer in with notifications allowed, once the first sync and the worker are done. */
async function signedInWithPushes(officer: Browser, server: RunningServer) {
  await officer.context.grantPermissions(['notifications'], { origin: server.url });
  const deliver = await pushDelivery(officer, server);
  await signIn(officer.page, server, OFFICER);
  await officer.page.locator('a[href^="/tasks/"]').first().waitFor({ timeout: 60_000 });
  await waitForServiceWorker(officer.page);
  return deliver;
}

/** Turns pushes on from the settings screen, as the officer does. */
async function turnOnPushes(page: Page, server: RunningServer) {
  await page.goto(new URL('/settings', server.url).toString());
  await page.getByRole('heading', { level: 2, name: 'Thông báo trên thiết bị này' }).waitFor();
  await page.getByRole('button', { name: 'Bật thông báo' }).click();
  await page.getByText('Đã bật thông báo trên thiết bị này.').waitFor({ timeout: 30_000 });
}

/** A notice for the officer the device has not synced: its text can only come from the server. */
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

const subscriptionsOf = (server: RunningServer, endpoint: string) =>
  server.sql<{ read_key_hash: string | null }>(`select read_key_hash from push_subscription where endpoint = $1`, [endpoint]);

describe.runIf(chromiumAvailable())('Web Push', () => {
  let server: RunningServer;
  let pushService: Awaited<ReturnType<typeof standInPushService>>;
  beforeAll(async () => {
    [server, pushService] = await Promise.all([startServer(), standInPushService()]);
  });
  afterAll(async () => {
    await server?.stop();
    await pushService?.stop();
  });

  it('turned on in settings, a push has the worker fetch the notice and the app sync; tapping it opens the task', async () => {
    const officer = await openBrowser();
    try {
      const { context, page } = officer;
      const device = pushService.device();
      await pushManagerFor(context, device);
      const deliver = await signedInWithPushes(officer, server);

      // Settings offers pushes once the first sync is done, and asks nothing before the tap.
      await page.goto(new URL('/settings', server.url).toString());
      await page.getByRole('button', { name: 'Bật thông báo' }).waitFor();
      await screenshot(page, JOURNEY, 'settings');
      await turnOnPushes(page, server);
      expect(await subscriptionsOf(server, device.endpoint)).toEqual([
        { read_key_hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
      ]);
      expect(await storedReadKey(page)).toMatch(/^[A-Za-z0-9_-]{43}$/);

      const tag = `e2e-${Date.now().toString(36)}`;
      let message = '';
      const task = await unsyncedNotice(
        server,
        'TASK_ASSIGNED',
        (t) => (message = `Đơn vị được giao nhiệm vụ «${t.title}» (${tag})`),
      );
      // The server sends it to this device's push service for real...
      await eventually(
        'the push at the push service',
        async () => pushService.pushesTo(device.endpoint).length,
        (n) => n > 0,
        30_000,
      );
      await page.goto(server.url);
      await page.locator('a[href^="/tasks/"]').first().waitFor();
      const pulls: string[] = [];
      page.on('request', (request) => {
        if (request.url().endsWith('/graphql') && request.postData()?.includes('SyncPull')) pulls.push(request.url());
      });
      // ...and the push service hands it to the service worker.
      await deliver('TASK_ASSIGNED');

      const shown = await waitForNotification(context);
      expect(shown).toHaveLength(1);
      expect(shown[0]).toMatchObject({
        title: 'Nhiệm vụ mới cho đơn vị',
        body: message,
        // Named by its id: the worker's own fetch made it, not the window's answer.
        data: { url: `/tasks/${task.id}`, kind: 'TASK_ASSIGNED', notificationId: expect.stringMatching(UUID) },
      });
      // The worker stored the notice where the app reads it, and the open window synced as well.
      expect(await storedNotices(page, tag)).toBe(1);
      await eventually(
        'the window to sync',
        async () => pulls.length,
        (n) => n > 0,
        30_000,
      );

      expect(await tapNotification(context, shown[0]!.tag)).toEqual([]);
      await page.waitForURL((url) => url.pathname === `/tasks/${task.id}`, { timeout: 30_000 });
      await page.getByRole('heading', { level: 1, name: task.title }).waitFor();
      expect(await shownNotifications(context)).toEqual([]);
    } finally {
      await officer.close();
    }
  });

  it('with no window open, the worker shows the decided extension from what it fetched; signed out, the device gets no more', async () => {
    const officer = await openBrowser();
    try {
      const { context, page } = officer;
      const device = pushService.device();
      await pushManagerFor(context, device);
      const deliver = await signedInWithPushes(officer, server);
      await turnOnPushes(page, server);
      const readKey = await storedReadKey(page);

      // The officer asks for more time and the commune leader refuses it, through the API.
      const [task] = await server.sql<{ id: string; title: string; version: number; wanted: string }>(
        `select t.id, t.title, t.version, to_char(t.due_on + 30, 'YYYY-MM-DD') as wanted
           from task t join unit u on u.id = t.lead_unit_id
           join account a on a.username = $2 and a.unit_id = t.assigner_unit_id
          where u.code = $1 and t.state = 'OPEN' and t.due_on is not null
            and not exists (select 1 from task_extension_request e where e.task_id = t.id)
          order by t.title limit 1`,
        [CELL, LEADER],
      );
      const comment = `Chưa đủ căn cứ (e2e-${Date.now().toString(36)})`;
      const { requestExtension } = await gql(server, await apiToken(server, OFFICER), REQUEST_EXTENSION, {
        input: { taskId: task!.id, baseVersion: task!.version, requestedDueOn: task!.wanted, reason: 'Mưa lũ kéo dài' },
      });
      const before = pushService.pushesTo(device.endpoint).length;
      await page.goto('about:blank');
      const requests: string[] = [];
      context.on('request', (request) => {
        const body = request.postData() ?? '';
        if (request.url().endsWith('/graphql'))
          requests.push(/SyncPull/.test(body) ? 'SyncPull' : /PushNotices/.test(body) ? 'PushNotices' : 'other');
      });
      await gql(server, await apiToken(server, LEADER), REFUSE_EXTENSION, { id: requestExtension.request.id, comment });
      await eventually(
        'the push at the push service',
        async () => pushService.pushesTo(device.endpoint).length,
        (n) => n > before,
        30_000,
      );
      await deliver('EXTENSION_DECIDED');

      const shown = await waitForNotification(context);
      expect(shown[0]).toMatchObject({
        title: 'Đã quyết định gia hạn',
        body: `Đề nghị gia hạn nhiệm vụ «${task!.title}» không được chấp thuận: ${comment}`,
        data: { url: `/tasks/${task!.id}`, kind: 'EXTENSION_DECIDED', notificationId: expect.stringMatching(UUID) },
      });
      // No window: no sync ran; the worker fetched the notice alone and stored it for the app.
      expect(requests).not.toContain('SyncPull');
      expect(await storedNotices(await serviceWorker(context), comment)).toBe(1);
      // Tapped with no window of the app open, a new one opens on the task.
      expect(await tapNotification(context, shown[0]!.tag)).toEqual([`/tasks/${task!.id}`]);
      await page.goto(server.url);
      await page.locator('a[href^="/tasks/"]').first().waitFor();

      // Signing out removes the device on the server and its key here, and the key stops working.
      await page.goto(new URL('/settings', server.url).toString());
      await page.getByRole('button', { name: 'Đăng xuất' }).click();
      await page.waitForURL((url) => url.pathname === '/sign-in', { timeout: 30_000 });
      expect(await subscriptionsOf(server, device.endpoint)).toEqual([]);
      expect(await storedReadKey(page)).toBeNull();
      await expect(gql(server, null, PUSH_NOTICES, { readKey: readKey! })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
      const sent = pushService.pushesTo(device.endpoint).length;
      await unsyncedNotice(server, 'TASK_ASSIGNED', (t) => `Đơn vị được giao nhiệm vụ «${t.title}» (sau khi đăng xuất)`);
      // The officer's other devices still signed in may be woken; once the sender is through, this one was not.
      await eventually(
        'the sender to go through the queue',
        () => server.sql(`select 1 from push_outbox o join account a on a.id = o.account_id where a.username = $1`, [OFFICER]),
        (rows) => rows.length === 0,
        30_000,
      );
      await new Promise((r) => setTimeout(r, 1500));
      expect(pushService.pushesTo(device.endpoint)).toHaveLength(sent);
    } finally {
      await officer.close();
    }
  });

  it("speaks the person's language: in English, the open window syncs and words the notice from the synced task", async () => {
    // Pushes not turned on through this app (no notice key): the worker has the window answer.
    const officer = await openBrowser(undefined, 'en-US');
    try {
      const { context } = officer;
      const deliver = await signedInWithPushes(officer, server);

      const task = await unsyncedNotice(
        server,
        'REPORT_RETURNED',
        (t) => `Báo cáo cho nhiệm vụ «${t.title}» bị trả lại: thiếu ảnh`,
      );
      await deliver('REPORT_RETURNED');
      const shown = await waitForNotification(context);
      expect(shown[0]).toMatchObject({
        title: 'Report returned',
        body: `Your report on «${task.title}» was returned. Open it to see the reviewer's comment.`,
        data: { url: `/tasks/${task.id}`, kind: 'REPORT_RETURNED', notificationId: null },
      });
    } finally {
      await officer.close();
    }
  });
});
