import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { graphql } from './generated/index.js';
import type { RunningServer } from './server.js';

/** Every demo account's password (server/src/db/seed). */
export const DEMO_PASSWORD = 'Resolute2026';

/** Signs in through the sign-in screen, then lands on `path` (the tasks list by default). */
export async function signIn(page: Page, server: RunningServer, username: string, path = '/'): Promise<void> {
  const target = new URL('sign-in', server.url);
  if (path !== '/') target.searchParams.set('redirect', path);
  await page.goto(target.toString());
  await page.fill('#username', username);
  await page.fill('#password', DEMO_PASSWORD);
  await page.click('button[type="submit"]');
  await page.waitForURL((url) => url.pathname === path, { timeout: 30_000 });
}

/**
 * Calls the GraphQL API as `token` (or anonymously) with a document generated from
 * schema/schema.graphql (`npm run codegen`); throws with the server's message on an error.
 */
export async function gql<Result, Variables>(
  server: RunningServer,
  token: string | null,
  document: TypedDocumentNode<Result, Variables>,
  variables: Variables,
): Promise<Result> {
  const res = await fetch(new URL('graphql', server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await res.json()) as { data?: Result; errors?: { message: string; extensions?: { code?: string } }[] };
  if (body.errors?.length) {
    const e = body.errors[0]!;
    throw Object.assign(new Error(`${e.extensions?.code ?? 'ERROR'}: ${e.message}`), { code: e.extensions?.code });
  }
  return body.data as Result;
}

export const SIGN_IN = graphql(`
  mutation E2eSignIn($username: String!, $password: String!) {
    signIn(username: $username, password: $password) {
      accessToken
      account {
        displayName
      }
    }
  }
`);

/** A bearer token for a demo account, from the API's own sign-in. */
export async function apiToken(server: RunningServer, username: string): Promise<string> {
  const data = await gql(server, null, SIGN_IN, { username, password: DEMO_PASSWORD });
  return data.signIn.accessToken;
}

/** An online edit of a task, as another person makes it while the phone is offline. */
export const UPDATE_TASK = graphql(`
  mutation E2eUpdateTask($input: UpdateTaskInput!) {
    updateTask(input: $input) {
      id
      version
    }
  }
`);

const PUBLISH_RESOLUTION = graphql(`
  mutation E2ePublishResolution($resolutionId: ID!, $unitId: ID!) {
    publishResolution(resolutionId: $resolutionId, unitId: $unitId) {
      id
    }
  }
`);

/** A provincial leader publishes resolution 57's figures for their province; answers the public view's id. */
export async function publishResolution57(server: RunningServer): Promise<string> {
  const token = await apiToken(server, 'lanhdao.lamdong');
  const [ids] = await server.sql<{ resolution: string; unit: string }>(
    `select (select id from resolution where code like '57%') as resolution, (select id from unit where code = 'P-LAMDONG') as unit`,
  );
  const { publishResolution } = await gql(server, token, PUBLISH_RESOLUTION, {
    resolutionId: ids!.resolution,
    unitId: ids!.unit,
  });
  return publishResolution.id;
}

/**
 * On the task edit screen with the network cut and the phone's edit filled in: saves it on the
 * phone, has the province's focal officer change the description online meanwhile (to «Mô tả
 * của tỉnh (tag).»), gives the network back and follows "1 item to look at" to the sync screen,
 * where the conflict waits.
 */
export async function saveOfflineWhileProvinceEdits(
  page: Page,
  context: BrowserContext,
  server: RunningServer,
  task: CellTask,
  tag: string,
): Promise<void> {
  await page.getByRole('button', { name: 'Lưu thay đổi' }).click();
  await page.getByText('Đã lưu trên điện thoại này, chưa gửi.').waitFor();
  const focal = await apiToken(server, 'daumoi.lamdong');
  await gql(server, focal, UPDATE_TASK, {
    input: { id: task.id, baseVersion: task.version, description: `Mô tả của tỉnh (${tag}).` },
  });
  await context.setOffline(false);
  await page.getByRole('link', { name: '1 mục cần xem', exact: true }).click({ timeout: 60_000 });
}

/**
 * Waits for a state outside the page (the server's database): polls `probe` until `done` holds,
 * and fails after `timeout` with the last value seen.
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeout = 60_000,
): Promise<T> {
  const until = Date.now() + timeout;
  let last: T;
  for (;;) {
    last = await probe();
    if (done(last)) return last;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * A real JPEG made by Chromium's own encoder from a drawn canvas (640×480, a few shapes), as
 * bytes to feed a file input.
 */
export async function makeJpeg(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(() => {
    const canvas = document.createElement('canvas');
    canvas.width = 640;
    canvas.height = 480;
    const g = canvas.getContext('2d')!;
    const sky = g.createLinearGradient(0, 0, 0, 480);
    sky.addColorStop(0, '#7fb2e5');
    sky.addColorStop(1, '#f4e1a1');
    g.fillStyle = sky;
    g.fillRect(0, 0, 640, 480);
    g.fillStyle = '#2f6b2f';
    g.fillRect(0, 330, 640, 150);
    g.fillStyle = '#b22222';
    g.fillRect(250, 200, 140, 130);
    g.fillStyle = '#fff';
    g.font = 'bold 28px sans-serif';
    g.fillText('Minh chứng', 230, 80);
    return canvas.toDataURL('image/jpeg', 0.9).split(',')[1]!;
  });
  const bytes = Buffer.from(base64, 'base64');
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) throw new Error('the canvas did not give a JPEG');
  return bytes;
}

export interface CellTask {
  id: string;
  title: string;
  version: number;
  description: string | null;
}

/**
 * Open tasks led by a unit whose latest report (if any) is not waiting for an answer, so the
 * task screen offers "record progress"; ordered by title for a stable pick.
 */
export async function openTasksOf(server: RunningServer, unitCode: string, count: number): Promise<CellTask[]> {
  const rows = await server.sql<CellTask>(
    `select t.id, t.title, t.version, t.description
       from task t join unit u on u.id = t.lead_unit_id
      where u.code = $1 and t.state = 'OPEN'
        and not exists (
          select 1 from progress_report r where r.task_id = t.id and r.state = 'RETURNED'
            and not exists (select 1 from progress_report a where a.answers_report_id = r.id))
      order by t.title limit $2`,
    [unitCode, count],
  );
  if (rows.length < count) throw new Error(`the demo data has only ${rows.length} open tasks for ${unitCode}`);
  return rows;
}

/** The field app's tabs: goes to the tasks list through its navigation, not a page load. */
export async function openTasksTab(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Nhiệm vụ' }).click();
  await page.getByRole('heading', { level: 1, name: 'Nhiệm vụ của đơn vị' }).waitFor();
}

/**
 * A task's card on the tasks list, found as a person would, through the search box: a long or
 * virtualised list need not have rendered a card that is scrolled out of view.
 */
export async function taskCard(page: Page, task: { id: string; title: string }): Promise<Locator> {
  await page.fill('#task-search', task.title);
  const card = page.locator(`a[href="/tasks/${task.id}"]`);
  await card.waitFor({ timeout: 60_000 });
  return card;
}

/**
 * Records a progress report through the field app's screens, from the tasks list: opens the
 * task, "record progress", fills the form (and a photo through the file input), saves, and
 * waits for the "saved" confirmation. Returns to the tasks list.
 */
export async function recordReportThroughUi(
  page: Page,
  task: { id: string; title: string },
  report: { percent: number; narrative: string; photo?: Buffer; answering?: boolean },
): Promise<void> {
  await (await taskCard(page, task)).click();
  await page.getByRole('heading', { level: 1, name: task.title }).waitFor();
  if (report.answering) await page.getByRole('link', { name: 'Trả lời báo cáo này' }).click();
  else await page.getByRole('link', { name: 'Báo cáo tiến độ', exact: true }).click();
  await page.locator('#report-percent').waitFor();
  await page.fill('#report-percent', String(report.percent));
  await page.fill('#report-narrative', report.narrative);
  if (report.photo) {
    await page
      .locator('input[type="file"][multiple]')
      .setInputFiles({ name: 'minh-chung.jpg', mimeType: 'image/jpeg', buffer: report.photo });
    await page.getByRole('img', { name: 'Ảnh minh chứng 1' }).waitFor();
  }
  await page.getByRole('button', { name: 'Lưu báo cáo' }).click();
  await page.getByRole('heading', { level: 1, name: /Đã lưu báo cáo|Đã gửi báo cáo/ }).waitFor();
}

/** Waits until the service worker controls the page, so a reload with no network still opens the app. */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 60_000 });
}

/**
 * Waits until the derived-data worker has applied every change: warnings and dashboard figures
 * read the facts it keeps, and just after the server starts it is still deriving the demo data.
 */
export async function derivedCaughtUp(server: RunningServer): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    const health = (await (await fetch(new URL('healthz', server.url))).json()) as { derived?: { lagSeconds: number } };
    if (health.derived?.lagSeconds === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the derived-data worker did not catch up within 120 s');
}
