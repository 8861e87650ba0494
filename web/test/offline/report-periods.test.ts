import { describe, expect, it } from 'vitest';
import { nextPeriodToReport, periodContaining, periodLabel, taskPeriods } from '../../src/offline/report-periods';

const monthly = { frequency: 'MONTHLY' as const, dueDays: 5, fromOn: '2026-09-15' };

describe('report periods on the phone', () => {
  it('works out the period and its due day as the server does', () => {
    expect(periodContaining(monthly, '2026-11-17')).toEqual({
      key: '2026-11',
      startOn: '2026-11-01',
      endOn: '2026-11-30',
      dueOn: '2026-12-05',
    });
    expect(periodContaining({ frequency: 'HALF_YEARLY', dueDays: 0 }, '2026-07-01').key).toBe('2026-H2');
  });

  it('lists the periods so far, marks the missed ones and picks the oldest owed', () => {
    const periods = taskPeriods(monthly, { dueOn: null }, new Set(['2026-09']), '2026-12-06');
    expect(periods.map((p) => [p.key, p.reported, p.missed])).toEqual([
      ['2026-09', true, false],
      ['2026-10', false, true],
      ['2026-11', false, true],
      ['2026-12', false, false],
    ]);
    expect(nextPeriodToReport(periods, '2026-12-06')?.key).toBe('2026-10');
  });

  it('words a period in both languages', () => {
    expect(periodLabel('2026-11', 'vi')).toBe('11/2026');
    expect(periodLabel('2026-Q4', 'vi')).toBe('quý 4/2026');
    expect(periodLabel('2026-H2', 'en')).toBe('H2/2026');
  });
});
