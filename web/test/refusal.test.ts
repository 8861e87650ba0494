import { beforeEach, describe, expect, it } from 'vitest';
import OutboxEntryItem from '../src/components/sync/OutboxEntryItem.vue';
import { refusalMessage } from '../src/composables/refusal';
import { resetDatabaseForTests, useDatabase } from '../src/composables/useDatabase';
import en from '../src/locales/en.json';
import vi from '../src/locales/vi.json';
import TaskDetailPage from '../src/pages/TaskDetailPage.vue';
import type { EntryView } from '../src/stores/useSyncStore';
import { buildReport, buildReportEntry, buildTask } from './support/factories';
import { disposeStores, mountWithApp, settle } from './support/mount';

describe('refusalMessage', () => {
  it('names the field of a refused report', () => {
    expect(refusalMessage('BAD_USER_INPUT', 'percent', 'CREATE_REPORT').key).toBe('refusal.percent');
    expect(refusalMessage('BAD_USER_INPUT', 'values', 'CREATE_REPORT').key).toBe('refusal.values');
    expect(refusalMessage('BAD_USER_INPUT', 'narrative', 'CREATE_REPORT').key).toBe('refusal.narrative');
    expect(refusalMessage('BAD_USER_INPUT', 'obstacles', 'CREATE_REPORT').key).toBe('refusal.obstacles');
    expect(refusalMessage('BAD_USER_INPUT', 'writtenAt', 'CREATE_REPORT').key).toBe('refusal.writtenAt');
    expect(refusalMessage('BAD_USER_INPUT', 'attachments', 'CREATE_REPORT').key).toBe('refusal.attachments');
    expect(refusalMessage('BAD_USER_INPUT', 'answersReportId', 'CREATE_REPORT').key).toBe('refusal.answersReportId');
  });

  it('tells a cancelled task from a reused entry id', () => {
    expect(refusalMessage('BAD_USER_INPUT', 'taskId', 'CREATE_REPORT', 'The task has been cancelled').key).toBe(
      'refusal.cancelled',
    );
    expect(refusalMessage('BAD_USER_INPUT', 'id', 'UPDATE_TASK', 'The task has been cancelled').key).toBe('refusal.cancelled');
    expect(refusalMessage('BAD_USER_INPUT', 'id', 'CREATE_REPORT', 'this entry id is already used').key).toBe(
      'refusal.duplicateId',
    );
  });

  it('names the field of a refused task edit, and who may edit', () => {
    expect(refusalMessage('BAD_USER_INPUT', 'responsiblePerson', 'UPDATE_TASK').key).toBe('refusal.responsiblePerson');
    expect(refusalMessage('BAD_USER_INPUT', 'description', 'UPDATE_TASK').key).toBe('refusal.description');
    expect(refusalMessage('FORBIDDEN', null, 'UPDATE_TASK').key).toBe('refusal.forbiddenEdit');
    expect(refusalMessage('FORBIDDEN', null, 'CREATE_REPORT').key).toBe('refusal.forbiddenReport');
  });

  it('explains the other codes, and anything unknown plainly', () => {
    expect(refusalMessage('NOT_FOUND', null, 'CREATE_REPORT').key).toBe('refusal.notFoundTask');
    expect(refusalMessage('NOT_FOUND', null, 'MARK_NOTIFICATION_READ').key).toBe('refusal.notFoundNotification');
    expect(refusalMessage('CONFLICT', null, 'UPDATE_TASK').key).toBe('refusal.conflictEdit');
    expect(refusalMessage('INVALID_LOCAL_ENTRY', null, 'CREATE_REPORT').key).toBe('refusal.damaged');
    expect(refusalMessage('BAD_USER_INPUT', 'somethingNew', 'CREATE_REPORT').key).toBe('refusal.badInput');
    expect(refusalMessage('TEAPOT', null, null).key).toBe('refusal.other');
  });

  it('has a Vietnamese and an English text for every message', () => {
    for (const key of Object.keys(vi.refusal)) {
      expect((en.refusal as Record<string, string>)[key]).toMatch(/\S/);
    }
  });
});

function rejectedView(over: Partial<EntryView>): EntryView {
  return {
    id: crypto.randomUUID(),
    state: 'rejected',
    kind: 'UPDATE_TASK',
    createdAt: '2026-11-29T09:00:00Z',
    taskId: null,
    reason: 'Only focal officers of the assigning or lead unit edit this task',
    code: 'FORBIDDEN',
    field: null,
    percent: null,
    conflictId: null,
    ...over,
  };
}

describe('a refused entry on screen', () => {
  beforeEach(async () => {
    await disposeStores();
    await resetDatabaseForTests();
  });

  it('says why in Vietnamese, with the server’s English only as a folded detail', async () => {
    const { wrapper } = await mountWithApp(OutboxEntryItem, { props: { entry: rejectedView({}), taskTitle: null } });
    expect(wrapper.get('[data-test="refusal"]').text()).toBe(
      'Bị từ chối: Chỉ cán bộ đầu mối của đơn vị giao việc hoặc đơn vị chủ trì được sửa nhiệm vụ này.',
    );
    expect(wrapper.get('[data-test="refusal"]').text()).not.toContain('Only');
    expect(wrapper.get('details [lang="en"]').text()).toBe('Only focal officers of the assigning or lead unit edit this task');
  });

  it('says why in English when English is chosen, naming the field', async () => {
    const entry = rejectedView({
      kind: 'CREATE_REPORT',
      code: 'BAD_USER_INPUT',
      field: 'percent',
      reason: 'percent must be between 0 and 100',
    });
    const { wrapper } = await mountWithApp(OutboxEntryItem, { props: { entry, taskTitle: null }, locale: 'en' });
    expect(wrapper.get('[data-test="refusal"]').text()).toContain('Progress must be between 0 and 100.');
  });

  it('explains a refused report on the task screen from its code, not the server’s words', async () => {
    const db = useDatabase();
    const task = buildTask();
    await db.tasks.put(task);
    const entry = buildReportEntry(task.id, 70);
    const reason = 'The task has been cancelled';
    await db.reports.put(buildReport(task.id, { id: entry.id, syncState: 'REJECTED', rejectedReason: reason, receivedAt: null }));
    await db.rejected.put({
      id: entry.id,
      entry,
      code: 'BAD_USER_INPUT',
      field: 'taskId',
      reason,
      rejectedAt: '2026-11-29T10:00:00Z',
    });
    const { wrapper } = await mountWithApp(TaskDetailPage, { path: `/tasks/${task.id}`, props: { id: task.id } });
    await settle(10);
    expect(wrapper.text()).toContain('Bị từ chối: Nhiệm vụ đã bị hủy nên không nhận thêm báo cáo hay thay đổi.');
    expect(wrapper.text()).not.toContain(reason);
  });
});
