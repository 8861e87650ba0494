import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { resetDatabaseForTests, useDatabase } from '../src/composables/useDatabase';
import { sameShape } from '../src/composables/useFormDraft';
import { clearSession } from '../src/graphql/session';
import { OfflineDatabase } from '../src/offline/db';
import { findDrafts, readDraft, setDraftAside, writeDraft } from '../src/offline/drafts';
import TaskEditPage from '../src/pages/TaskEditPage.vue';
import { buildTask } from './support/factories';
import { disposeStores, mountWithApp, settle } from './support/mount';
import { signInAs } from './support/session';
import { oldDatabase } from './support/old-database';

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

  it('takes over, once, the report drafts an older app kept in the tab (version 6)', async () => {
    const name = `drafts-v5-${crypto.randomUUID()}`;
    // The database as version 5 left it, with a task edit draft in it.
    const old = oldDatabase(name, 5);
    await old.open();
    await old.table('drafts').put({ key: 'task-edit:t9', value: { description: 'x' }, savedAt: '2026-12-01T00:00:00.000Z' });
    old.close();
    sessionStorage.setItem('resolute.draft.t1', JSON.stringify({ percent: '40', narrative: 'Đang viết dở', values: {} }));
    sessionStorage.setItem('resolute.draft.t2', 'not json');
    sessionStorage.setItem('resolute.session', 'kept');

    const db = new OfflineDatabase(name, { indexedDB, IDBKeyRange });
    await db.open();
    expect(db.verno).toBe(6);
    expect((await readDraft(db, 'report:t1'))?.value).toEqual({ percent: '40', narrative: 'Đang viết dở', values: {} });
    expect(await readDraft(db, 'report:t2')).toBeUndefined();
    expect(await readDraft(db, 'task-edit:t9')).toBeDefined();
    expect(sessionStorage.getItem('resolute.draft.t1')).toBeNull();
    expect(sessionStorage.getItem('resolute.session')).toBe('kept');
    db.close();

    // Once: a later tab's leftovers are not taken again (the report form no longer writes them).
    sessionStorage.setItem('resolute.draft.t3', JSON.stringify({ narrative: 'muộn' }));
    const again = new OfflineDatabase(name, { indexedDB, IDBKeyRange });
    await again.open();
    expect(await readDraft(again, 'report:t3')).toBeUndefined();
    again.close();
    sessionStorage.clear();
  });

  it('finds a page’s drafts by key or by the beginning of a key, newest first, with what they are about', async () => {
    const db = new OfflineDatabase(`drafts-${crypto.randomUUID()}`, { indexedDB, IDBKeyRange });
    await db.open();
    await writeDraft(db, 'plan-sub:t1', { title: 'a' }, { title: 'Nhiệm vụ 1', path: [] });
    await new Promise((r) => setTimeout(r, 5));
    await writeDraft(db, 'plan-reschedule:t2', { reason: 'b' }, { title: 'Nhiệm vụ 2', path: ['t1'] });
    await writeDraft(db, 'task-edit:t1', { description: 'c' });
    const found = await findDrafts(db, ['plan-sub:', 'plan-reschedule:', 'task-cancel:t1']);
    expect(found.map((r) => r.key)).toEqual(['plan-reschedule:t2', 'plan-sub:t1']);
    expect(found[0]!.place).toEqual({ title: 'Nhiệm vụ 2', path: ['t1'] });
    expect((await findDrafts(db, ['task-edit:t1'])).map((r) => r.key)).toEqual(['task-edit:t1']);
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
