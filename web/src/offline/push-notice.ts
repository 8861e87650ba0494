import type { OfflineDatabase } from './db.js';
import { setMeta } from './db.js';

/** The kinds of notice the server pushes (server/src/modules/push). */
export const PUSH_KINDS = ['REPORT_RETURNED', 'TASK_ASSIGNED', 'TASK_DUE_SOON', 'UNKNOWN'] as const;
export type PushKind = (typeof PUSH_KINDS)[number];

/** What the service worker shows: the answer to its 'resolute:push' message. */
export interface PushNotice {
  title: string;
  body: string;
  /** The screen tapping it opens, a path of this app. */
  url: string;
  /** Same tag, same notification: a second push for one notice replaces the first. */
  tag: string;
  lang: string;
}

/** The person's words for each kind, in their language (from locales/). */
export interface PushWords {
  lang: string;
  title(kind: PushKind): string;
  /** The text naming the task, for languages other than the server's own Vietnamese. */
  body(kind: PushKind, taskTitle: string): string;
  /** For a notice that is not (yet) on the device. */
  generic(kind: PushKind): string;
}

export const pushKind = (kind: string): PushKind =>
  (PUSH_KINDS as readonly string[]).includes(kind) ? (kind as PushKind) : 'UNKNOWN';

/**
 * What to show for a push of `kind`, from the data on the device (call it after syncing): the
 * newest unread notice of that kind, named by its task, opening the task; the kind's general
 * words when no such notice has arrived.
 */
export async function noticeFor(db: OfflineDatabase, rawKind: string, words: PushWords): Promise<PushNotice> {
  const kind = pushKind(rawKind);
  const latest = await db.notifications
    .orderBy('createdAt')
    .reverse()
    .filter((n) => n.kind === kind && !n.readAt)
    .first();
  if (!latest) return { title: words.title(kind), body: words.generic(kind), url: '/', tag: kind, lang: words.lang };
  const task = latest.taskId ? await db.tasks.get(latest.taskId) : undefined;
  // The server writes its notices in Vietnamese; other languages are put together here.
  const body = words.lang === 'vi' ? latest.message : words.body(kind, task?.title ?? '');
  return {
    title: words.title(kind),
    body,
    url: latest.taskId ? `/tasks/${latest.taskId}` : '/',
    tag: latest.id,
    lang: words.lang,
  };
}

/** Leaves each kind's general words where the service worker finds them when no window is open. */
export async function storePushWords(db: OfflineDatabase, words: PushWords): Promise<void> {
  const byKind: Record<string, PushNotice> = {};
  for (const kind of PUSH_KINDS) {
    byKind[kind] = { title: words.title(kind), body: words.generic(kind), url: '/', tag: kind, lang: words.lang };
  }
  await setMeta(db, 'pushWords', byKind);
}
