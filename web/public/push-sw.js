// Web Push in the service worker, imported by the Workbox worker vite-plugin-pwa generates
// (workbox.importScripts in vite.config.ts), so precaching and the navigation fallback stay as
// they are. A push names only the kind of notice waiting (docs/SECURITY.md, "Web Push"): the
// worker asks an open window of the app to sync and to say what to show, in the person's
// language, from the synced data. With no window open it cannot sync (the sign-in lives with the
// page), so it shows the kind's words the app left in IndexedDB, and the app syncs when tapped.

const PUSH_MESSAGE = 'resolute:push';
const OPEN_MESSAGE = 'resolute:open';
const ANSWER_MS = 20000;

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
  event.waitUntil(openApp(url.href));
});

async function showFor(kind) {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  let shown = null;
  for (const client of windows) {
    shown = await ask(client, { type: PUSH_MESSAGE, kind });
    if (shown) break;
  }
  if (!shown) shown = await storedWords(kind);
  if (!shown) shown = { title: 'Resolute', body: '', url: '/', tag: kind, lang: 'vi' };
  await self.registration.showNotification(shown.title, {
    body: shown.body,
    tag: shown.tag,
    lang: shown.lang,
    icon: '/icons/icon-192.png',
    badge: '/icons/favicon-48.png',
    data: { url: shown.url, kind },
  });
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

/** The words for `kind` the app stored in its database's meta table (key "pushWords"). */
async function storedWords(kind) {
  try {
    const db = await new Promise((resolve, reject) => {
      const request = indexedDB.open('resolute');
      // No database yet: creating an empty one here would get in the app's way.
      request.onupgradeneeded = () => request.transaction.abort();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    try {
      if (!db.objectStoreNames.contains('meta')) return null;
      const row = await new Promise((resolve, reject) => {
        const get = db.transaction('meta', 'readonly').objectStore('meta').get('pushWords');
        get.onsuccess = () => resolve(get.result);
        get.onerror = () => reject(get.error);
      });
      const words = row && row.value && row.value[kind];
      return isShown(words) ? words : null;
    } finally {
      db.close();
    }
  } catch {
    return null;
  }
}

/** Focuses an open window and lets its router go to `href` (a reload could lose a half-typed report), or opens one. */
async function openApp(href) {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const client = windows.find((c) => 'focus' in c);
  if (client) {
    await client.focus();
    client.postMessage({ type: OPEN_MESSAGE, url: href });
    return;
  }
  await self.clients.openWindow(href);
}
