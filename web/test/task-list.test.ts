import { describe, expect, it } from 'vitest';
import {
  buildTaskRows,
  daysLate,
  EMPTY_QUERY,
  fold,
  queryTaskRows,
  resolutionLabel,
  resolutionsOf,
  statusOf,
  warningsFor,
} from '../src/composables/taskList';
import { visibleRange } from '../src/composables/virtualRange';
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

describe('completion on time or late', () => {
  it('judges the completion day in Vietnam against the due date, as the server does', () => {
    // 16:59 UTC on 30 June is 23:59 in Vietnam; 17:30 UTC is already 1 July there.
    const onTime = buildTask({ state: 'COMPLETED', dueOn: '2026-06-30', completedAt: '2026-06-30T16:59:00Z', progress: 100 });
    const late = buildTask({ state: 'COMPLETED', dueOn: '2026-06-30', completedAt: '2026-06-30T17:30:00Z', progress: 100 });
    const veryLate = buildTask({ state: 'COMPLETED', dueOn: '2026-06-30', completedAt: '2026-07-09T02:00:00Z', progress: 100 });
    const noDue = buildTask({ state: 'COMPLETED', dueOn: null, completedAt: '2026-07-09T02:00:00Z', progress: 100 });
    expect(statusOf(onTime, now)).toBe('COMPLETED_ON_TIME');
    expect(statusOf(late, now)).toBe('COMPLETED_LATE');
    expect(daysLate(late)).toBe(1);
    expect(daysLate(veryLate)).toBe(9);
    expect(statusOf(noDue, now)).toBe('COMPLETED_ON_TIME');
    const [row] = buildTaskRows([late], [], now);
    expect(row!.completion).toEqual({ at: '2026-06-30T17:30:00Z', day: '2026-07-01', daysLate: 1 });
  });

  it('says only "completed" for a row stored before the completion time was synced', () => {
    const old = buildTask({ state: 'COMPLETED', dueOn: '2026-06-30', completedAt: null, progress: 100 });
    expect(statusOf(old, now)).toBe('COMPLETED');
    expect(buildTaskRows([old], [], now)[0]!.completion).toBeNull();
  });

  it('filters completed tasks by on time and late', () => {
    const a = buildTask({ state: 'COMPLETED', dueOn: '2026-06-30', completedAt: '2026-06-29T03:00:00Z', progress: 100 });
    const b = buildTask({ state: 'COMPLETED', dueOn: '2026-06-30', completedAt: '2026-07-02T03:00:00Z', progress: 100 });
    const rows = buildTaskRows([a, b], [], now);
    expect(queryTaskRows(rows, { ...EMPTY_QUERY, status: 'COMPLETED_LATE' }, now).map((r) => r.task.id)).toEqual([b.id]);
    expect(queryTaskRows(rows, { ...EMPTY_QUERY, status: 'COMPLETED_ON_TIME' }, now).map((r) => r.task.id)).toEqual([a.id]);
  });
});

describe('resolution filter', () => {
  const nq57 = {
    id: 'r57',
    code: '57-NQ/TW',
    titleVi: 'Về đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia',
    titleEn: 'Science and technology',
  };
  const nq66 = { id: 'r66', code: '66-NQ/TW', titleVi: 'Đổi mới công tác xây dựng và thi hành pháp luật', titleEn: 'Law-making' };
  const nq9 = { id: 'r9', code: '9-NQ/TW', titleVi: 'Xây dựng đội ngũ doanh nhân', titleEn: 'Entrepreneurs' };
  const a = buildTask({ title: 'Số hóa hồ sơ', resolution: nq57 });
  const b = buildTask({ title: 'Phổ biến pháp luật', resolution: nq66 });
  const c = buildTask({ title: 'Gặp mặt doanh nghiệp', resolution: nq9 });
  const d = buildTask({ title: 'Chưa đồng bộ lại', resolution: null });
  const rows = buildTaskRows([a, b, c, d], [], now);

  it('lists each resolution once, in the order of their numbers', () => {
    expect(resolutionsOf([...rows, ...rows]).map((r) => r.code)).toEqual(['9-NQ/TW', '57-NQ/TW', '66-NQ/TW']);
  });

  it('keeps only the tasks of the chosen resolution, with the other filters', () => {
    expect(queryTaskRows(rows, { ...EMPTY_QUERY, resolution: 'r66' }, now).map((r) => r.task.id)).toEqual([b.id]);
    expect(queryTaskRows(rows, { ...EMPTY_QUERY, resolution: 'r57', search: 'phap luat' }, now)).toEqual([]);
    expect(queryTaskRows(rows, EMPTY_QUERY, now)).toHaveLength(4);
  });

  it('finds tasks by the resolution code or title typed in search', () => {
    expect(queryTaskRows(rows, { ...EMPTY_QUERY, search: '66-NQ' }, now).map((r) => r.task.id)).toEqual([b.id]);
    expect(queryTaskRows(rows, { ...EMPTY_QUERY, search: 'doanh nhan' }, now).map((r) => r.task.id)).toEqual([c.id]);
  });

  it('labels an option with the code and a short title in the chosen language', () => {
    expect(resolutionLabel(nq66, 'vi')).toBe('66-NQ/TW · Đổi mới công tác xây dựng và thi hành pháp luật');
    expect(resolutionLabel(nq57, 'vi')).toMatch(/^57-NQ\/TW · Về đột phá .{10,}…$/);
    expect(resolutionLabel(nq57, 'vi').length).toBeLessThanOrEqual('57-NQ/TW · '.length + 48);
    expect(resolutionLabel(nq57, 'en')).toBe('57-NQ/TW · Science and technology');
  });
});

describe('visibleRange', () => {
  const offsets = Array.from({ length: 501 }, (_, i) => i * 100);

  it('covers the rows on screen plus the overscan', () => {
    expect(visibleRange(offsets, 0, 800, 5)).toEqual({ start: 0, end: 13 });
    expect(visibleRange(offsets, 25_050, 800, 5)).toEqual({ start: 245, end: 264 });
    expect(visibleRange(offsets, 49_950, 800, 5)).toEqual({ start: 494, end: 500 });
  });

  it('starts at the top while the list is still below the screen, and handles an empty list', () => {
    expect(visibleRange(offsets, -300, 800, 2)).toEqual({ start: 0, end: 7 });
    expect(visibleRange([0], 0, 800, 5)).toEqual({ start: 0, end: 0 });
  });
});
