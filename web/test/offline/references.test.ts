import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { buildTaskRows } from '../../src/composables/taskList';
import { OfflineDatabase } from '../../src/offline/db';
import { personName, readReferences } from '../../src/offline/references';
import { SyncClient } from '../../src/offline/sync-client';
import type { Transport } from '../../src/offline/transport';
import type { SyncPullResult } from '../../src/offline/types';
import { oldDatabase } from '../support/old-database';

// Sync protocol 4: the names the rows show come as rows of their own, stored apart and joined in.

let n = 0;
const freshDb = () => new OfflineDatabase(`references-test-${n++}`, { indexedDB, IDBKeyRange });

const nq57 = { id: 'res-57', code: '57-NQ/TW', titleVi: 'Đột phá khoa học', titleEn: 'Science' };
const cell = { id: 'unit-cell', name: 'Chi bộ 1', kind: 'CELL' };
const reviewer = { id: 'acc-hoa', displayName: 'Nguyễn Thị Hoa' };

function wireTask(): SyncPullResult['tasks'][number] {
  return {
    id: 'task-1',
    parentId: null,
    title: 'Chuyển đổi số',
    description: null,
    responsiblePerson: 'Chị Lan',
    expectedResult: 'Báo cáo',
    startOn: null,
    dueOn: '2026-12-31',
    priority: 'NORMAL',
    state: 'OPEN',
    progress: 0,
    version: 1,
    updatedAt: '2026-11-01T00:00:00.000Z',
    lastReportAt: null,
    completedAt: null,
    originalDueOn: null,
    onTimeDueOn: null,
    resolution: nq57,
    leadUnitId: cell.id,
    assignerUnitId: null,
    ancestorTitles: [],
    reportSchedule: null,
    indicators: [],
  };
}

function wireReport(): SyncPullResult['reports'][number] {
  return {
    id: 'report-1',
    taskId: 'task-1',
    percent: 40,
    values: [],
    narrative: null,
    hasObstacles: false,
    obstacles: null,
    writtenAt: '2026-11-20T03:00:00.000Z',
    receivedAt: '2026-11-20T03:00:01.000Z',
    answersReportId: null,
    periodKey: null,
    flaggedReassigned: false,
    state: 'RETURNED',
    reviewedAt: '2026-11-21T03:00:00.000Z',
    reviewComment: 'Bổ sung',
    reviewerName: reviewer.displayName,
    reviewedById: reviewer.id,
    approvalLevels: 1,
    approvedLevels: 0,
    awaitingUnitKind: null,
  };
}

function page(over: Partial<SyncPullResult> = {}): SyncPullResult {
  return {
    updateRequired: false,
    reset: false,
    cursor: `c${n++}`,
    hasMore: false,
    serverTime: new Date().toISOString(),
    tasks: [],
    reports: [],
    notifications: [],
    extensionRequests: [],
    removals: [],
    resolutions: [],
    units: [],
    people: [],
    ...over,
  };
}

/** A server that answers each pull with the next page and records the cursors it was sent. */
function scripted(pages: SyncPullResult[]) {
  const cursors: unknown[] = [];
  const transport: Transport = async <T>(_doc: string, vars: Record<string, unknown>) => {
    cursors.push((vars.input as { cursor: unknown }).cursor);
    return { syncPull: pages.shift() ?? page() } as T;
  };
  return { transport, cursors };
}

const client = (db: OfflineDatabase, transport: Transport) =>
  new SyncClient({ db, transport, environment: null, intervalMs: 0, lock: 'none' });

describe('reference data on the phone', () => {
  it('stores the names a page brings, and a later rename replaces them without touching the tasks', async () => {
    const db = freshDb();
    const first = page({
      tasks: [wireTask()],
      reports: [wireReport()],
      resolutions: [nq57],
      units: [cell],
      people: [reviewer],
    });
    const renamed = page({
      resolutions: [{ ...nq57, titleVi: 'Đột phá phát triển khoa học, công nghệ' }],
      units: [{ ...cell, name: 'Chi bộ thôn Tân Lập' }],
      people: [{ ...reviewer, displayName: 'Nguyễn Thị Hoà' }],
    });
    const { transport } = scripted([first, renamed]);
    const sync = client(db, transport);
    await sync.syncNow();
    const before = await db.tasks.get('task-1');
    await sync.syncNow();

    expect(await db.resolutions.get(nq57.id)).toMatchObject({ titleVi: 'Đột phá phát triển khoa học, công nghệ' });
    // The task row is the one the first page stored: a rename rewrites nothing that names it.
    expect(await db.tasks.get('task-1')).toEqual(before);

    const refs = await readReferences(db);
    const [row] = buildTaskRows(await db.tasks.toArray(), await db.reports.toArray(), new Date('2026-11-25'), undefined, refs);
    expect(row!.resolution).toEqual({ ...nq57, titleVi: 'Đột phá phát triển khoa học, công nghệ' });
    expect(row!.leadUnitName).toBe('Chi bộ thôn Tân Lập');
    expect(row!.haystack).toContain('phat trien khoa hoc');
    const report = (await db.reports.get('report-1'))!;
    expect(personName(report.reviewedById, report.reviewerName, refs)).toBe('Nguyễn Thị Hoà');
  });

  it('falls back to the names a row came with when no reference row is stored', async () => {
    const db = freshDb();
    const { transport } = scripted([page({ tasks: [wireTask()], reports: [wireReport()] })]);
    await client(db, transport).syncNow();
    const refs = await readReferences(db);
    const [row] = buildTaskRows(await db.tasks.toArray(), [], new Date('2026-11-25'), undefined, refs);
    expect(row!.resolution).toEqual(nq57);
    expect(row!.leadUnitName).toBeNull();
    const report = (await db.reports.get('report-1'))!;
    expect(personName(report.reviewedById, report.reviewerName, refs)).toBe('Nguyễn Thị Hoa');
  });

  it('drops the names with the view on a reset, and takes those of the new view', async () => {
    const db = freshDb();
    const other = { id: 'unit-other', name: 'Chi bộ 2', kind: 'CELL' };
    const { transport, cursors } = scripted([
      page({ tasks: [wireTask()], resolutions: [nq57], units: [cell], people: [reviewer] }),
      page({ reset: true, cursor: '' }),
      page({ units: [other] }),
    ]);
    const sync = client(db, transport);
    await sync.syncNow();
    await sync.syncNow();
    expect(cursors.at(-1)).toBeNull();
    expect(await db.resolutions.count()).toBe(0);
    expect(await db.people.count()).toBe(0);
    expect(await db.units.toArray()).toEqual([other]);
  });
});

describe('database version 5', () => {
  it('seeds the resolutions from the tasks, gives old rows null ids and drops the cursor', async () => {
    const name = `references-upgrade-${n++}`;
    const old = oldDatabase(name, 3);
    const v3Task: Record<string, unknown> = { ...wireTask() };
    delete v3Task.leadUnitId;
    delete v3Task.assignerUnitId;
    await old.table('tasks').put({ ...v3Task, server: { ...v3Task }, serverVersion: 1, pendingFields: [] });
    const v3Report: Record<string, unknown> = { ...wireReport(), attachments: [], syncState: 'SYNCED' };
    delete v3Report.reviewedById;
    await old.table('reports').put(v3Report);
    await old.table('meta').bulkPut([
      { key: 'cursor', value: 'old-cursor' },
      { key: 'clientId', value: 'keep-me' },
    ]);
    old.close();

    const db = new OfflineDatabase(name, { indexedDB, IDBKeyRange });
    expect(await db.resolutions.toArray()).toEqual([nq57]);
    const task = (await db.tasks.get('task-1'))!;
    expect(task).toMatchObject({ leadUnitId: null, assignerUnitId: null, resolution: nq57 });
    expect(task.server).toMatchObject({ leadUnitId: null, assignerUnitId: null });
    expect(await db.reports.get('report-1')).toMatchObject({ reviewedById: null, reviewerName: reviewer.displayName });
    expect(await db.meta.get('cursor')).toBeUndefined();
    expect((await db.meta.get('clientId'))?.value).toBe('keep-me');
  });
});
