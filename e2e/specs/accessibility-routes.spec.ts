import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditBothSizes, type Violation } from '../support/axe.js';
import { DESKTOP, openBrowser, PHONE } from '../support/browser.js';
import { chromiumAvailable } from '../support/chromium.js';
import { openTasksOf, publishResolution57, saveOfflineWhileProvinceEdits, signIn, taskCard } from '../support/journeys.js';
import { startServer, type RunningServer } from '../support/server.js';

// Every screen of web/src/router.ts is audited by one of the accessibility journeys; this one
// audits those the others do not reach and checks the focus and the title after each navigation.
const JOURNEY = 'accessibility';
const TIMEOUT = 300_000;
const web = path.resolve(import.meta.dirname, '../../web/src');
const specs = import.meta.dirname;

interface Route {
  name: string;
  /** locales/ key of its title. */
  title: string;
  /** Its full path, `:id` and all. */
  path: string;
  pattern: RegExp;
}

/** The routes' names, title keys and full paths, read from the router itself so a new route is noticed. */
function routes(): Route[] {
  const source = readFileSync(path.join(web, 'router.ts'), 'utf8');
  // A relative path is a child of the committee layout (committeeRoutes) or of the field layout at /.
  const committeeFrom = source.indexOf("path: '/committee'");
  const fieldFrom = source.indexOf('export const routes');
  return [...source.matchAll(/path: '([^']*)',\s*name: '([^']+)',[\s\S]*?meta: \{[^}]*title: '([^']+)'/g)].map((m) => {
    const relative = !m[1]!.startsWith('/');
    const base = !relative ? '' : m.index > committeeFrom && m.index < fieldFrom ? '/committee/' : '/';
    const full = `${base}${m[1]}`.replace(/(.)\/$/, '$1');
    const pattern = full.includes(':pathMatch') ? /^\/.*$/ : new RegExp(`^${full.replace(/:[A-Za-z]+/g, '[^/]+')}$`);
    return { name: m[2]!, title: m[3]!, path: full, pattern };
  });
}

/** The route a path opens, the first that matches in the router's order (the catch-all last). */
function routeAt(pathname: string): Route {
  const route = routes().find((r) => r.pattern.test(pathname));
  if (!route) throw new Error(`no route opens ${pathname}`);
  return route;
}
const vi = JSON.parse(readFileSync(path.join(web, 'locales/vi.json'), 'utf8')) as Record<string, unknown>;
const say = (key: string) => key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], vi) as string;
/** The document title a route shows (useRouteFocus): its screen's name, then the app's. */
const titleOf = (route: Route) => (say(route.title) === 'Resolute' ? 'Resolute' : `${say(route.title)} · Resolute`);

/** Which journey audits each route, under which screen name (the name its screenshots carry). */
const AUDITED: Record<string, [spec: string, screen: string]> = {
  'sign-in': ['accessibility.spec.ts', 'sign-in'],
  tasks: ['accessibility.spec.ts', 'tasks'],
  task: ['accessibility.spec.ts', 'task-detail'],
  report: ['accessibility.spec.ts', 'report-form'],
  'task-edit': ['accessibility-screens.spec.ts', 'task-edit'],
  sync: ['accessibility.spec.ts', 'sync'],
  conflict: ['accessibility-screens.spec.ts', 'conflict'],
  settings: ['accessibility.spec.ts', 'settings'],
  committee: ['accessibility-routes.spec.ts', 'committee-home'],
  'committee-dashboard': ['accessibility.spec.ts', 'committee-dashboard'],
  'committee-warnings': ['accessibility.spec.ts', 'committee-warnings'],
  'committee-reviews': ['accessibility-screens.spec.ts', 'committee-reviews'],
  'committee-extensions': ['accessibility-routes.spec.ts', 'committee-extensions'],
  'committee-task': ['accessibility-screens.spec.ts', 'committee-task'],
  'committee-plan': ['accessibility-screens.spec.ts', 'committee-plan-sub-task-form'],
  'committee-admin-units': ['accessibility-screens.spec.ts', 'committee-admin-units'],
  'committee-admin-accounts': ['accessibility-screens.spec.ts', 'committee-admin-accounts-create'],
  'committee-import': ['accessibility-routes.spec.ts', 'committee-import'],
  'committee-sync-health': ['accessibility-routes.spec.ts', 'committee-sync-health'],
  'committee-audit': ['accessibility-screens.spec.ts', 'committee-audit'],
  'committee-evaluation': ['accessibility-screens.spec.ts', 'committee-evaluation'],
  'committee-report': ['accessibility-screens.spec.ts', 'committee-report'],
  public: ['accessibility-routes.spec.ts', 'public-index'],
  'public-dashboard': ['accessibility.spec.ts', 'public-view'],
  'not-found': ['accessibility-routes.spec.ts', 'not-found'],
};

function expectNone(violations: Violation[]): void {
  expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
}

/** What has the keyboard focus, and the page's title. */
async function focusAndTitle(page: Page) {
  return page.evaluate(() => {
    const active = document.activeElement as HTMLElement | null;
    const main = document.querySelector('main');
    return {
      title: document.title,
      tag: active?.tagName ?? '',
      text: (active?.textContent ?? '').trim(),
      role: active?.getAttribute('role') ?? '',
      inMain: !!active && !!main && main !== active && main.contains(active),
      heading: (document.querySelector('main h1')?.textContent ?? '').trim(),
    };
  });
}

describe('accessibility coverage', () => {
  it('reads every route of the router with the full path it opens', () => {
    const all = routes();
    expect(all.length).toBeGreaterThan(20);
    expect(all.map((r) => r.path)).toEqual(
      expect.arrayContaining(['/', '/sync/conflicts/:conflictId', '/committee', '/committee/tasks/:id', '/public/:id']),
    );
    for (const r of all.filter((r) => r.name !== 'not-found'))
      expect(routeAt(r.path.replace(/:[A-Za-z]+/g, 'x')).name).toBe(r.name);
    expect(routeAt('/no-such-screen').name).toBe('not-found');
  });

  it('audits every route of the router in one of the accessibility journeys', () => {
    const names = routes().map((r) => r.name);
    expect(names.length).toBeGreaterThan(20);
    expect(Object.keys(AUDITED).sort()).toEqual([...names].sort());
    for (const [name, [spec, screen]] of Object.entries(AUDITED)) {
      const text = readFileSync(path.join(specs, spec), 'utf8');
      expect(text.includes(`'${screen}'`), `${spec} audits '${screen}' (route ${name})`).toBe(true);
    }
  });
});

describe.runIf(chromiumAvailable())('accessibility of the remaining screens, focus and title after navigation', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  it(
    'committee home, extension request form and queue, import, sync health, the public index and the not-found screen',
    async () => {
      const violations: Violation[] = [];
      const [task] = await openTasksOf(server, 'C-LD-XUANHUONG', 1);
      const [assigner] = await server.sql<{ code: string }>(
        `select u.code from task t join unit u on u.id = t.assigner_unit_id where t.id = $1`,
        [task!.id],
      );
      const focal = await openBrowser(DESKTOP);
      try {
        const { page } = focal;
        await signIn(page, server, 'daumoi.xuanhuong', '/committee');
        await page.getByRole('heading', { level: 1, name: say('committee.title') }).waitFor();
        violations.push(...(await auditBothSizes(page, JOURNEY, 'committee-home')));

        // The lead unit asks for more time from the committee task page: the shared request form.
        await page.goto(new URL(`committee/tasks/${task!.id}`, server.url).toString());
        const section = page.locator('[data-test="committee-extensions"]');
        await section.getByRole('button', { name: 'Đề nghị gia hạn' }).click({ timeout: 30_000 });
        const form = section.locator('[data-test="extension-form"]');
        await form.getByRole('button', { name: 'Lưu đề nghị' }).click();
        // Sent empty: each field says what is missing, and the date takes the focus.
        await form.getByText(say('extension.errors.dateRequired')).waitFor();
        await form.getByText(say('extension.errors.reasonRequired')).waitFor();
        expect(await form.getByLabel('Hạn mới đề nghị').getAttribute('aria-invalid')).toBe('true');
        expect(await page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('date');
        violations.push(...(await auditBothSizes(page, JOURNEY, 'committee-extension-form')));
        const due = await server.sql<{ due: string }>(
          `select to_char(coalesce(due_on, current_date) + 30, 'YYYY-MM-DD') as due from task where id = $1`,
          [task!.id],
        );
        await form.getByLabel('Hạn mới đề nghị').fill(due[0]!.due);
        await form.getByLabel('Lý do', { exact: true }).fill('Cần thêm thời gian để hoàn thiện hồ sơ.');
        await form.getByRole('button', { name: 'Lưu đề nghị' }).click();
        await section.getByText('Chờ quyết định').waitFor({ timeout: 30_000 });

        await page.goto(new URL('committee/admin/import', server.url).toString());
        await page.getByRole('heading', { level: 1, name: say('imports.title') }).waitFor();
        violations.push(...(await auditBothSizes(page, JOURNEY, 'committee-import')));

        await page.goto(new URL('committee/sync-health', server.url).toString());
        await page.getByRole('heading', { level: 1, name: say('syncHealth.title') }).waitFor();
        await page.locator('[data-test="sync-health"] tbody tr').first().waitFor({ timeout: 30_000 });
        violations.push(...(await auditBothSizes(page, JOURNEY, 'committee-sync-health')));
      } finally {
        await focal.close();
      }

      // The assigning unit's leader decides it in the queue, the refusal comment open.
      const leaderName = assigner!.code === 'P-LAMDONG' ? 'lanhdao.lamdong' : 'lanhdao.xuanhuong';
      const leader = await openBrowser(DESKTOP);
      try {
        const { page } = leader;
        await signIn(page, server, leaderName, '/committee/extensions');
        await page.getByRole('heading', { level: 1, name: say('extension.queue.title') }).waitFor();
        await page.getByRole('option').first().waitFor({ timeout: 30_000 });
        violations.push(...(await auditBothSizes(page, JOURNEY, 'committee-extensions')));
        await page.getByRole('listbox').focus();
        await page.keyboard.press('r');
        await page.getByLabel(say('extension.queue.commentLabel')).waitFor();
        violations.push(...(await auditBothSizes(page, JOURNEY, 'committee-extensions-refusal')));
      } finally {
        await leader.close();
      }

      const visitor = await openBrowser(PHONE);
      try {
        const { page } = visitor;
        await page.goto(new URL('public', server.url).toString());
        await page.getByRole('heading', { level: 1, name: say('publicView.title') }).waitFor();
        violations.push(...(await auditBothSizes(page, JOURNEY, 'public-index')));
        await page.goto(new URL('no-such-screen', server.url).toString());
        await page.getByRole('heading', { level: 1, name: say('notFound.title') }).waitFor();
        violations.push(...(await auditBothSizes(page, JOURNEY, 'not-found')));
      } finally {
        await visitor.close();
      }
      expectNone(violations);
    },
    TIMEOUT,
  );

  it(
    'moves the focus to the main heading and names the screen in the title after a navigation to every route, the queues too',
    async () => {
      const seen = new Set<string>();
      /** The focus is on the main heading and the title names the screen the address opens. */
      const expectHeading = async (page: Page, where: string) => {
        await page.waitForFunction(() => document.activeElement?.tagName === 'H1', null, { timeout: 15_000 });
        const route = routeAt(new URL(page.url()).pathname);
        const now = await focusAndTitle(page);
        expect(now.title, `${where}: the title names the ${route.name} screen`).toBe(titleOf(route));
        expect(now.inMain, `${where}: the heading is in main`).toBe(true);
        expect(now.text, `${where}: focus on the main heading`).toBe(now.heading);
        seen.add(route.name);
      };
      const admin = await openBrowser(DESKTOP);
      try {
        const { page } = admin;
        await signIn(page, server, 'admin.tw', '/committee');
        await expectHeading(page, 'sign-in → committee home');
        const nav = page.locator('.committee nav');
        const hrefs = await nav.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')!));
        expect(hrefs.length).toBeGreaterThanOrEqual(12);
        const committee = hrefs.filter((h) => h.startsWith('/committee'));
        expect(committee).toEqual(
          expect.arrayContaining(['/committee/dashboard', '/committee/reviews', '/committee/extensions']),
        );
        // Every committee screen, reached through the navigation (a client-side route change).
        for (const href of committee) {
          await nav.locator(`a[href="${href}"]`).click();
          await page.waitForURL((url) => url.pathname === href);
          await expectHeading(page, href);
          if (href.endsWith('/reviews') || href.endsWith('/extensions')) {
            // Keyboard review is one key away: j, named in the shortcuts line, goes into the list
            // (or to the "nothing waiting" line).
            expect(await page.locator('main [id$="-keys"]').innerText()).toContain('j để vào danh sách');
            const target = 'main [role="listbox"], #review-empty, #extension-empty';
            await page.locator(target).first().waitFor({ timeout: 30_000 });
            await page.keyboard.press('j');
            await page.waitForFunction((sel) => !!document.activeElement?.matches(sel), target, { timeout: 15_000 });
          }
        }
        // A task opened from the plan: the committee task page.
        await nav.locator('a[href="/committee/plan"]').click();
        await expectHeading(page, '/committee/plan again');
        await page.locator('.node a.title').first().click({ timeout: 30_000 });
        await page.waitForURL((url) => url.pathname.startsWith('/committee/tasks/'));
        await expectHeading(page, 'committee task');
      } finally {
        await admin.close();
      }

      // The field app on a phone: its tabs, a task, its report form, its edit form, and the
      // conflict screen for an edit saved offline while the province changed the same field.
      const [, task] = await openTasksOf(server, 'C-LD-XUANHUONG', 2);
      const tag = Date.now().toString(36);
      const officer = await openBrowser(PHONE);
      try {
        const { page, context } = officer;
        await signIn(page, server, 'daumoi.xuanhuong');
        await expectHeading(page, 'sign-in → tasks');
        const nav = page.getByRole('navigation', { name: 'Điều hướng chính' });
        for (const name of [/Đồng bộ/, /Cài đặt/, /Nhiệm vụ/]) {
          await nav.getByRole('link', { name }).click();
          await expectHeading(page, String(name));
        }
        await page.getByText('Đã gửi hết').first().waitFor({ timeout: 60_000 });
        await (await taskCard(page, task!)).click();
        await expectHeading(page, 'task');
        await page.locator('main a[href*="/report"]').first().click();
        await expectHeading(page, 'report');
        await page.locator('main a.back').click();
        await expectHeading(page, 'back to the task');
        await page.locator('[data-test="edit-task"]').click();
        await expectHeading(page, 'task edit');

        await context.setOffline(true);
        await page.getByLabel('Mô tả', { exact: true }).fill(`Mô tả sửa trên điện thoại (${tag}).`);
        await saveOfflineWhileProvinceEdits(page, context, server, task!, tag);
        await expectHeading(page, 'sync, a conflict waiting');
        await page.getByRole('link', { name: 'Xem và chọn' }).click();
        await expectHeading(page, 'conflict');
        await page.getByRole('radio', { name: new RegExp(`Bản trên máy chủ.*${tag}`) }).waitFor();
      } finally {
        await officer.close();
      }

      // No sign-in: the public index and a published view, and an address the app does not have.
      const published = await publishResolution57(server);
      const visitor = await openBrowser(PHONE);
      try {
        const { page } = visitor;
        await page.goto(new URL('public', server.url).toString());
        await page.locator(`main a[href="/public/${published}"]`).click({ timeout: 30_000 });
        await expectHeading(page, 'public view');
        await page.getByRole('link', { name: say('publicView.back') }).click();
        await expectHeading(page, 'back to the public index');
        await page.goto(new URL('no-such-screen', server.url).toString());
        await page.getByRole('link', { name: say('notFound.home') }).click();
        // The task list needs a sign-in on this device: the sign-in screen.
        await page.waitForURL((url) => url.pathname === '/sign-in');
        await expectHeading(page, 'not found → sign-in');
        await page.goBack();
        await page.waitForURL((url) => url.pathname === '/no-such-screen');
        await expectHeading(page, 'back to the not-found screen');
      } finally {
        await visitor.close();
      }

      // Every route of the router was reached by a navigation and checked.
      expect([...seen].sort()).toEqual(
        routes()
          .map((r) => r.name)
          .sort(),
      );
    },
    2 * TIMEOUT,
  );
});
