import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../support/axe.js';
import { DESKTOP, openBrowser, screenshots } from '../support/browser.js';
import { chromiumAvailable } from '../support/chromium.js';
import { graphql } from '../support/generated/index.js';
import { apiToken, eventually, gql, openTasksOf, signIn } from '../support/journeys.js';
import { startServer, type RunningServer } from '../support/server.js';

const JOURNEY = 'sync-health';
const CELL = 'CB-LD-XUANHUONG-2';

const PUSH = graphql(`
  mutation E2eSyncHealthPush($input: SyncPushInput!) {
    syncPush(input: $input) {
      results {
        id
        status
        reason
      }
    }
  }
`);

/** Reports of a unit's subtree received in the last `weeks` weeks (Monday starts, Viet Nam time), counted from the reports themselves. */
async function reportsSince(server: RunningServer, unitCode: string, weeks: number) {
  const [row] = await server.sql<{ n: number; late: number }>(
    `select count(*)::int n, count(*) filter (where r.received_at - r.written_at > interval '1 day')::int late
       from progress_report r join unit u on u.code = $1
      where r.unit_path like u.path || '%'
        and date_trunc('week', r.received_at at time zone 'Asia/Ho_Chi_Minh')::date
            >= date_trunc('week', now() at time zone 'Asia/Ho_Chi_Minh')::date - 7 * ($2::int - 1)`,
    [unitCode, weeks],
  );
  return row!;
}

describe.runIf(chromiumAvailable())('committee: sync health', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.stop());

  it('shows each cell’s reports and late arrivals as the reports count them, a late report arriving, and how current the figures are', async () => {
    const [{ name: cellName }] = await server.sql<{ name: string }>(`select name from unit where code = $1`, [CELL]);
    const browser = await openBrowser(DESKTOP);
    try {
      const { page } = browser;
      await signIn(page, server, 'lanhdao.xuanhuong', '/committee/sync-health');
      await page.getByRole('heading', { level: 1, name: 'Tình trạng đồng bộ' }).waitFor();
      const row = page.locator(`[data-test="sync-health"] tbody tr[data-unit="${cellName}"]`);
      const shown = async () => ({
        n: Number(await row.locator('[data-test="reports"]').innerText()),
        late: Number(await row.locator('td').nth(5).innerText()),
      });
      // The worker derives the demo data after start: wait until the screen agrees with the reports.
      const seen = await eventually(
        'the screen to show the cell’s reports as counted from the reports',
        async () => {
          await page.reload();
          await row.waitFor();
          return { ui: await shown(), db: await reportsSince(server, CELL, 4) };
        },
        ({ ui, db }) => ui.n === db.n && ui.late === db.late,
      );
      const before = seen.ui;
      await expect(page.locator('[data-test="freshness"]').innerText()).resolves.toMatch(
        /Bảng điều khiển và cảnh báo đã tính mọi dữ liệu ghi trước/,
      );

      // A report written three days ago on the phone reaches the server now: one more report, one more late arrival.
      const [task] = await openTasksOf(server, CELL, 1);
      const token = await apiToken(server, 'canbo.tdp2');
      const id = randomUUID();
      const writtenAt = new Date(Date.now() - 3 * 86_400_000).toISOString();
      const pushed = await gql(server, token, PUSH, {
        input: {
          protocolVersion: 3,
          clientId: randomUUID(),
          entries: [
            {
              id,
              kind: 'CREATE_REPORT',
              createdAt: writtenAt,
              createReport: { reportId: id, taskId: task!.id, percent: 40, hasObstacles: false, writtenAt },
            },
          ],
        },
      });
      expect(pushed.syncPush.results.map((r) => r.status)).toEqual(['APPLIED']);
      await eventually(
        'the late report to be counted on the screen',
        async () => {
          await page.reload();
          await row.waitFor();
          return shown();
        },
        (ui) => ui.n === before.n + 1 && ui.late === before.late + 1,
      );

      // Drill-down: a cell's own page lists no unit below it.
      await row.getByRole('button', { name: cellName }).click();
      await page.getByText('Không có đơn vị cấp dưới.').waitFor();
      await page.goBack();
      await row.waitFor();

      expect(await audit(page, JOURNEY, 'sync-health', 'desktop')).toEqual([]);
      await screenshots(page, JOURNEY, 'sync-health');

      // The dashboard says how current its figures are.
      await page.goto(new URL('committee/dashboard', server.url).toString());
      await expect(page.locator('[data-test="dashboard-freshness"]').innerText()).resolves.toMatch(
        /đã tính mọi dữ liệu ghi trước/,
      );
    } finally {
      await browser.close();
    }
  });
});
