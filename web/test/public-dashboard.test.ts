import { afterEach, describe, expect, it, vi } from 'vitest';
import PublicDashboardPage from '../src/pages/PublicDashboardPage.vue';
import { mountWithApp } from './support/mount';

const snapshot = {
  resolution: { code: '57-NQ/TW', titleVi: 'Về đột phá phát triển khoa học', titleEn: 'On breakthroughs in science' },
  unit: { name: 'Tỉnh Lâm Đồng' },
  generatedAt: '2026-11-20T03:00:00Z',
  summary: {
    total: 12,
    byStatus: {},
    completionRate: 0.5,
    onTimeRate: 0.75,
    averageProgress: 0.6,
    indicators: { count: 4, achieved: 1, averageAchievement: 0.4 },
  },
  units: [
    { code: 'C-1', name: 'Phường Xuân Hương', total: 7, completionRate: 0.4286, averageProgress: 0.5 },
    { code: 'C-2', name: 'Phường Cam Ly', total: 5, completionRate: null, averageProgress: null },
  ],
  targets: [
    {
      task: 'Số hoá hồ sơ',
      name: 'Hồ sơ được số hoá',
      unitOfMeasure: 'hồ sơ',
      baseline: 100,
      target: 1000,
      current: 640,
      dueOn: '2026-12-31',
      achievement: 0.6,
    },
  ],
};

afterEach(() => {
  vi.unstubAllGlobals();
});

async function mountSnapshot() {
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      expect(url).toBe('/api/public/dashboards/pub-1');
      return new Response(JSON.stringify(snapshot), { headers: { 'content-type': 'application/json' } });
    }),
  );
  const { wrapper } = await mountWithApp(PublicDashboardPage, { path: '/public/pub-1', signedIn: false });
  return wrapper;
}

/** What a screen reader reads in a cell: its text without the parts hidden from it. */
function spokenText(el: Element): string {
  const copy = el.cloneNode(true) as Element;
  copy.querySelectorAll('[aria-hidden="true"]').forEach((n) => n.remove());
  return copy.textContent!.replace(/\s+/g, ' ').trim();
}

describe('public dashboard on a phone', () => {
  it('keeps real tables, with column and row headers and roles that survive the card layout', async () => {
    const wrapper = await mountSnapshot();
    const tables = wrapper.findAll('table');
    expect(tables).toHaveLength(2);
    for (const table of tables) {
      expect(table.attributes('role')).toBe('table');
      // Named by the heading above it.
      expect(wrapper.find(`#${table.attributes('aria-labelledby')}`).element.tagName).toBe('H2');
      const headers = table.findAll('thead th');
      expect(headers.length).toBeGreaterThan(2);
      headers.forEach((th) => {
        expect(th.attributes('scope')).toBe('col');
        expect(th.attributes('role')).toBe('columnheader');
      });
      for (const row of table.findAll('tbody tr')) {
        expect(row.attributes('role')).toBe('row');
        expect(row.find('th').attributes()).toMatchObject({ scope: 'row', role: 'rowheader' });
        expect(row.findAll('td')).toHaveLength(headers.length - 1);
      }
    }
    const units = tables[1]!;
    expect(units.findAll('thead th').map((th) => th.text())).toEqual(['Đơn vị', 'Tổng số nhiệm vụ', 'Tỷ lệ hoàn thành']);
  });

  it('labels every value with its column header for the card layout, hidden from screen readers', async () => {
    const wrapper = await mountSnapshot();
    for (const table of wrapper.findAll('table')) {
      const headers = table.findAll('thead th').map((th) => th.text());
      for (const row of table.findAll('tbody tr')) {
        row.findAll('td').forEach((td, i) => {
          const label = td.find('.cell-label');
          expect(label.attributes('aria-hidden')).toBe('true');
          expect(label.text()).toBe(headers[i + 1]);
        });
      }
    }
    const [target] = wrapper.findAll('table')[0]!.findAll('tbody tr');
    expect(target!.findAll('td').map((td) => spokenText(td.element))).toEqual(['100 hồ sơ', '1000 hồ sơ', '640', '60%']);
    const cells = wrapper.findAll('table')[1]!.findAll('tbody tr')[1]!.findAll('td');
    expect(cells.map((td) => spokenText(td.element))).toEqual(['5', '—']);
  });
});
