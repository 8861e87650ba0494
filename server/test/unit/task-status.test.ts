import { describe, expect, it } from 'vitest';
import { deriveStatus, FiveClear, missingClears } from '../../src/modules/tasks/task-status.js';
import { TaskState, TaskStatus } from '../../src/modules/tasks/task.enums.js';

const open = { state: TaskState.OPEN, progress: 0 };

describe('deriveStatus', () => {
  it('is not started with no progress and no report', () => {
    expect(deriveStatus({ ...open, dueOn: '2026-12-31' }, '2026-11-30')).toBe(TaskStatus.NOT_STARTED);
  });
  it('is in progress once a report arrived, even at 0 %', () => {
    expect(deriveStatus({ ...open, dueOn: '2026-12-31', lastReportAt: new Date() }, '2026-11-30')).toBe(TaskStatus.IN_PROGRESS);
  });
  it('is overdue the day after the due date, not on it', () => {
    expect(deriveStatus({ ...open, dueOn: '2026-11-30', progress: 40 }, '2026-11-30')).toBe(TaskStatus.IN_PROGRESS);
    expect(deriveStatus({ ...open, dueOn: '2026-11-29', progress: 40 }, '2026-11-30')).toBe(TaskStatus.OVERDUE);
  });
  it('tells completed on time from completed late, by the day in Vietnam', () => {
    // 17:30 UTC on the 29th is already the 30th in Hanoi.
    const done = { state: TaskState.COMPLETED, progress: 100, completedAt: new Date('2026-11-29T17:30:00Z') };
    expect(deriveStatus({ ...done, dueOn: '2026-11-30' }, '2026-12-05')).toBe(TaskStatus.COMPLETED_ON_TIME);
    expect(deriveStatus({ ...done, dueOn: '2026-11-29' }, '2026-12-05')).toBe(TaskStatus.COMPLETED_LATE);
  });
  it('is cancelled whatever the dates say', () => {
    expect(deriveStatus({ state: TaskState.CANCELLED, progress: 10, dueOn: '2020-01-01' }, '2026-11-30')).toBe(
      TaskStatus.CANCELLED,
    );
  });
  it('never calls a task with no due date overdue', () => {
    expect(deriveStatus({ ...open, dueOn: null }, '2026-11-30')).toBe(TaskStatus.NOT_STARTED);
  });
});

describe('missingClears', () => {
  it('is empty for a task with all five clears', () => {
    expect(
      missingClears({
        title: 'T',
        description: 'D',
        responsiblePerson: 'P',
        leadUnitPath: '/1/',
        dueOn: '2026-01-01',
        expectedResult: 'R',
      }),
    ).toEqual([]);
  });
  it('names each missing clear, treating blanks as missing', () => {
    expect(
      missingClears({
        title: 'T',
        description: '  ',
        responsiblePerson: null,
        leadUnitPath: '/1/',
        dueOn: null,
        expectedResult: '',
      }),
    ).toEqual([FiveClear.TASK, FiveClear.PERSON, FiveClear.TIME, FiveClear.RESULT]);
  });
});
