import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import PrintReportPage from '../src/pages/committee/PrintReportPage.vue';
import type { Summary } from '../src/graphql/committee';
import { clearSession } from '../src/graphql/session';
import { answerApollo } from './support/apollo';
import { mountWithApp, settle } from './support/mount';
import { signInAs } from './support/session';

const summary = (total: number, overdue: number): Summary => ({
  total,
  completionRate: 0.375,
  onTimeRate: 0.8,
  averageProgress: 62.5,
  byStatus: [
    { status: 'IN_PROGRESS', count: total - overdue - 3 },
    { status: 'OVERDUE', count: overdue },
    { status: 'COMPLETED_ON_TIME', count: 3 },
  ],
  indicators: { count: 12, withValue: 10, achieved: 7, averageAchievement: 0.9 },
});
const data = {
  unit: { id: 'p1', name: 'Tỉnh Lâm Đồng', kind: 'PROVINCE' },
  analyticsSummary: summary(1250, 4),
  analyticsByChild: [
    { own: true, unit: { id: 'p1', name: 'Tỉnh Lâm Đồng', kind: 'PROVINCE' }, summary: summary(10, 0) },
    { own: false, unit: { id: 'c1', name: 'Phường Xuân Hương', kind: 'COMMUNE' }, summary: summary(1240, 4) },
  ],
  warnings: {
    totalCount: 3,
    pageInfo: { hasNextPage: true, endCursor: 'x' },
    nodes: [
      {
        id: 'OVERDUE:t1',
        kind: 'OVERDUE',
        severity: 3,
        messageVi: 'Quá hạn 5 ngày, tiến độ 40%.',
        messageEn: 'Overdue by 5 days, progress 40%.',
        unit: { id: 'c1', name: 'Phường Xuân Hương' },
        task: { id: 't1', title: 'Số hoá hồ sơ hộ tịch' },
      },
    ],
  },
  warningCounts: [
    { kind: 'OVERDUE', count: 2 },
    { kind: 'STALE', count: 1 },
    { kind: 'OBSTACLE', count: 0 },
  ],
  warningsAsOf: '2026-11-30T01:30:00.000Z',
  unitRanking: [],
  resolutions: [
    { id: 'r1', code: '57-NQ/TW', titleVi: 'Về đột phá phát triển khoa học', titleEn: 'On breakthroughs in science' },
  ],
};

beforeEach(() => signInAs(['VIEWER']));
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  clearSession();
});

describe('PrintReportPage', () => {
  it('files the unit’s report with Vietnamese dates and numbers, and prints', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(2026, 10, 30, 9));
    const api = answerApollo({ AdminPrintReport: () => data });
    const print = vi.fn();
    Object.defineProperty(window, 'print', { value: print, configurable: true, writable: true });
    const { wrapper } = await mountWithApp(PrintReportPage, { path: '/committee/report?resolutionId=r1' });
    await settle();
    expect(api.of('AdminPrintReport')[0]!.variables).toEqual({ unitId: 'p1', resolutionId: 'r1' });
    const head = wrapper.find('.report-head').text();
    expect(head).toContain('Tỉnh Lâm Đồng');
    expect(head).toContain('57-NQ/TW — Về đột phá phát triển khoa học');
    expect(head).toContain('Ngày 30/11/2026');
    const figures = wrapper.find('.figures').text();
    expect(figures).toContain('1.250');
    expect(figures).toContain('38%');
    expect(figures).toContain('7 trên 12');
    const rows = wrapper.findAll('.by-child tbody tr');
    expect(rows[0]!.text()).toContain('Tỉnh Lâm Đồng (nhiệm vụ tự chủ trì)');
    expect(rows[1]!.text()).toContain('1.240');
    expect(wrapper.text()).toContain('Quá hạn 5 ngày, tiến độ 40%.');
    expect(wrapper.find('ol.warnings a').attributes('href')).toBe('/committee/tasks/t1');
    expect(wrapper.text()).toContain('và 2 cảnh báo khác không liệt kê');
    expect(wrapper.find('.by-kind').text()).toBe('Quá hạn: 2 · Lâu không báo cáo: 1');
    // The warnings are derived facts: the paper says the time they are current to.
    expect(wrapper.text()).toContain('Cảnh báo cập nhật đến');
    await wrapper.find('button.print').trigger('click');
    expect(print).toHaveBeenCalledOnce();
  });

  it('reads in English with English numbers and messages', async () => {
    answerApollo({ AdminPrintReport: () => data });
    const { wrapper } = await mountWithApp(PrintReportPage, { path: '/committee/report', locale: 'en' });
    await settle();
    expect(wrapper.find('.figures').text()).toContain('1,250');
    expect(wrapper.text()).toContain('Overdue by 5 days, progress 40%.');
  });

  it('has print rules: A4 page, no navigation or buttons, rows kept whole, black on white', () => {
    const source = readFileSync(path.join(import.meta.dirname, '..', 'src', 'pages', 'committee', 'PrintReportPage.vue'), 'utf8');
    const printBlocks = source.split('@media print').slice(1).join('\n');
    expect(printBlocks).toMatch(/size:\s*A4/);
    expect(printBlocks).toMatch(/\.no-print\s*{\s*display:\s*none/);
    expect(printBlocks).toMatch(/color:\s*#000/);
    expect(source).toMatch(/tr,\s*li\s*{\s*break-inside:\s*avoid/);
    expect(source).toMatch(/class="controls no-print"/);
  });
});
