// Web Push in the service worker, imported by the Workbox worker vite-plugin-pwa generates
// (workbox.importScripts in vite.config.ts), so precaching and the navigation fallback stay as
// they are. A push names only the kind of notice waiting (docs/SECURITY.md, "Web Push"). The
// worker fetches the account's unread notices itself with the device's notice key (kept in
// IndexedDB by the app when pushes were turned on; it reads notices and nothing else), stores
// them where the app reads them, and shows the newest of the push's kind in the language the
// app was last used in. An open window is told to run its normal sync too. Without the key (or
// the network) an open window syncs and says what to show; with neither, the kind's words.

const PUSH_MESSAGE = 'resolute:push';
const SYNC_MESSAGE = 'resolute:sync';
const OPEN_MESSAGE = 'resolute:open';
const ANSWER_MS = 20000;
const FETCH_MS = 15000;
// Checked against schema/schema.graphql by web/test/push-sw.test.ts.
const PUSH_NOTICES =
  'query PushNotices($readKey: String!) { pushNotices(readKey: $readKey) { id kind message taskId reportId taskTitle createdAt } }';

self.addEventListener('push', (event) => {
  let kind = 'UNKNOWN';
  try {
    const data = event.data ? event.data.json() : null;
    if (data && typeof data.kind === 'string') kind = data.kind;
  } catch {
    // not ours to read; shown as a generic notice
  }
  event.waitUntil(showFor(kind));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = new URL((event.notification.data && event.notification.data.url) || '/', self.location.origin);
  if (url.origin !== self.location.origin) return;
  const opening = openApp(url.pathname + url.search);
  try {
    event.waitUntil(opening);
  } catch {
    // An event the browser did not make itself (the browser journey dispatches one) cannot wait.
  }
});

async function showFor(kind) {
  const meta = await readMeta(['pushWords', 'pushKey']);
  const words = meta.pushWords && meta.pushWords.kinds ? meta.pushWords : null;
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  let shown = null;
  const notices = meta.pushKey && typeof meta.pushKey.readKey === 'string' ? await fetchNotices(meta.pushKey.readKey) : null;
  if (notices) {
    const unread = await storeNotices(notices);
    shown = words && noticeFrom(kind, unread, words);
    for (const client of windows) client.postMessage({ type: SYNC_MESSAGE, kind });
  }
  if (!shown) {
    for (const client of windows) {
      shown = await ask(client, { type: PUSH_MESSAGE, kind });
      if (shown) break;
    }
  }
  if (!shown) shown = generic(kind, words);
  await self.registration.showNotification(shown.title, {
    body: shown.body,
    tag: shown.tag,
    lang: shown.lang,
    icon: '/icons/icon-192.png',
    badge: '/icons/favicon-48.png',
    data: { url: shown.url, kind, notificationId: shown.notificationId || null },
  });
}

/**
 * The newest unread notice of `kind` in the stored words' language: the server's own Vietnamese
 * message, or, in another language, the kind's words around the task's title. Opens its task.
 */
function noticeFrom(kind, notices, words) {
  const known = words.kinds[kind] ? kind : 'UNKNOWN';
  const latest = notices.find((n) => n.kind === kind);
  const w = words.kinds[known];
  if (!latest || !w) return null;
  let body = latest.message;
  if (words.lang !== 'vi') body = latest.taskTitle ? w.body.split('{task}').join(latest.taskTitle) : w.generic;
  return {
    title: w.title,
    body,
    url: latest.taskId ? `/tasks/${latest.taskId}` : '/',
    tag: latest.id,
    lang: words.lang,
    notificationId: latest.id,
  };
}

function generic(kind, words) {
  const w = words && (words.kinds[kind] || words.kinds.UNKNOWN);
  if (!w) return { title: 'Resolute', body: '', url: '/', tag: kind, lang: 'vi' };
  return { title: w.title, body: w.generic, url: '/', tag: kind, lang: words.lang };
}

/** The account's unread notices, newest first, from the server; null when it cannot say. */
async function fetchNotices(readKey) {
  try {
    const res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ operationName: 'PushNotices', query: PUSH_NOTICES, variables: { readKey } }),
      credentials: 'omit',
      signal: AbortSignal.timeout(FETCH_MS),
    });
    const json = await res.json();
    if (json.errors && json.errors.length) {
      // The sign-in ended (signed out elsewhere, revoked): the key is of no more use.
      if (json.errors.some((e) => e.extensions && e.extensions.code === 'UNAUTHENTICATED')) await deleteMeta('pushKey');
      return null;
    }
    const list = json.data && json.data.pushNotices;
    return Array.isArray(list) ? list.filter(isNotice) : null;
  } catch {
    return null;
  }
}

function isNotice(n) {
  return (
    !!n &&
    typeof n.id === 'string' &&
    typeof n.kind === 'string' &&
    typeof n.message === 'string' &&
    typeof n.createdAt === 'string'
  );
}

/**
 * Stores the notices in the app's notifications table, as its sync does (a read mark made on the
 * device stays), and answers those still unread here. The next sync brings them again, unchanged.
 */
async function storeNotices(notices) {
  const unread = [];
  await withDatabase(async (db) => {
    if (!db.objectStoreNames.contains('notifications')) return void unread.push(...notices);
    const tx = db.transaction('notifications', 'readwrite');
    const store = tx.objectStore('notifications');
    for (const n of notices) {
      const local = await request(store.get(n.id));
      const row = {
        id: n.id,
        kind: n.kind,
        message: n.message,
        taskId: n.taskId || null,
        reportId: n.reportId || null,
        createdAt: n.createdAt,
        readAt: (local && local.readAt) || null,
      };
      store.put(row);
      if (!row.readAt) unread.push(n);
    }
    await done(tx);
  }).catch(() => {
    unread.splice(0, unread.length, ...notices);
  });
  return unread;
}

/** Posts `message` to a window and waits for its answer (it syncs first), or null. */
function ask(client, message) {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => resolve(null), ANSWER_MS);
    channel.port1.onmessage = (event) => {
      clearTimeout(timer);
      resolve(isShown(event.data) ? event.data : null);
    };
    client.postMessage(message, [channel.port2]);
  });
}

function isShown(value) {
  return !!value && typeof value.title === 'string' && typeof value.body === 'string' && typeof value.url === 'string';
}

/** Rows of the app's meta table (Dexie database "resolute"), by key; empty when there is none. */
async function readMeta(keys) {
  const out = {};
  await withDatabase(async (db) => {
    if (!db.objectStoreNames.contains('meta')) return;
    const store = db.transaction('meta', 'readonly').objectStore('meta');
    for (const key of keys) {
      const row = await request(store.get(key));
      if (row) out[key] = row.value;
    }
  }).catch(() => undefined);
  return out;
}

async function deleteMeta(key) {
  await withDatabase(async (db) => {
    if (!db.objectStoreNames.contains('meta')) return;
    const tx = db.transaction('meta', 'readwrite');
    tx.objectStore('meta').delete(key);
    await done(tx);
  }).catch(() => undefined);
}

/** Opens the app's database as it is (never creating or upgrading it: that is the app's), runs `work`, closes. */
async function withDatabase(work) {
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open('resolute');
    open.onupgradeneeded = () => open.transaction.abort();
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  // The app upgrading its database must not wait for this worker.
  db.onversionchange = () => db.close();
  try {
    await work(db);
  } finally {
    db.close();
  }
}

function request(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

/**
 * Shows `path`: an open window of the app is focused and its router goes there (a reload could
 * lose a half-typed report); with none, a new window opens on it.
 */
async function openApp(path) {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const client = windows.find((c) => c.visibilityState === 'visible') || windows[0];
  if (client) {
    try {
      await client.focus();
    } catch {
      // Focusing needs the tap itself; the window still follows the link.
    }
    client.postMessage({ type: OPEN_MESSAGE, url: path });
    return;
  }
  await self.clients.openWindow(path);
}
