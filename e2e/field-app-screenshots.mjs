/* global indexedDB, navigator -- used inside page.evaluate, which runs in the browser */
// Drives the built field app in Debian's Chromium and saves screenshots to e2e/artifacts/.
// Usage: BASE_URL=http://localhost:4000 node e2e/field-app-screenshots.mjs [--manifest-shots]
// With --manifest-shots it also refreshes web/public/screenshots/ (the install sheet's pictures).
// Until the server answers syncPull, tasks are written into the app's IndexedDB directly.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const BASE = process.env.BASE_URL ?? 'http://localhost:4000';
const OUT = path.join(import.meta.dirname, 'artifacts');
const MANIFEST_SHOTS = path.join(import.meta.dirname, '..', 'web', 'public', 'screenshots');
mkdirSync(OUT, { recursive: true });
const saved = [];

const launchOptions = {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};
// The phone gets a real (persistent, fresh) profile: Chromium judges installability only outside incognito.
const phone = await chromium.launchPersistentContext(mkdtempSync(path.join(tmpdir(), 'resolute-chromium-')), {
  ...launchOptions,
  viewport: { width: 360, height: 800 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'vi-VN',
});

/** A viewport-sized picture, as the person sees it (sticky bars in place), scrolled to `at` if given. */
async function shot(page, name, options = {}) {
  const file = path.join(OUT, `${name}.png`);
  if (options.at) await page.locator(options.at).first().scrollIntoViewIfNeeded();
  await page.waitForTimeout(300);
  await page.screenshot({ path: file, fullPage: options.fullPage ?? false });
  saved.push(file);
  return file;
}

const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const ago = (days) => new Date(Date.now() - days * 86_400_000).toISOString();

function task(id, title, extra = {}) {
  const server = {
    id,
    parentId: null,
    title,
    description: null,
    responsiblePerson: 'Đ/c Nguyễn Thị Hoa',
    expectedResult: 'Báo cáo kết quả gửi Đảng ủy phường',
    startOn: day(-200),
    dueOn: day(60),
    priority: 'NORMAL',
    state: 'OPEN',
    progress: 40,
    version: 2,
    updatedAt: ago(3),
    lastReportAt: ago(12),
    ancestorTitles: [
      'Chương trình hành động thực hiện Nghị quyết 57-NQ/TW của Tỉnh ủy Lâm Đồng',
      'Kế hoạch chuyển đổi số phường Xuân Hương',
    ],
    indicators: [],
    ...extra,
  };
  return { ...server, server, serverVersion: server.version, pendingFields: [] };
}

const tasks = [
  task('11111111-1111-4111-8111-111111111111', 'Hướng dẫn 100% hộ gia đình trong tổ dân phố cài đặt và sử dụng VNeID mức 2', {
    description:
      'Tổ chức các buổi hướng dẫn tại nhà văn hóa tổ dân phố; phối hợp công an phường kích hoạt tài khoản định danh điện tử mức 2 cho người dân.',
    dueOn: day(-6),
    progress: 62,
    priority: 'HIGH',
    state: 'OPEN',
    indicators: [
      {
        id: 'i1',
        name: 'Hộ đã kích hoạt VNeID mức 2',
        unitOfMeasure: 'hộ',
        baseline: 120,
        target: 412,
        direction: 'HIGHER_IS_BETTER',
        dueOn: null,
        currentValue: 255,
        version: 1,
      },
      {
        id: 'i2',
        name: 'Buổi hướng dẫn đã tổ chức',
        unitOfMeasure: 'buổi',
        baseline: 0,
        target: 8,
        direction: 'HIGHER_IS_BETTER',
        dueOn: null,
        currentValue: 5,
        version: 1,
      },
    ],
  }),
  task('22222222-2222-4222-8222-222222222222', 'Thành lập tổ công nghệ số cộng đồng của tổ dân phố', {
    dueOn: day(9),
    progress: 30,
    state: 'OPEN',
    indicators: [
      {
        id: 'i3',
        name: 'Thành viên tổ công nghệ số',
        unitOfMeasure: 'người',
        baseline: 0,
        target: 7,
        direction: 'HIGHER_IS_BETTER',
        dueOn: null,
        currentValue: 3,
        version: 1,
      },
    ],
  }),
  task('33333333-3333-4333-8333-333333333333', 'Tuyên truyền thanh toán không dùng tiền mặt tại chợ Đà Lạt', {
    dueOn: day(45),
    progress: 55,
    lastReportAt: ago(40),
  }),
  task('44444444-4444-4444-8444-444444444444', 'Quán triệt Nghị quyết 57-NQ/TW đến toàn thể đảng viên chi bộ', {
    dueOn: day(-30),
    progress: 100,
    state: 'COMPLETED',
  }),
  task('55555555-5555-4555-8555-555555555555', 'Rà soát, cập nhật dữ liệu dân cư trên hệ thống của phường', {
    dueOn: null,
    responsiblePerson: null,
    progress: 0,
    state: 'OPEN',
  }),
];
const reports = [
  {
    id: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
    taskId: tasks[0].id,
    percent: 62,
    values: [
      { indicatorId: 'i1', value: 255 },
      { indicatorId: 'i2', value: 5 },
    ],
    narrative: 'Đã tổ chức 5 buổi hướng dẫn tại nhà văn hóa; 255/412 hộ đã kích hoạt VNeID mức 2.',
    hasObstacles: true,
    obstacles: 'Nhiều hộ người cao tuổi không có điện thoại thông minh.',
    writtenAt: ago(12),
    receivedAt: ago(12),
    answersReportId: null,
    flaggedReassigned: false,
    state: 'RETURNED',
    reviewedAt: ago(2),
    reviewComment: 'Đề nghị bổ sung danh sách hộ chưa kích hoạt và giải pháp cho người cao tuổi.',
    attachments: [],
    syncState: 'SYNCED',
  },
  {
    id: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb',
    taskId: tasks[0].id,
    percent: 40,
    values: [{ indicatorId: 'i1', value: 180 }],
    narrative: 'Hoàn thành rà soát danh sách hộ.',
    hasObstacles: false,
    obstacles: null,
    writtenAt: ago(40),
    receivedAt: ago(40),
    answersReportId: null,
    flaggedReassigned: false,
    state: 'APPROVED',
    reviewedAt: ago(38),
    reviewComment: 'Đồng ý.',
    attachments: [],
    syncState: 'SYNCED',
  },
  {
    id: 'cccccccc-cccc-4ccc-8ccc-cccccccccccc',
    taskId: tasks[1].id,
    percent: 30,
    values: [{ indicatorId: 'i3', value: 3 }],
    narrative: 'Đã chọn 3 thành viên.',
    hasObstacles: false,
    obstacles: null,
    writtenAt: ago(1),
    receivedAt: null,
    answersReportId: null,
    flaggedReassigned: false,
    state: 'SUBMITTED',
    reviewedAt: null,
    reviewComment: null,
    attachments: [],
    syncState: 'PENDING',
  },
];
const outbox = [
  {
    id: reports[2].id,
    kind: 'CREATE_REPORT',
    createdAt: ago(1),
    refs: [reports[2].id, tasks[1].id],
    attempts: 1,
    lastError: null,
    createReport: {
      reportId: reports[2].id,
      taskId: tasks[1].id,
      percent: 30,
      values: reports[2].values,
      narrative: reports[2].narrative,
      hasObstacles: false,
      obstacles: null,
      writtenAt: reports[2].writtenAt,
      answersReportId: null,
      attachments: [],
    },
  },
];
const rejectedEntry = {
  id: 'dddddddd-dddd-4ddd-8ddd-dddddddddddd',
  entry: {
    ...outbox[0],
    id: 'dddddddd-dddd-4ddd-8ddd-dddddddddddd',
    createReport: { ...outbox[0].createReport, taskId: tasks[2].id, percent: 20 },
  },
  code: 'FORBIDDEN',
  field: null,
  reason: 'Nhiệm vụ đã được giao cho đơn vị khác',
  rejectedAt: ago(0.5),
};
const conflict = {
  id: 'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee',
  entryId: 'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee',
  taskId: tasks[2].id,
  local: { taskId: tasks[2].id, baseVersion: 2, responsiblePerson: 'Đ/c Trần Văn Minh' },
  server: { ...tasks[2].server, version: 4, responsiblePerson: 'Đ/c Lê Thị Lan' },
  createdAt: ago(0.2),
};

async function seed(page) {
  await page.evaluate(
    async (data) => {
      const db = await new Promise((resolve, reject) => {
        const req = indexedDB.open('resolute');
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      const tx = db.transaction(['tasks', 'reports', 'outbox', 'rejected', 'conflicts', 'meta'], 'readwrite');
      for (const t of data.tasks) tx.objectStore('tasks').put(t);
      for (const r of data.reports) tx.objectStore('reports').put(r);
      for (const o of data.outbox) tx.objectStore('outbox').put(o);
      tx.objectStore('rejected').put(data.rejectedEntry);
      tx.objectStore('conflicts').put(data.conflict);
      tx.objectStore('meta').put({ key: 'lastSyncAt', value: new Date(Date.now() - 3_600_000).toISOString() });
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
      db.close();
    },
    { tasks, reports, outbox, rejectedEntry, conflict },
  );
}

// ---- phone, 360 × 800 -----------------------------------------------------------------------
const page = await phone.newPage();
page.on('pageerror', (e) => console.error('page error:', e.message));
await page.goto(`${BASE}/`);
await page.waitForURL(/sign-in/);
// let the service worker install and take control before judging installability and going offline
await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
await page.reload();
await shot(page, 'phone-01-sign-in', { fullPage: true });

const cdp = await phone.newCDPSession(page);
const installability = await cdp.send('Page.getInstallabilityErrors').catch((e) => ({ error: e.message }));
console.log('installability errors:', JSON.stringify(installability));

await page.fill('#username', 'canbo.tdp1');
await page.fill('#password', 'sai-mat-khau');
await page.click('button[type=submit]');
await page.waitForSelector('[role=alert]');
await shot(page, 'phone-02-sign-in-wrong-password');

await page.fill('#password', 'Resolute2026');
await page.click('button[type=submit]');
await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
// the first sync pulls the unit's tasks from the server
const pulled = await page.waitForSelector('.task-card', { timeout: 30_000 }).then(() => true, () => false);
console.log('tasks pulled from the server at the first sync:', pulled, await page.locator('.task-card').count());
await shot(page, 'phone-03-tasks-after-first-sync');
await shot(page, 'phone-03b-tasks-after-first-sync-scrolled', { at: '.task-card >> nth=2' });

await seed(page);
await page.reload();
await page.waitForSelector('.task-card');
await shot(page, 'phone-04-tasks');
if (process.argv.includes('--manifest-shots')) {
  await page.screenshot({ path: path.join(MANIFEST_SHOTS, 'tasks-narrow.png') });
}
await shot(page, 'phone-04b-tasks-scrolled', { at: '.task-card >> nth=3' });

await page.fill('#task-search', 'vneid');
await shot(page, 'phone-05-tasks-search-without-diacritics', { fullPage: false });
await page.fill('#task-search', '');

await page.click(`a[href="/tasks/${tasks[0].id}"]`);
await page.waitForSelector('.returned');
await shot(page, 'phone-06-task-detail-returned');
await shot(page, 'phone-06b-task-detail-indicators', { at: '.indicators' });
await shot(page, 'phone-06c-task-detail-history', { at: '.history' });

await page.click('.returned a');
await page.waitForSelector('#report-percent');
await shot(page, 'phone-07-report-form');
await page.fill('#report-percent', '140');
await page.click('button[type=submit]');
await page.waitForSelector('.error-text');
await shot(page, 'phone-08-report-form-errors', { at: '#report-percent' });
await shot(page, 'phone-08b-report-form-errors-below', { at: '#report-narrative' });

await phone.setOffline(true);
await page.fill('#report-percent', '75');
await page.fill(
  '#report-narrative',
  'Đã lập danh sách 157 hộ chưa kích hoạt; tổ công nghệ số sẽ đến từng nhà người cao tuổi trong tháng 12.',
);
await page.setInputFiles('input[type=file][multiple]', {
  name: 'hop-to-dan-pho.png',
  mimeType: 'image/png',
  buffer: await page.screenshot(),
});
await page.waitForSelector('.thumbs img');
await shot(page, 'phone-09-report-form-filled-offline', { at: '.thumbs' });
await page.click('button[type=submit]');
await page.waitForSelector('.saved');
await shot(page, 'phone-10-report-saved-not-sent');

await page.click('a[href="/sync"]');
await page.waitForSelector('[data-state]');
await shot(page, 'phone-11-sync-entries-offline');
await shot(page, 'phone-11b-sync-entries-list', { at: '[data-state=rejected]' });

await page.click(`a[href="/sync/conflicts/${conflict.id}"]`);
await page.waitForSelector('.conflict');
await page.click('input[value=MINE]');
await shot(page, 'phone-12-conflict');

// the app shell opens with no network at all, from the service worker's precache
await page.goto(`${BASE}/`).catch(() => undefined);
await page.waitForSelector('.task-card', { timeout: 10_000 }).catch(() => console.error('offline reload did not show the tasks'));
await shot(page, 'phone-13-reopened-offline', { fullPage: false });

await page.goto(`${BASE}/settings`).catch(() => undefined);
await page.waitForSelector('text=Đăng xuất');
await page.click('section[aria-labelledby=sign-out-title] button');
await page.waitForSelector('[role=alertdialog]');
await shot(page, 'phone-14-sign-out-with-unsent', { at: '[role=alertdialog] .btn-danger' });
await phone.setOffline(false);

await page.click('button[aria-pressed=false][lang=en]');
await page.goto(`${BASE}/`);
await page.waitForSelector('.task-card');
await shot(page, 'phone-15-tasks-english', { fullPage: false });
await phone.close();
const browser = await chromium.launch(launchOptions);

// ---- desktop, 1280 × 800 --------------------------------------------------------------------
const desktop = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'vi-VN' });
const dpage = await desktop.newPage();
await dpage.goto(`${BASE}/sign-in`);
await shot(dpage, 'desktop-01-sign-in');
await dpage.fill('#username', 'canbo.tdp1');
await dpage.fill('#password', 'Resolute2026');
await dpage.click('button[type=submit]');
await dpage.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
await seed(dpage);
await dpage.reload();
await dpage.waitForSelector('.task-card');
await shot(dpage, 'desktop-02-tasks', { fullPage: false });
if (process.argv.includes('--manifest-shots')) {
  await dpage.screenshot({ path: path.join(MANIFEST_SHOTS, 'tasks-wide.png') });
}
await dpage.goto(`${BASE}/tasks/${tasks[0].id}`);
await dpage.waitForSelector('.returned');
await shot(dpage, 'desktop-03-task-detail');
await dpage.goto(`${BASE}/sync`);
await dpage.waitForSelector('[data-state]');
await shot(dpage, 'desktop-04-sync');
await dpage.goto(`${BASE}/committee`);
await shot(dpage, 'desktop-05-committee-placeholder');
await desktop.close();
await browser.close();
console.log(saved.join('\n'));
