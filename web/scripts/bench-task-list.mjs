/* global document, indexedDB, localStorage, performance, requestAnimationFrame, window, MutationObserver, PerformanceObserver, Event, setTimeout -- used inside page.evaluate */
// Times the field app's task list in a real browser (Debian's Chromium through playwright-core):
// the built app (web/dist) is served as it is by the server, with no API (the phone is offline),
// 500 tasks are written into its IndexedDB, and we measure
//   - time to first render: navigation start → the first task card in the DOM, and → painted;
//   - filtering: a keystroke in search, a resolution chosen, the filters cleared → the list
//     re-rendered and painted;
//   - scrolling the whole list: time per scroll step (layout + render), rows in the DOM.
// Each at full speed and with the CPU slowed 4× (Chromium's throttling; a cheap phone).
//
// Usage: npm run build -w web && node web/scripts/bench-task-list.mjs [--tasks 500] [--runs 7]
import { createReadStream, existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const TASKS = arg('tasks', 500);
const RUNS = arg('runs', 7);
const DIST = process.env.DIST ? path.resolve(process.env.DIST) : path.resolve(import.meta.dirname, '../dist');
if (!existsSync(path.join(DIST, 'index.html'))) throw new Error('build the app first: npm run build -w web');

// ---- a static server for dist/, no API: every API request is cut, as with no signal ----------
const types = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.html': 'text/html',
  '.json': 'application/json',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
};
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (
    req.method !== 'GET' ||
    url.pathname.startsWith('/graphql') ||
    url.pathname.startsWith('/auth') ||
    url.pathname.startsWith('/files')
  ) {
    req.socket.destroy();
    return;
  }
  let file = path.join(DIST, path.normalize(url.pathname));
  if (!file.startsWith(DIST) || !existsSync(file) || statSync(file).isDirectory()) file = path.join(DIST, 'index.html');
  res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const BASE = `http://127.0.0.1:${server.address().port}`;

// ---- data ----------------------------------------------------------------------------------
const resolutions = [
  {
    id: '00000000-0000-4000-8000-000000000057',
    code: '57-NQ/TW',
    titleVi: 'Về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia',
    titleEn: 'On breakthroughs in science, technology, innovation and national digital transformation',
  },
  {
    id: '00000000-0000-4000-8000-000000000066',
    code: '66-NQ/TW',
    titleVi: 'Về đổi mới công tác xây dựng và thi hành pháp luật',
    titleEn: 'On reforming law-making and enforcement',
  },
  {
    id: '00000000-0000-4000-8000-000000000068',
    code: '68-NQ/TW',
    titleVi: 'Về phát triển kinh tế tư nhân',
    titleEn: 'On developing the private economy',
  },
];
const words = [
  'Tuyên truyền',
  'Hướng dẫn hộ gia đình',
  'Số hóa hồ sơ',
  'Tập huấn cán bộ',
  'Rà soát thủ tục',
  'Vận động doanh nghiệp',
  'Kiểm tra, giám sát',
  'Tổng kết',
];
const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
function task(i) {
  const id = `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  const done = i % 9 === 0;
  const server = {
    id,
    parentId: null,
    title: `${words[i % words.length]} — nhiệm vụ số ${i + 1} của chi bộ tổ dân phố`,
    description: 'Triển khai theo kế hoạch của Đảng ủy phường; báo cáo kết quả hằng tháng.',
    responsiblePerson: i % 7 === 0 ? null : 'Đ/c Nguyễn Thị Hoa',
    expectedResult: 'Báo cáo kết quả gửi Đảng ủy phường',
    startOn: day(-120),
    dueOn: day((i % 200) - 60),
    priority: ['NORMAL', 'HIGH', 'URGENT', 'LOW'][i % 4],
    state: done ? 'COMPLETED' : 'OPEN',
    progress: done ? 100 : (i * 13) % 100,
    version: 1,
    updatedAt: new Date().toISOString(),
    lastReportAt: null,
    // Completed from ten days before to ten days after the due date, never in the future.
    completedAt: done
      ? new Date(Math.min(Date.now(), Date.parse(day((i % 200) - 60 + (i % 21) - 10)) + 10 * 3_600_000)).toISOString()
      : null,
    resolution: resolutions[i % resolutions.length],
    ancestorTitles: ['Chương trình hành động của Đảng ủy phường', `Kế hoạch ${(i % 12) + 1}`],
    indicators:
      i % 3 === 0
        ? [
            {
              id: `20000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
              name: 'Số hộ đã cài VNeID',
              unitOfMeasure: 'hộ',
              baseline: 10,
              target: 200,
              direction: 'HIGHER_IS_BETTER',
              dueOn: null,
              currentValue: 40 + i,
              version: 1,
            },
          ]
        : [],
  };
  return { ...server, server, serverVersion: 1, pendingFields: [] };
}
const tasks = Array.from({ length: TASKS }, (_, i) => task(i));
// One returned report, for the task screen's "returned by … on …" (seen with --screenshots).
const returned = {
  id: '30000000-0000-4000-8000-000000000001',
  taskId: tasks[1].id,
  percent: 30,
  values: [],
  narrative: 'Đã tổ chức 2 buổi tuyên truyền tại nhà văn hóa.',
  hasObstacles: false,
  obstacles: null,
  writtenAt: new Date(Date.now() - 5 * 86_400_000).toISOString(),
  receivedAt: new Date(Date.now() - 5 * 86_400_000).toISOString(),
  answersReportId: null,
  flaggedReassigned: false,
  state: 'RETURNED',
  reviewedAt: new Date(Date.now() - 2 * 86_400_000).toISOString(),
  reviewComment: 'Bổ sung ảnh và danh sách hộ tham dự.',
  reviewerName: 'Đ/c Trần Văn Bình',
  attachments: [],
  syncState: 'SYNCED',
};
const session = {
  accessToken: 'bench',
  accessTokenExpiresAt: new Date(Date.now() + 3_600_000).toISOString(),
  refreshToken: 'bench',
  refreshTokenExpiresAt: new Date(Date.now() + 86_400_000).toISOString(),
  account: {
    id: 'acc',
    username: 'canbo.tdp1',
    displayName: 'Cán bộ TDP 1',
    roles: ['REPORTER'],
    mustChangePassword: false,
    unit: { id: 'u', name: 'Chi bộ TDP 1', kind: 'CELL' },
  },
};

// ---- browser -------------------------------------------------------------------------------
const profile = await mkdtemp(path.join(os.tmpdir(), 'resolute-bench-'));
const context = await chromium.launchPersistentContext(profile, {
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
  headless: true,
  viewport: { width: 360, height: 800 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'vi-VN',
  serviceWorkers: 'block',
});
const page = context.pages()[0] ?? (await context.newPage());
page.on('pageerror', (e) => console.error('page error:', e.message));

// Records when the first task card enters the DOM, from navigation start.
await page.addInitScript(() => {
  const seen = () => {
    if (window.__firstCard === undefined && document.querySelector('.task-card')) {
      window.__firstCard = performance.now();
      requestAnimationFrame(() => requestAnimationFrame(() => (window.__firstCardPainted = performance.now())));
    }
  };
  new MutationObserver(seen).observe(document, { childList: true, subtree: true });
});

await page.goto(`${BASE}/sign-in`);
await page.evaluate((s) => localStorage.setItem('resolute.session', JSON.stringify(s)), session);
// The app opens (and upgrades) its database on start; wait for its stores, then seed them.
await page.goto(`${BASE}/`);
await page.evaluate(
  async ({ tasks, returned }) => {
    for (;;) {
      const db = await new Promise((resolve, reject) => {
        const req = indexedDB.open('resolute');
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      if (!db.objectStoreNames.contains('tasks')) {
        db.close();
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      const tx = db.transaction(['tasks', 'reports', 'meta'], 'readwrite');
      for (const t of tasks) tx.objectStore('tasks').put(t);
      tx.objectStore('reports').put(returned);
      tx.objectStore('meta').put({ key: 'lastSyncAt', value: new Date().toISOString() });
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
      });
      db.close();
      return;
    }
  },
  { tasks, returned },
);

const cdp = await context.newCDPSession(page);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)];
const fmt = (xs) => `median ${median(xs).toFixed(0)} ms, p95 ${p95(xs).toFixed(0)} ms`;

async function firstRender() {
  const card = [];
  const painted = [];
  for (let i = 0; i < RUNS; i++) {
    await page.goto(`${BASE}/`);
    await page.waitForFunction(() => window.__firstCardPainted !== undefined, null, { timeout: 30_000 });
    const r = await page.evaluate(() => ({ card: window.__firstCard, painted: window.__firstCardPainted }));
    card.push(r.card);
    painted.push(r.painted);
  }
  await page.waitForFunction(
    (n) => document.querySelector('.filters [role=status]')?.textContent?.includes(`${n} / ${n}`),
    TASKS,
  );
  const rows = await page.evaluate(() => document.querySelectorAll('.task-card').length);
  return { card, painted, rows };
}

/** Changes a control and waits until the list says `expect` tasks and has painted. */
async function timed(change) {
  return page.evaluate(
    async ({ change }) => {
      const status = document.querySelector('.filters [role=status]');
      const before = status.textContent;
      const t0 = performance.now();
      const el = document.querySelector(change.selector);
      el.value = change.value;
      el.dispatchEvent(new Event(change.selector === '#task-search' ? 'input' : 'change', { bubbles: true }));
      while (status.textContent === before) await new Promise((r) => requestAnimationFrame(r));
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return {
        ms: performance.now() - t0,
        status: status.textContent,
        rows: document.querySelectorAll('.task-card').length,
      };
    },
    { change },
  );
}

async function filtering() {
  const out = { search: [], resolution: [], clear: [], rows: {} };
  for (let i = 0; i < RUNS; i++) {
    let r = await timed({ selector: '#task-search', value: `so ${(i * 37) % TASKS}` });
    out.search.push(r.ms);
    out.rows.search = r;
    r = await timed({ selector: '#task-search', value: '' });
    out.clear.push(r.ms);
    // (An app without the resolution filter is timed on the status filter instead.)
    const resolution = await page.$('#f-resolution');
    const selector = resolution ? '#f-resolution' : '#f-status';
    r = await timed({ selector, value: resolution ? resolutions[i % 3].id : 'IN_PROGRESS' });
    out.resolution.push(r.ms);
    out.rows.resolution = { ...r, selector };
    r = await timed({ selector, value: '' });
    out.clear.push(r.ms);
  }
  return out;
}

async function scrolling() {
  return page.evaluate(async () => {
    const steps = [];
    let maxRows = 0;
    const long = [];
    const observer = new PerformanceObserver((list) => long.push(...list.getEntries().map((e) => e.duration)));
    observer.observe({ type: 'longtask' });
    // Rows measured on the way replace the estimate, so the page's height is read at each step.
    for (let y = 0; y <= document.documentElement.scrollHeight - window.innerHeight + 600; y += 600) {
      const t0 = performance.now();
      window.scrollTo(0, y);
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      steps.push(performance.now() - t0);
      maxRows = Math.max(maxRows, document.querySelectorAll('.task-card').length);
    }
    await new Promise((r) => setTimeout(r, 50));
    observer.disconnect();
    const cards = document.querySelectorAll('.task-card');
    const last = cards[cards.length - 1]?.closest('li')?.getAttribute('aria-posinset') ?? `${cards.length} cards rendered`;
    window.scrollTo(0, 0);
    steps.sort((a, b) => a - b);
    return {
      steps: steps.length,
      median: steps[Math.floor(steps.length / 2)],
      max: steps.at(-1),
      maxRows,
      last,
      longTasks: long.length,
      longest: long.length ? Math.max(...long) : 0,
    };
  });
}

/** With --profile: where the scroll's main-thread time goes, by function (self time). */
async function profiled(run) {
  if (!process.argv.includes('--profile')) return run();
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.start');
  const result = await run();
  const { profile } = await cdp.send('Profiler.stop');
  const self = new Map();
  const dt = new Map();
  profile.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  for (const node of profile.nodes) {
    const f = node.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + (dt.get(node.id) ?? 0));
  }
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 12);
  console.log('profile, self time:');
  for (const [k, ms] of top) console.log(`  ${ms.toFixed(0).padStart(6)} ms  ${k}`);
  return result;
}

// With --screenshots: what the list and a task look like (e2e/artifacts/field-list/, git-ignored).
if (process.argv.includes('--screenshots')) {
  const dir = path.resolve(import.meta.dirname, '../../e2e/artifacts/field-list');
  await mkdir(dir, { recursive: true });
  await page.goto(`${BASE}/`);
  await page.waitForSelector('.task-card');
  await page.screenshot({ path: path.join(dir, 'list-500.png') });
  await page.selectOption('#f-status', 'COMPLETED_LATE');
  await page.waitForSelector('[data-test=completion]');
  await page.screenshot({ path: path.join(dir, 'list-completed-late.png') });
  await page.click('.task-card');
  await page.waitForSelector('[data-test=completion]');
  await page.screenshot({ path: path.join(dir, 'detail-completed-late.png'), fullPage: true });
  await page.goto(`${BASE}/tasks/${tasks[1].id}`);
  await page.waitForSelector('[data-test=returned-by]');
  await page.screenshot({ path: path.join(dir, 'detail-returned.png') });
  console.log(`screenshots in ${dir}`);
}

const results = {};
for (const rate of [1, 4]) {
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  const render = await firstRender();
  const filter = await filtering();
  const scroll = await profiled(scrolling);
  results[rate] = { render, filter, scroll };
  console.log(`\n## CPU ${rate}× (${TASKS} tasks, ${RUNS} runs, 360×800 phone viewport)`);
  console.log(`first task card in the DOM:  ${fmt(render.card)} (from navigation start)`);
  console.log(`first task card painted:     ${fmt(render.painted)}`);
  console.log(`rows in the DOM after load:  ${render.rows} of ${TASKS}`);
  console.log(`search keystroke → painted:  ${fmt(filter.search)} (${filter.rows.search.status})`);
  console.log(
    `${filter.rows.resolution.selector} chosen → painted: ${fmt(filter.resolution)} (${filter.rows.resolution.status}, ${filter.rows.resolution.rows} rows in the DOM)`,
  );
  console.log(`filter cleared → painted:    ${fmt(filter.clear)}`);
  console.log(
    `scroll top→bottom by 600 px: ${scroll.steps} steps of two frames, median ${scroll.median.toFixed(1)} ms, max ${scroll.max.toFixed(1)} ms; ` +
      `long tasks (>50 ms): ${scroll.longTasks}${scroll.longTasks ? `, longest ${scroll.longest.toFixed(0)} ms` : ''}; ` +
      `at most ${scroll.maxRows} rows in the DOM; last row reached: ${scroll.last} / ${TASKS}`,
  );
}

await context.close();
await rm(profile, { recursive: true, force: true });
server.close();
