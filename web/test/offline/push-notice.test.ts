import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { OfflineDatabase, getMeta } from '../../src/offline/db';
import { noticeFor, storePushWords, type PushWords, type StoredPushWords } from '../../src/offline/push-notice';
import type { LocalNotification, LocalTask } from '../../src/offline/types';
import en from '../../src/locales/en.json';
import vi from '../../src/locales/vi.json';

let n = 0;
const freshDb = () => new OfflineDatabase(`push-notice-test-${n++}`, { indexedDB, IDBKeyRange });

function words(lang: 'vi' | 'en'): PushWords {
  const kinds = (lang === 'vi' ? vi : en).push.kinds as Record<string, { title: string; body: string; generic: string }>;
  return {
    lang,
    title: (k) => kinds[k]!.title,
    body: (k, task) => kinds[k]!.body.replace('{task}', task),
    generic: (k) => kinds[k]!.generic,
  };
}

function notice(over: Partial<LocalNotification>): LocalNotification {
  return {
    id: crypto.randomUUID(),
    kind: 'REPORT_RETURNED',
    message: 'Báo cáo cho nhiệm vụ «Chuyển đổi số» bị trả lại: thiếu ảnh',
    taskId: null,
    reportId: null,
    createdAt: '2026-12-06T08:00:00.000Z',
    readAt: null,
    ...over,
  };
}

describe('noticeFor', () => {
  it("shows the newest unread notice of the push's kind, in Vietnamese as the server wrote it, opening its task", async () => {
    const db = freshDb();
    const taskId = crypto.randomUUID();
    await db.tasks.put({ id: taskId, title: 'Chuyển đổi số' } as LocalTask);
    const latest = notice({ taskId, createdAt: '2026-12-06T09:00:00.000Z' });
    await db.notifications.bulkPut([
      notice({ createdAt: '2026-12-05T09:00:00.000Z' }),
      latest,
      notice({ kind: 'TASK_ASSIGNED', createdAt: '2026-12-06T10:00:00.000Z' }),
      notice({ createdAt: '2026-12-06T11:00:00.000Z', readAt: '2026-12-06T11:05:00.000Z' }),
    ]);
    expect(await noticeFor(db, 'REPORT_RETURNED', words('vi'))).toEqual({
      title: 'Báo cáo bị trả lại',
      body: latest.message,
      url: `/tasks/${taskId}`,
      tag: latest.id,
      lang: 'vi',
    });
    const english = await noticeFor(db, 'REPORT_RETURNED', words('en'));
    expect(english.title).toBe('Report returned');
    expect(english.body).toBe("Your report on «Chuyển đổi số» was returned. Open it to see the reviewer's comment.");
  });

  it("falls back to the kind's general words when the notice has not reached the device", async () => {
    const db = freshDb();
    expect(await noticeFor(db, 'TASK_DUE_SOON', words('en'))).toEqual({
      title: 'Deadline near',
      body: 'A task of your unit is due soon. Open Resolute to see it.',
      url: '/',
      tag: 'TASK_DUE_SOON',
      lang: 'en',
    });
    expect((await noticeFor(db, 'SOMETHING_NEW', words('vi'))).title).toBe('Resolute');
  });

  it("leaves every kind's words where the service worker reads them, the body a template for the task's title", async () => {
    const db = freshDb();
    await storePushWords(db, words('en'));
    const stored = await getMeta<StoredPushWords>(db, 'pushWords');
    expect(stored!.lang).toBe('en');
    expect(Object.keys(stored!.kinds).sort()).toEqual([
      'EXTENSION_DECIDED',
      'REPORT_RETURNED',
      'TASK_ASSIGNED',
      'TASK_DUE_SOON',
      'UNKNOWN',
    ]);
    expect(stored!.kinds.EXTENSION_DECIDED).toEqual({
      title: 'Extension decided',
      body: 'The request for more time on «{task}» was decided. Open it to see the decision.',
      generic: 'A request for more time was decided. Open Resolute to see it.',
    });
  });
});
