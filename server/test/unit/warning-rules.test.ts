import { describe, expect, it } from 'vitest';
import type { WarningThresholds } from '../../src/config.js';
import { ReportState } from '../../src/modules/reports/report.enums.js';
import { TaskState } from '../../src/modules/tasks/task.enums.js';
import { describeWarning } from '../../src/modules/warnings/warning-messages.js';
import {
  behindSchedule,
  dueSoon,
  extensionBottleneck,
  forecastMiss,
  obstacle,
  overdue,
  projectCompletion,
  returnedNotResubmitted,
  reviewBottleneck,
  stale,
  taskWarnings,
  WarningKind,
  type TaskFacts,
} from '../../src/modules/warnings/warning-rules.js';

const th: WarningThresholds = {
  dueSoonDays: 14,
  dueSoonProgress: 50,
  behindSchedulePoints: 20,
  staleDays: 30,
  extensionWaitDays: 5,
  reviewWaitDays: 7,
};
const today = '2026-06-15';
const at = (day: string) => new Date(`${day}T03:00:00Z`); // 10:00 in Vietnam

const task = (over: Partial<TaskFacts> = {}): TaskFacts => ({
  state: TaskState.OPEN,
  startOn: '2026-01-01',
  dueOn: '2026-12-31',
  createdAt: at('2026-01-01'),
  progress: 50,
  lastReportAt: at('2026-06-10'),
  latestReport: null,
  trend: [],
  ...over,
});

describe('overdue', () => {
  it('flags an open task past its due day with how many days', () => {
    expect(overdue(task({ dueOn: '2026-06-10' }), today)?.params.daysOverdue).toBe(5);
  });
  it('leaves the due day itself alone', () => {
    expect(overdue(task({ dueOn: today }), today)).toBeNull();
  });
  it('ignores tasks with no due date, and completed or cancelled ones', () => {
    expect(overdue(task({ dueOn: null }), today)).toBeNull();
    expect(overdue(task({ dueOn: '2026-01-10', state: TaskState.CANCELLED }), today)).toBeNull();
    expect(overdue(task({ dueOn: '2026-01-10', state: TaskState.COMPLETED }), today)).toBeNull();
  });
});

describe('dueSoon', () => {
  it('flags a task due within N days with progress below M %', () => {
    expect(dueSoon(task({ dueOn: '2026-06-29', progress: 49 }), today, th)?.params).toMatchObject({ daysLeft: 14, progress: 49 });
  });
  it('stays quiet beyond N days, at M % or more, once overdue, and with no due date', () => {
    expect(dueSoon(task({ dueOn: '2026-06-30', progress: 0 }), today, th)).toBeNull();
    expect(dueSoon(task({ dueOn: '2026-06-20', progress: 50 }), today, th)).toBeNull();
    expect(dueSoon(task({ dueOn: '2026-06-14', progress: 0 }), today, th)).toBeNull();
    expect(dueSoon(task({ dueOn: null, progress: 0 }), today, th)).toBeNull();
  });
  it('flags a task due today', () => {
    expect(dueSoon(task({ dueOn: today, progress: 0 }), today, th)?.params.daysLeft).toBe(0);
  });
});

describe('behindSchedule', () => {
  // 2026-06-01 → 2026-07-01: on 06-16, 15 of 30 days = 50 % elapsed.
  const window = { startOn: '2026-06-01', dueOn: '2026-07-01' };
  it('flags progress below the elapsed time by more than the threshold', () => {
    expect(behindSchedule(task({ ...window, progress: 29 }), '2026-06-16', th)?.params).toMatchObject({
      elapsedPercent: 50,
      progress: 29,
    });
  });
  it('allows exactly the threshold', () => {
    expect(behindSchedule(task({ ...window, progress: 30 }), '2026-06-16', th)).toBeNull();
  });
  it('needs both dates, a started period, and not yet overdue', () => {
    expect(behindSchedule(task({ startOn: null, dueOn: '2026-07-01', progress: 0 }), '2026-06-16', th)).toBeNull();
    expect(behindSchedule(task({ startOn: '2026-06-01', dueOn: null, progress: 0 }), '2026-06-16', th)).toBeNull();
    expect(behindSchedule(task({ ...window, progress: 0 }), '2026-06-01', th)).toBeNull();
    expect(behindSchedule(task({ ...window, progress: 0 }), '2026-07-02', th)).toBeNull();
    expect(behindSchedule(task({ startOn: '2026-06-01', dueOn: '2026-06-01', progress: 0 }), '2026-06-01', th)).toBeNull();
  });
});

describe('stale', () => {
  it('flags an open task with no report for N days', () => {
    expect(stale(task({ lastReportAt: at('2026-05-16') }), today, th)?.params).toMatchObject({
      daysSinceReport: 30,
      neverReported: false,
    });
    expect(stale(task({ lastReportAt: at('2026-05-17') }), today, th)).toBeNull();
  });
  it('counts a task never reported on from its start, or its creation if later', () => {
    expect(stale(task({ lastReportAt: null, startOn: '2026-05-01' }), today, th)?.params).toMatchObject({
      neverReported: true,
      daysSinceReport: 45,
    });
    expect(stale(task({ lastReportAt: null, startOn: '2026-07-01' }), today, th)).toBeNull();
    expect(stale(task({ lastReportAt: null, startOn: null, createdAt: at('2026-06-01') }), today, th)).toBeNull();
  });
  it('ignores cancelled tasks', () => {
    expect(stale(task({ lastReportAt: null, state: TaskState.CANCELLED }), today, th)).toBeNull();
  });
});

describe('obstacle and returned', () => {
  const report = { state: ReportState.SUBMITTED, hasObstacles: true, obstacles: 'Thiếu kinh phí', receivedAt: at('2026-06-10') };
  it('flags an obstacle in the latest report only', () => {
    expect(obstacle(task({ latestReport: report }))?.params.obstacles).toBe('Thiếu kinh phí');
    expect(obstacle(task({ latestReport: { ...report, hasObstacles: false } }))).toBeNull();
    expect(obstacle(task({ latestReport: null }))).toBeNull();
  });
  it('flags a latest report returned and not yet answered', () => {
    const returned = {
      ...report,
      hasObstacles: false,
      state: ReportState.RETURNED,
      reviewedAt: at('2026-06-12'),
      reviewComment: 'Bổ sung số liệu',
    };
    expect(returnedNotResubmitted(task({ latestReport: returned }))?.params.reviewComment).toBe('Bổ sung số liệu');
    expect(returnedNotResubmitted(task({ latestReport: { ...returned, state: ReportState.APPROVED } }))).toBeNull();
  });
});

describe('forecast', () => {
  it('projects the day the reporting trend reaches 100 %', () => {
    // 10 % per 10 days from 0 % on 2026-01-01: 100 % on 2026-04-11.
    const trend = [0, 10, 20].map((p, i) => ({ writtenAt: new Date(Date.UTC(2026, 0, 1 + i * 10, 3)), percent: p }));
    expect(projectCompletion(trend)).toBe('2026-04-11');
  });
  it('needs two reports written at different times', () => {
    expect(projectCompletion([])).toBeUndefined();
    expect(
      projectCompletion([
        { writtenAt: at('2026-01-01'), percent: 10 },
        { writtenAt: at('2026-01-01'), percent: 20 },
      ]),
    ).toBeUndefined();
  });
  it('answers null for a flat or falling trend', () => {
    expect(
      projectCompletion([
        { writtenAt: at('2026-01-01'), percent: 40 },
        { writtenAt: at('2026-02-01'), percent: 30 },
      ]),
    ).toBeNull();
  });
  it('flags a projection after the due date, with the projected date', () => {
    const trend = [
      { writtenAt: at('2026-06-01'), percent: 10 },
      { writtenAt: at('2026-06-11'), percent: 20 },
    ];
    const f = forecastMiss(task({ dueOn: '2026-07-01', progress: 20, trend }), today);
    expect(f?.params.projectedOn).toBe('2026-08-30');
    expect(forecastMiss(task({ dueOn: '2026-12-31', progress: 20, trend }), today)).toBeNull();
  });
  it('flags a falling trend as never finishing, but not a task with no reports or no due date', () => {
    const falling = [
      { writtenAt: at('2026-06-01'), percent: 50 },
      { writtenAt: at('2026-06-11'), percent: 40 },
    ];
    expect(forecastMiss(task({ dueOn: '2026-12-31', trend: falling }), today)?.params.projectedOn).toBeNull();
    expect(forecastMiss(task({ dueOn: '2026-12-31', trend: [] }), today)).toBeNull();
    expect(forecastMiss(task({ dueOn: null, trend: falling }), today)).toBeNull();
  });
});

describe('reviewBottleneck', () => {
  it('flags reports waiting longer than N days', () => {
    expect(reviewBottleneck({ waitingReports: 3, oldestReceivedAt: at('2026-06-07') }, today, th)?.params).toEqual({
      waitingReports: 3,
      oldestWaitingDays: 8,
    });
    expect(reviewBottleneck({ waitingReports: 3, oldestReceivedAt: at('2026-06-08') }, today, th)).toBeNull();
    expect(reviewBottleneck({ waitingReports: 0, oldestReceivedAt: at('2026-01-01') }, today, th)).toBeNull();
  });
});

describe('taskWarnings', () => {
  it('lists nothing for a cancelled task, however late', () => {
    expect(
      taskWarnings(task({ state: TaskState.CANCELLED, dueOn: '2026-01-01', lastReportAt: null, progress: 0 }), today, th),
    ).toEqual([]);
  });
  it('puts the most severe first', () => {
    const kinds = taskWarnings(task({ dueOn: '2026-06-01', lastReportAt: null, progress: 0 }), today, th).map((f) => f.kind);
    expect(kinds[0]).toBe(WarningKind.OVERDUE);
    expect(kinds).toContain(WarningKind.STALE);
  });
});

describe('extensionBottleneck', () => {
  const pending = (requestedAt: string) => ({ requestedAt: new Date(requestedAt), requestedDueOn: '2026-09-30' });
  it('flags a request waiting longer than the threshold, naming the date asked for', () => {
    // Asked on 2026-06-09 in Vietnam: six days before today, above the five-day threshold.
    const f = extensionBottleneck(task({ dueOn: '2026-07-01', pendingExtension: pending('2026-06-09T03:00:00Z') }), today, th);
    expect(f?.kind).toBe(WarningKind.EXTENSION_BOTTLENECK);
    expect(f?.params).toMatchObject({ requestedDueOn: '2026-09-30', waitingDays: 6 });
    expect(describeWarning(f!, 'vi')).toContain('30/09/2026');
    expect(describeWarning(f!, 'en')).toContain('waited 6 days');
  });
  it('waits the threshold out, and says nothing without a pending request or on a closed task', () => {
    expect(extensionBottleneck(task({ pendingExtension: pending('2026-06-10T03:00:00Z') }), today, th)).toBeNull();
    expect(extensionBottleneck(task({ pendingExtension: null }), today, th)).toBeNull();
    expect(
      extensionBottleneck(task({ state: TaskState.COMPLETED, pendingExtension: pending('2026-06-01T03:00:00Z') }), today, th),
    ).toBeNull();
  });
});

describe('describeWarning', () => {
  it('says why in Vietnamese and in English', () => {
    const f = overdue(task({ dueOn: '2026-06-10', progress: 40 }), today)!;
    expect(describeWarning(f, 'vi')).toBe('Quá hạn 5 ngày (hạn 10/06/2026), tiến độ 40%.');
    expect(describeWarning(f, 'en')).toBe('Overdue by 5 days (due 2026-06-10), progress 40%.');
  });
  it('words every kind in both languages', () => {
    for (const kind of Object.values(WarningKind)) {
      for (const lang of ['vi', 'en'] as const)
        expect(describeWarning({ kind, severity: 1, params: {} }, lang).length).toBeGreaterThan(10);
    }
  });
});
