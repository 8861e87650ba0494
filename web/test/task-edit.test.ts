import { beforeEach, describe, expect, it, vi } from 'vitest';
import { canEditTask, changesOf, draftOf, validateTaskEdit } from '../src/composables/taskEditForm';
import { resetDatabaseForTests, useDatabase } from '../src/composables/useDatabase';
import { clearSession } from '../src/graphql/session';
import { editTask } from '../src/offline/outbox';
import TaskDetailPage from '../src/pages/TaskDetailPage.vue';
import TaskEditPage from '../src/pages/TaskEditPage.vue';
import { buildTask } from './support/factories';
import { disposeStores, mountWithApp, settle } from './support/mount';
import { signInAs } from './support/session';

const CELL = { id: 'u1', name: 'Chi bộ Tổ dân phố 1', kind: 'CELL' };

describe('the task edit rules', () => {
  const task = buildTask({ responsiblePerson: 'Nguyễn Văn A', expectedResult: 'Báo cáo tổng kết', description: 'Mô tả' });

  it('lets a FOCAL officer edit an open task, and neither a REPORTER nor anyone a cancelled one', () => {
    expect(canEditTask({ roles: ['FOCAL'] }, task)).toBe(true);
    expect(canEditTask({ roles: ['REPORTER'] }, task)).toBe(false);
    expect(canEditTask({ roles: ['FOCAL'] }, { ...task, state: 'CANCELLED' })).toBe(false);
    expect(canEditTask(null, task)).toBe(false);
  });

  it('refuses emptying the person responsible or the expected result, and over-long text', () => {
    const errors = validateTaskEdit({ description: 'x'.repeat(10_001), responsiblePerson: '  ', expectedResult: '' }, task);
    expect(errors.description).toEqual({ key: 'taskEdit.errors.tooLong', params: { max: 10_000 } });
    expect(errors.responsiblePerson?.key).toBe('taskEdit.errors.responsibleRequired');
    expect(errors.expectedResult?.key).toBe('taskEdit.errors.expectedRequired');
  });

  it('says when nothing changed, and sends only the changed fields, trimmed', () => {
    expect(validateTaskEdit(draftOf(task), task)).toEqual({ form: { key: 'taskEdit.errors.nothingChanged' } });
    const draft = { ...draftOf(task), description: '  Mô tả mới  ' };
    expect(validateTaskEdit(draft, task)).toEqual({});
    expect(changesOf(draft, task)).toEqual({ description: 'Mô tả mới' });
  });
});

describe('TaskEditPage', () => {
  beforeEach(async () => {
    await disposeStores();
    clearSession('signed-out');
    await resetDatabaseForTests();
  });

  it('saves the edit on the phone at once, based on the server version, and says it is not sent yet', async () => {
    signInAs(['FOCAL'], CELL);
    const db = useDatabase();
    const task = buildTask({ version: 4, description: 'Mô tả cũ' });
    await db.tasks.put(task);
    const { wrapper } = await mountWithApp(TaskEditPage, { path: `/tasks/${task.id}/edit`, props: { id: task.id } });
    await settle();
    await wrapper.get('#edit-description').setValue('Mô tả sửa trên điện thoại');
    await wrapper.get('form').trigger('submit');
    await vi.waitFor(async () => expect(await db.outbox.count()).toBe(1));
    const [entry] = await db.outbox.toArray();
    expect(entry?.kind).toBe('UPDATE_TASK');
    expect(entry?.kind === 'UPDATE_TASK' && entry.updateTask).toEqual({
      taskId: task.id,
      baseVersion: 4,
      description: 'Mô tả sửa trên điện thoại',
    });
    expect((await db.tasks.get(task.id))?.pendingFields).toEqual(['description']);
    await vi.waitFor(() => expect(wrapper.find('[data-test="edit-saved"]').exists()).toBe(true));
    expect(wrapper.text()).toContain('Đã lưu trên điện thoại này, chưa gửi.');
  });

  it('follows the saved edit: refused by the server, it says why in Vietnamese', async () => {
    signInAs(['FOCAL'], CELL);
    const db = useDatabase();
    const task = buildTask({ expectedResult: 'Báo cáo' });
    await db.tasks.put(task);
    const { wrapper } = await mountWithApp(TaskEditPage, { path: `/tasks/${task.id}/edit`, props: { id: task.id } });
    await settle();
    await wrapper.get('#edit-expected').setValue('Báo cáo tổng kết có số liệu');
    await wrapper.get('form').trigger('submit');
    await vi.waitFor(() => expect(wrapper.text()).toContain('Đã lưu trên điện thoại này, chưa gửi.'));
    // The server's answer, as the sync client stores it.
    const [entry] = await db.outbox.toArray();
    await db.transaction('rw', [db.outbox, db.rejected], async () => {
      await db.outbox.delete(entry!.seq!);
      await db.rejected.put({
        id: entry!.id,
        entry,
        code: 'FORBIDDEN',
        field: null,
        reason: 'Only focal officers of the assigning or lead unit edit this task',
        rejectedAt: new Date().toISOString(),
      });
    });
    await vi.waitFor(() => expect(wrapper.text()).toContain('Máy chủ không nhận thay đổi'));
    expect(wrapper.get('.notice-bad').text()).toBe(
      'Chỉ cán bộ đầu mối của đơn vị giao việc hoặc đơn vị chủ trì được sửa nhiệm vụ này.',
    );
  });

  it('shows what is wrong in the person’s language and saves nothing', async () => {
    signInAs(['FOCAL'], CELL);
    const db = useDatabase();
    const task = buildTask({ responsiblePerson: 'Nguyễn Văn A' });
    await db.tasks.put(task);
    const { wrapper } = await mountWithApp(TaskEditPage, {
      path: `/tasks/${task.id}/edit`,
      props: { id: task.id },
      locale: 'en',
    });
    await settle();
    await wrapper.get('form').trigger('submit');
    await settle();
    expect(wrapper.text()).toContain('Nothing has changed yet.');
    await wrapper.get('#edit-responsible').setValue('');
    await wrapper.get('form').trigger('submit');
    await settle();
    expect(wrapper.text()).toContain('Cannot be left empty: the task needs a named person responsible.');
    expect(wrapper.get('#edit-responsible').attributes('aria-invalid')).toBe('true');
    expect(await db.outbox.count()).toBe(0);
  });

  it('shows a REPORTER no form, only why', async () => {
    signInAs(['REPORTER'], CELL);
    const task = buildTask();
    await useDatabase().tasks.put(task);
    const { wrapper } = await mountWithApp(TaskEditPage, { path: `/tasks/${task.id}/edit`, props: { id: task.id } });
    await settle();
    expect(wrapper.find('form').exists()).toBe(false);
    expect(wrapper.get('[data-test="not-allowed"]').text()).toContain('Chỉ cán bộ đầu mối của đơn vị chủ trì');
  });
});

describe('TaskDetailPage and editing', () => {
  beforeEach(async () => {
    await disposeStores();
    clearSession('signed-out');
    await resetDatabaseForTests();
  });

  it('offers the edit screen to a FOCAL officer', async () => {
    signInAs(['FOCAL'], CELL);
    const task = buildTask();
    await useDatabase().tasks.put(task);
    const { wrapper } = await mountWithApp(TaskDetailPage, { path: `/tasks/${task.id}`, props: { id: task.id } });
    await settle();
    expect(wrapper.get('[data-test="edit-task"]').attributes('href')).toBe(`/tasks/${task.id}/edit`);
  });

  it('hides it from a REPORTER', async () => {
    signInAs(['REPORTER'], CELL);
    const task = buildTask();
    await useDatabase().tasks.put(task);
    const { wrapper } = await mountWithApp(TaskDetailPage, { path: `/tasks/${task.id}`, props: { id: task.id } });
    await settle();
    expect(wrapper.text()).toContain(task.title);
    expect(wrapper.find('[data-test="edit-task"]').exists()).toBe(false);
  });

  it('shows an unsent local edit as pending, over the server copy', async () => {
    signInAs(['FOCAL'], CELL);
    const db = useDatabase();
    const task = buildTask({ responsiblePerson: 'Nguyễn Văn A' });
    await db.tasks.put(task);
    await editTask(db, task.id, { responsiblePerson: 'Trần Thị B' });
    const { wrapper } = await mountWithApp(TaskDetailPage, { path: `/tasks/${task.id}`, props: { id: task.id } });
    await settle();
    const pending = wrapper.get('[data-test="pending-edit"]');
    expect(pending.text()).toContain('Có thay đổi chưa gửi');
    expect(pending.text()).toContain('Bạn đã sửa người phụ trách trên điện thoại này');
    expect(wrapper.text()).toContain('Trần Thị B');
    expect(wrapper.text()).not.toContain('Nguyễn Văn A');
    expect(wrapper.text()).toContain('chưa gửi');
  });
});
