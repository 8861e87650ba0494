import { describe, expect, it } from 'vitest';
import {
  checkSchedule,
  indicatorPeriodKey,
  missedPeriods,
  periodContaining,
  periodOfKey,
  periodsSoFar,
  ReportFrequency,
  resolvePeriodKey,
} from '../../src/modules/tasks/report-schedule.js';
import { describeWarning } from '../../src/modules/warnings/warning-messages.js';
import { missedIndicatorReports, missedReport, warningId, WarningKind } from '../../src/modules/warnings/warning-rules.js';
import { TaskState } from '../../src/modules/tasks/task.enums.js';

const monthly = { frequency: ReportFrequency.MONTHLY, dueDays: 5 };
const refuse = (m: string) => new Error(m);
const created = new Date('2026-01-01T00:00:00Z');

describe('report schedules', () => {
  describe('periodContaining', () => {
    it('gives the month, quarter, half and year of a day, each due N days after its last day', () => {
      expect(periodContaining(monthly, '2026-11-17')).toEqual({
        key: '2026-11',
        startOn: '2026-11-01',
        endOn: '2026-11-30',
        dueOn: '2026-12-05',
      });
      expect(periodContaining({ frequency: ReportFrequency.QUARTERLY, dueDays: 10 }, '2026-11-17')).toEqual({
        key: '2026-Q4',
        startOn: '2026-10-01',
        endOn: '2026-12-31',
        dueOn: '2027-01-10',
      });
      expect(periodContaining({ frequency: ReportFrequency.HALF_YEARLY, dueDays: 0 }, '2026-06-30').key).toBe('2026-H1');
      expect(periodContaining({ frequency: ReportFrequency.HALF_YEARLY, dueDays: 0 }, '2026-07-01')).toMatchObject({
        key: '2026-H2',
        endOn: '2026-12-31',
      });
      expect(periodContaining({ frequency: ReportFrequency.YEARLY, dueDays: 15 }, '2026-03-03')).toMatchObject({
        key: '2026',
        dueOn: '2027-01-15',
      });
    });

    it('knows February’s length in leap and common years', () => {
      expect(periodContaining(monthly, '2028-02-10').endOn).toBe('2028-02-29');
      expect(periodContaining(monthly, '2026-02-10').endOn).toBe('2026-02-28');
    });
  });

  describe('periodOfKey', () => {
    it('reads keys of the schedule’s frequency only', () => {
      expect(periodOfKey(monthly, '2026-11')?.startOn).toBe('2026-11-01');
      expect(periodOfKey({ frequency: ReportFrequency.QUARTERLY, dueDays: 0 }, '2026-Q3')?.endOn).toBe('2026-09-30');
      expect(periodOfKey(monthly, '2026-Q3')).toBeNull();
      expect(periodOfKey(monthly, '2026-13')).toBeNull();
    });
  });

  describe('periodsSoFar and missedPeriods', () => {
    const span = { startOn: '2026-09-15', dueOn: '2027-03-31', createdAt: created };

    it('lists the periods begun by today from the one holding the start', () => {
      expect(periodsSoFar(monthly, span, '2026-12-06').map((p) => p.key)).toEqual(['2026-09', '2026-10', '2026-11', '2026-12']);
    });

    it('stops at the task’s due date', () => {
      expect(periodsSoFar(monthly, { ...span, dueOn: '2026-10-20' }, '2026-12-06').map((p) => p.key)).toEqual([
        '2026-09',
        '2026-10',
      ]);
    });

    it('counts a period missed only once its due day has passed without a report', () => {
      expect(missedPeriods(monthly, span, new Set(['2026-10']), '2026-12-05').map((p) => p.key)).toEqual(['2026-09']);
      expect(missedPeriods(monthly, span, new Set(['2026-10']), '2026-12-06').map((p) => p.key)).toEqual(['2026-09', '2026-11']);
    });

    it('starts from the day the task was made when it has no start date', () => {
      const undated = { startOn: null, dueOn: null, createdAt: new Date('2026-10-31T18:00:00Z') }; // 1 Nov in Vietnam
      expect(periodsSoFar(monthly, undated, '2026-12-06').map((p) => p.key)).toEqual(['2026-11', '2026-12']);
    });
  });

  describe('resolvePeriodKey', () => {
    const span = { startOn: '2026-09-15', dueOn: '2027-03-31', createdAt: created };

    it('keeps no period on an unscheduled task', () => {
      expect(resolvePeriodKey(null, span, '2026-11', '2026-12-02', refuse)).toBeNull();
    });

    it('keeps a key of the schedule’s shape, and refuses a period not begun or outside the task', () => {
      expect(resolvePeriodKey(monthly, span, '2026-11', '2026-12-02', refuse)).toBe('2026-11');
      expect(resolvePeriodKey(monthly, span, '2026-12', '2026-12-02', refuse)).toBe('2026-12');
      expect(() => resolvePeriodKey(monthly, span, '2027-01', '2026-12-02', refuse)).toThrow(/not begun/);
      expect(() => resolvePeriodKey(monthly, span, '2026-08', '2026-12-02', refuse)).toThrow(/outside/);
      expect(() => resolvePeriodKey(monthly, span, 'nov', '2026-12-02', refuse)).toThrow(/not a period/);
    });

    it('fills a missing or stale-frequency key with the last period ended by the writing day', () => {
      expect(resolvePeriodKey(monthly, span, null, '2026-12-02', refuse)).toBe('2026-11');
      expect(resolvePeriodKey(monthly, span, '2026-Q4', '2026-12-02', refuse)).toBe('2026-11');
      expect(resolvePeriodKey(monthly, span, null, '2026-09-20', refuse)).toBe('2026-09');
      expect(resolvePeriodKey(monthly, { ...span, dueOn: '2026-10-10' }, null, '2027-02-01', refuse)).toBe('2026-10');
    });
  });

  describe('checkSchedule', () => {
    const bad = (field: string, message: string) => new Error(`${field}: ${message}`);
    it('names the field that is wrong', () => {
      expect(() => checkSchedule('WEEKLY', 5, bad)).toThrow(/reportSchedule.frequency/);
      expect(() => checkSchedule('MONTHLY', -1, bad)).toThrow(/reportSchedule.dueDays/);
      expect(() => checkSchedule('MONTHLY', 2.5, bad)).toThrow(/reportSchedule.dueDays/);
      expect(checkSchedule('YEARLY', 0, bad)).toEqual({ frequency: ReportFrequency.YEARLY, dueDays: 0 });
    });
  });

  describe('missedReport', () => {
    const task = {
      state: TaskState.OPEN,
      startOn: '2026-09-01',
      dueOn: '2027-06-30',
      createdAt: created,
      progress: 20,
      reportFrequency: ReportFrequency.MONTHLY,
      reportDueDays: 5,
    };

    it('names the latest missed period and counts the others, in both languages', () => {
      const f = missedReport({ ...task, reportedPeriods: new Set(['2026-10']) }, '2026-12-06')!;
      expect(f.kind).toBe(WarningKind.MISSED_REPORT);
      expect(f.params).toMatchObject({ periodKey: '2026-11', periodDueOn: '2026-12-05', missedPeriods: 2 });
      expect(describeWarning(f, 'vi')).toBe('Thiếu báo cáo kỳ 11/2026 (hạn 05/12/2026) và 1 kỳ trước đó.');
      expect(describeWarning(f, 'en')).toBe('No report for 11/2026 (due 2026-12-05) and 1 earlier period.');
    });

    it('is silent when every due period has a report, for a finished task, and without a schedule', () => {
      const reported = new Set(['2026-09', '2026-10', '2026-11']);
      expect(missedReport({ ...task, reportedPeriods: reported }, '2026-12-06')).toBeNull();
      expect(missedReport({ ...task, state: TaskState.COMPLETED }, '2026-12-06')).toBeNull();
      expect(missedReport({ ...task, reportFrequency: null }, '2026-12-06')).toBeNull();
    });
  });

  describe('indicatorPeriodKey', () => {
    const quarterly = { frequency: ReportFrequency.QUARTERLY, dueDays: 10 };
    const span = { startOn: '2026-02-10', dueOn: '2026-12-31', createdAt: created };
    it('takes the indicator period holding the end of the report’s own period', () => {
      expect(indicatorPeriodKey(quarterly, span, periodOfKey(monthly, '2026-11'), '2026-12-03')).toBe('2026-Q4');
      expect(indicatorPeriodKey(monthly, span, periodOfKey(quarterly, '2026-Q3'), '2026-10-02')).toBe('2026-09');
    });
    it('takes the day written when the report’s period has not ended yet', () => {
      expect(indicatorPeriodKey(monthly, span, periodOfKey(quarterly, '2026-Q4'), '2026-11-20')).toBe('2026-11');
    });
    it('without a report period, takes the last period ended when written, as for a task', () => {
      expect(indicatorPeriodKey(monthly, span, null, '2026-12-03')).toBe('2026-11');
      expect(indicatorPeriodKey(monthly, span, null, '2026-02-20')).toBe('2026-02');
    });
    it('stays inside the indicator’s span', () => {
      const short = { ...span, dueOn: '2026-06-30' };
      expect(indicatorPeriodKey(monthly, short, periodOfKey(monthly, '2026-11'), '2026-12-03')).toBe('2026-06');
      expect(indicatorPeriodKey(quarterly, span, periodOfKey(monthly, '2026-01'), '2026-02-20')).toBe('2026-Q1');
    });
  });

  describe('missedIndicatorReports', () => {
    const task = {
      state: TaskState.OPEN,
      startOn: '2026-09-01',
      dueOn: '2027-06-30',
      createdAt: created,
      progress: 10,
      scheduledIndicators: [
        {
          id: 'i-1',
          name: 'Tỷ lệ hồ sơ trực tuyến',
          reportFrequency: ReportFrequency.MONTHLY,
          reportDueDays: 5,
          reportedPeriods: new Set(['2026-09', '2026-10']),
        },
        {
          id: 'i-2',
          name: 'Đủ số liệu',
          reportFrequency: ReportFrequency.MONTHLY,
          reportDueDays: 5,
          reportedPeriods: new Set(['2026-09', '2026-10', '2026-11']),
        },
      ],
    };
    it('finds one missed report per indicator, naming it and the period', () => {
      const found = missedIndicatorReports(task, '2026-12-06');
      expect(found).toHaveLength(1);
      expect(found[0]!.params).toMatchObject({
        periodKey: '2026-11',
        periodDueOn: '2026-12-05',
        indicatorId: 'i-1',
        missedPeriods: 1,
      });
      expect(warningId(found[0]!, 't-1')).toBe('MISSED_REPORT:t-1:i-1');
      expect(describeWarning(found[0]!, 'vi')).toBe(
        'Chỉ tiêu «Tỷ lệ hồ sơ trực tuyến» thiếu báo cáo kỳ 11/2026 (hạn 05/12/2026).',
      );
    });
    it('ends an indicator’s periods with its own due date', () => {
      const ended = { ...task, scheduledIndicators: [{ ...task.scheduledIndicators[0]!, dueOn: '2026-10-31' }] };
      expect(missedIndicatorReports(ended, '2026-12-06')).toEqual([]);
      expect(missedIndicatorReports({ ...task, state: TaskState.COMPLETED }, '2026-12-06')).toEqual([]);
    });
  });
});
