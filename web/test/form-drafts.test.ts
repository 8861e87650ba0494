import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { resetDatabaseForTests, useDatabase } from '../src/composables/useDatabase';
import { sameShape } from '../src/composables/useFormDraft';
import { clearSession } from '../src/graphql/session';
import { OfflineDatabase } from '../src/offline/db';
import { readDraft, setDraftAside, writeDraft } from '../src/offline/drafts';
import TaskEditPage from '../src/pages/TaskEditPage.vue';
import { buildTask } from './support/factories';
import { disposeStores, mountWithApp, settle } from './support/mount';
import { signInAs } from './support/session';

const CELL = { id: 'u1', name: 'Chi bộ Tổ dân phố 1', kind: 'CELL' };

describe('sameShape', () => {
  const start = { title: '', lead: null as { id: string } | null, weight: '1', rows: [] as { key: number }[] };

  it('reads a draft of the form’s shape, a chosen unit where none was, and keeps fields the draft lacks', () => {
    expect(sameShape({ title: 'Nhiệm vụ', lead: { id: 'u2' }, rows: [{ key: 1 }] }, start)).toEqual({
      title: 'Nhiệm vụ',
      lead: { id: 'u2' },
      weight: '1',
      rows: [{ key: 1 }],
    });
  });

  it('refuses what another form or an older app wrote', () => {
    expect(sameShape('text', start)).toBeNull();
    expect(sameShape({ title: 3 }, start)).toBeNull();
    expect(sameShape({ rows: 'none' }, start)).toBeNull();
    expect(sameShape({ rows: [[1]] }, start)).toBeNull();
  });
});

describe('the drafts store', () => {
  it('is a store since version 4, and a draft set aside keeps what was typed under another key', async () => {
    const db = new OfflineDatabase(`drafts-${crypto.randomUUID()}`, { indexedDB, IDBKeyRange });
    await db.open();
    expect(db.verno).toBeGreaterThanOrEqual(4);
    expect(db.tables.map((t) => t.name)).toContain('drafts');
    const row = await writeDraft(db, 'task-edit:t1', { description: 42 });
    await setDraftAside(db, row);
    expect(await readDraft(db, 'task-edit:t1')).toBeUndefined();
    expect(await db.drafts.get(`aside:${row.savedAt}:task-edit:t1`)).toMatchObject({ value: { description: 42 } });
    db.close();
  });
});

describe('TaskEditPage drafts', () => {
  beforeEach(async () => {
    await disposeStores();
    clearSession('signed-out');
    await resetDatabaseForTests();
  });

  async function open(id: string) {
    const { wrapper } = await mountWithApp(TaskEditPage, { path: `/tasks/${id}/edit`, props: { id } });
    await settle();
    return wrapper;
  }

  it('puts half-typed input back after the page is left or reloaded, and forgets it once saved', async () => {
    signInAs(['FOCAL'], CELL);
    const db = useDatabase();
    const task = buildTask({ description: 'Mô tả cũ' });
    await db.tasks.put(task);
    const first = await open(task.id);
    await first.get('#edit-description').setValue('Mô tả đang gõ dở');
    await vi.waitFor(async () =>
      expect((await readDraft(db, `task-edit:${task.id}`))?.value).toMatchObject({ description: 'Mô tả đang gõ dở' }),
    );
    expect(first.find('[data-test="draft-saved"]').exists()).toBe(true);
    first.unmount();

    const again = await open(task.id);
    await vi.waitFor(() =>
      expect((again.get('#edit-description').element as HTMLTextAreaElement).value).toBe('Mô tả đang gõ dở'),
    );
    expect(again.get('[data-test="draft-restored"]').text()).toContain('Nội dung chưa lưu lúc');
    await again.get('form').trigger('submit');
    await vi.waitFor(async () => expect(await db.outbox.count()).toBe(1));
    await vi.waitFor(async () => expect(await db.drafts.count()).toBe(0));
  });

  it('forgets the draft on cancel, and leaves none when the input is back as it started', async () => {
    signInAs(['FOCAL'], CELL);
    const db = useDatabase();
    const task = buildTask({ responsiblePerson: 'Chị Lan' });
    await db.tasks.put(task);
    const page = await open(task.id);
    await page.get('#edit-responsible').setValue('Anh Minh');
    await vi.waitFor(async () => expect(await db.drafts.count()).toBe(1));
    await page.get('#edit-responsible').setValue('Chị Lan');
    await vi.waitFor(async () => expect(await db.drafts.count()).toBe(0));
    await page.get('#edit-responsible').setValue('Anh Minh');
    await vi.waitFor(async () => expect(await db.drafts.count()).toBe(1));
    await page
      .findAll('button')
      .find((b) => b.text() === 'Huỷ')!
      .trigger('click');
    await vi.waitFor(async () => expect(await db.drafts.count()).toBe(0));
    expect(await db.outbox.count()).toBe(0);
  });

  it('sets aside a stored draft that is not this form’s, and starts from the task', async () => {
    signInAs(['FOCAL'], CELL);
    const db = useDatabase();
    const task = buildTask({ description: 'Mô tả trên máy chủ' });
    await db.tasks.put(task);
    await writeDraft(db, `task-edit:${task.id}`, { description: ['not', 'text'] });
    const page = await open(task.id);
    await vi.waitFor(async () => expect(await readDraft(db, `task-edit:${task.id}`)).toBeUndefined());
    expect((page.get('#edit-description').element as HTMLTextAreaElement).value).toBe('Mô tả trên máy chủ');
    expect(page.find('[data-test="draft-restored"]').exists()).toBe(false);
    expect(await db.drafts.count()).toBe(1);
  });
});
