import { ref } from 'vue';

const needRefresh = ref(false);
const offlineReady = ref(false);
let updateServiceWorker: ((reload?: boolean) => Promise<void>) | null = null;

/**
 * Registers the service worker once (production builds only) and reports a waiting update. The
 * new version takes over only when the person presses "reload": the outbox, drafts and photos
 * live in IndexedDB and survive it; the caller first lets a running sync finish.
 */
export async function registerServiceWorker(): Promise<void> {
  if (!import.meta.env.PROD || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  const { registerSW } = await import('virtual:pwa-register');
  updateServiceWorker = registerSW({
    immediate: true,
    onNeedRefresh: () => (needRefresh.value = true),
    onOfflineReady: () => (offlineReady.value = true),
    onRegisteredSW(_url, registration) {
      // A field phone may stay open for days: look for a new version every hour while online.
      if (registration) setInterval(() => navigator.onLine && registration.update().catch(() => undefined), 60 * 60 * 1000);
    },
  });
}

export function usePwaUpdate() {
  async function applyUpdate(): Promise<void> {
    needRefresh.value = false;
    if (updateServiceWorker) await updateServiceWorker(true);
    else location.reload();
  }
  return { needRefresh, offlineReady, applyUpdate, dismiss: () => (needRefresh.value = false) };
}
