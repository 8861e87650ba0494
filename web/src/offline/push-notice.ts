import type { OfflineDatabase } from './db.js';
import { setMeta } from './db.js';

/** The kinds of notice the server pushes (server/src/modules/push). */
export const PUSH_KINDS = ['REPORT_RETURNED', 'TASK_ASSIGNED', 'TASK_DUE_SOON', 'EXTENSION_DECIDED', 'UNKNOWN'] as const;
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

/** Where the service worker finds the words (web/public/push-sw.js reads this shape). */
export const PUSH_WORDS_KEY = 'pushWords';
/** Where the service worker finds this device's notice key (registerPushSubscription's readKey). */
export const PUSH_KEY = 'pushKey';
/** Stands for the task's title in the stored body templates; the service worker fills it in. */
export const TASK_PLACEHOLDER = '{task}';

/** What the service worker reads: the language, and each kind's title, body template and general words. */
export interface StoredPushWords {
  lang: string;
  kinds: Record<PushKind, { title: string; body: string; generic: string }>;
}

/**
 * Leaves each kind's words where the service worker finds them, for a push that comes with no
 * window open: it fetches the notices itself and fills the task's title into the body template.
 */
export async function storePushWords(db: OfflineDatabase, words: PushWords): Promise<void> {
  const kinds = {} as StoredPushWords['kinds'];
  for (const kind of PUSH_KINDS) {
    kinds[kind] = { title: words.title(kind), body: words.body(kind, TASK_PLACEHOLDER), generic: words.generic(kind) };
  }
  await setMeta(db, PUSH_WORDS_KEY, { lang: words.lang, kinds } satisfies StoredPushWords);
}
