import { describe, expect, it } from 'vitest';
import { buildTaskRows, EMPTY_QUERY, fold, queryTaskRows, statusOf, warningsFor } from '../src/composables/taskList';
import { buildReport, buildTask } from './support/factories';

const now = new Date(2026, 10, 30, 9, 0);

describe('fold', () => {
  it('lets Vietnamese be searched without its marks', () => {
    expect(fold('Xây dựng Đảng')).toBe('xay dung dang');
  });
});

describe('statusOf', () => {
  it('derives lateness on the device from the due date', () => {
    expect(statusOf(buildTask({ state: 'OPEN', dueOn: '2026-11-01', progress: 40 }), now)).toBe('OVERDUE');
    expect(statusOf(buildTask({ state: 'OPEN', dueOn: '2027-01-01', progress: 0 }), now)).toBe('NOT_STARTED');
    expect(statusOf(buildTask({ state: 'OPEN', dueOn: '2027-01-01', progress: 5 }), now)).toBe('IN_PROGRESS');
    expect(statusOf(buildTask({ state: 'CANCELLED', dueOn: '2026-11-01' }), now)).toBe('CANCELLED');
  });
});

describe('warningsFor', () => {
  it('says how many days a task is overdue', () => {
    const task = buildTask({ dueOn: '2026-11-20', progress: 30 });
    expect(warningsFor(task, null, false, now)).toContainEqual({ kind: 'overdue', params: { days: 10 } });
  });

  it('flags a report that was returned', () => {
    const task = buildTask();
    const report = buildReport(task.id, { state: 'RETURNED', reviewComment: 'Bổ sung số liệu' });
    expect(warningsFor(task, report, false, now).map((w) => w.kind)).toContain('returned');
  });

  it('gives no lateness warning to a finished task', () => {
    const task = buildTask({ dueOn: '2026-11-20', state: 'COMPLETED', progress: 100 });
    expect(warningsFor(task, null, false, now)).toEqual([]);
  });
});

describe('queryTaskRows', () => {
  const late = buildTask({ title: 'Chuyển đổi số cấp xã', dueOn: '2026-11-01', progress: 20 });
  const soon = buildTask({ title: 'Tập huấn cán bộ', dueOn: '2026-12-05', progress: 10 });
  const later = buildTask({ title: 'Xây dựng kho dữ liệu', dueOn: '2027-06-01', progress: 80 });
  const rows = buildTaskRows([later, soon, late], [], now);

  it('puts overdue work first when sorting by urgency', () => {
    expect(queryTaskRows(rows, EMPTY_QUERY, now).map((r) => r.task.id)).toEqual([late.id, soon.id, later.id]);
  });

  it('finds a task typed without diacritics', () => {
    expect(queryTaskRows(rows, { ...EMPTY_QUERY, search: 'chuyen doi so' }, now).map((r) => r.task.id)).toEqual([late.id]);
  });

  it('filters by due date', () => {
    expect(queryTaskRows(rows, { ...EMPTY_QUERY, due: 'week' }, now).map((r) => r.task.id)).toEqual([soon.id]);
    expect(queryTaskRows(rows, { ...EMPTY_QUERY, due: 'overdue' }, now).map((r) => r.task.id)).toEqual([late.id]);
  });

  it('sorts by least progress', () => {
    expect(queryTaskRows(rows, { ...EMPTY_QUERY, sort: 'progress' }, now).map((r) => r.task.progress)).toEqual([10, 20, 80]);
  });

  it('shows the latest report of each task and counts the unsent ones', () => {
    const old = buildReport(soon.id, { writtenAt: '2026-10-01T00:00:00Z', state: 'APPROVED' });
    const pending = buildReport(soon.id, { writtenAt: '2026-11-29T00:00:00Z', syncState: 'PENDING', receivedAt: null });
    const [row] = buildTaskRows([soon], [old, pending], now);
    expect(row!.latest?.id).toBe(pending.id);
    expect(row!.unsent).toBe(1);
  });

  it('finds one task among several hundred', () => {
    const many = Array.from({ length: 800 }, (_, i) =>
      buildTask({ title: `Nhiệm vụ ${i}`, dueOn: `2027-01-${String((i % 28) + 1).padStart(2, '0')}` }),
    );
    const meeting = buildTask({ title: 'Tổ chức hội nghị quán triệt' });
    const result = queryTaskRows(buildTaskRows([...many, meeting], [], now), { ...EMPTY_QUERY, search: 'hoi nghi' }, now);
    expect(result.map((r) => r.task.id)).toEqual([meeting.id]);
  });
});
