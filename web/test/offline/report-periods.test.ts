import { describe, expect, it } from 'vitest';
import { indicatorReportingOf } from '../../src/composables/taskList';
import {
  indicatorPeriodKey,
  nextPeriodToReport,
  periodContaining,
  periodLabel,
  taskPeriods,
} from '../../src/offline/report-periods';
import { buildReport, buildTask } from '../support/factories';

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

  it('puts a report’s indicator value in the indicator’s period, as the server does', () => {
    const quarterly = { frequency: 'QUARTERLY' as const, dueDays: 10, fromOn: '2026-02-10' };
    const taskMonthly = { frequency: 'MONTHLY' as const, dueDays: 5 };
    expect(indicatorPeriodKey(quarterly, '2026-12-31', { periodKey: '2026-11', writtenDay: '2026-12-03' }, taskMonthly)).toBe(
      '2026-Q4',
    );
    expect(
      indicatorPeriodKey(
        { ...monthly, fromOn: '2026-02-10' },
        null,
        { periodKey: '2026-Q4', writtenDay: '2026-11-20' },
        quarterly,
      ),
    ).toBe('2026-11');
    expect(indicatorPeriodKey({ ...monthly, fromOn: '2026-02-10' }, null, { writtenDay: '2026-12-03' }, null)).toBe('2026-11');
    expect(
      indicatorPeriodKey(
        { ...monthly, fromOn: '2026-02-10' },
        '2026-06-30',
        { periodKey: '2026-11', writtenDay: '2026-12-03' },
        taskMonthly,
      ),
    ).toBe('2026-06');
  });

  it('lists an indicator’s own periods offline from the values the local reports give it', () => {
    const task = buildTask({
      dueOn: '2027-06-30',
      indicators: [
        {
          id: 'ind-1',
          name: 'Hồ sơ trực tuyến',
          unitOfMeasure: '%',
          baseline: 0,
          target: 80,
          direction: 'HIGHER_IS_BETTER',
          dueOn: null,
          currentValue: null,
          version: 1,
          reportSchedule: monthly,
        },
      ],
    });
    const sept = buildReport(task.id, { writtenAt: '2026-10-02T03:00:00.000Z', values: [{ indicatorId: 'ind-1', value: 30 }] });
    const noValue = buildReport(task.id, { writtenAt: '2026-11-02T03:00:00.000Z', values: [] });
    // Sent back by the server as counting for no period (given before the schedule existed).
    const before = buildReport(task.id, {
      writtenAt: '2026-11-03T03:00:00.000Z',
      values: [{ indicatorId: 'ind-1', value: 35, periodKey: null }],
    });
    const [ind] = indicatorReportingOf(task, [sept, noValue, before], new Date('2026-12-06T03:00:00.000Z'));
    expect(ind!.periods.map((p) => [p.key, p.reported, p.missed])).toEqual([
      ['2026-09', true, false],
      ['2026-10', false, true],
      ['2026-11', false, true],
      ['2026-12', false, false],
    ]);
    expect(ind!.next).toMatchObject({ key: '2026-10', dueOn: '2026-11-05', missed: true });
    expect(indicatorReportingOf({ ...task, state: 'COMPLETED' }, [], new Date('2026-12-06T03:00:00.000Z'))).toEqual([]);
  });
});
