import { ref, watch } from 'vue';
import type { Router } from 'vue-router';
import { i18n } from '../i18n';
import { setMeta } from '../offline/db';
import { noticeFor, PUSH_KEY, storePushWords, type PushKind, type PushWords } from '../offline/push-notice';
import { useSyncStore } from '../stores/useSyncStore';
import { useDatabase } from './useDatabase';

/** How pushes stand on this device, as the settings screen shows it. */
export type PushState = 'unsupported' | 'denied' | 'off' | 'on' | 'serverOff';

const PUSH_MESSAGE = 'resolute:push';
const SYNC_MESSAGE = 'resolute:sync';
const OPEN_MESSAGE = 'resolute:open';

export function pushSupported(): boolean {
  return (
    typeof navigator !== 'undefined' &&
    'serviceWorker' in navigator &&
    typeof window !== 'undefined' &&
    'PushManager' in window &&
    'Notification' in window
  );
}

/** The words of locales/ for each kind of push, in the language the app is showing. */
export function pushWords(): PushWords {
  const t = i18n.global.t as (key: string, values?: Record<string, unknown>) => string;
  return {
    lang: i18n.global.locale.value,
    title: (kind: PushKind) => t(`push.kinds.${kind}.title`),
    body: (kind: PushKind, task: string) => t(`push.kinds.${kind}.body`, { task }),
    generic: (kind: PushKind) => t(`push.kinds.${kind}.generic`),
  };
}

async function currentRegistration(): Promise<ServiceWorkerRegistration | null> {
  if (!pushSupported()) return null;
  return (await navigator.serviceWorker.getRegistration()) ?? null;
}

/** The browser's key argument: the base64url VAPID key as bytes. */
function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(base64url.length / 4) * 4, '=');
  const raw = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/**
 * Answers the service worker's pushes (web/public/push-sw.js): syncs when it says a push came;
 * when it could not fetch the notice itself, syncs and tells it what to show from the synced
 * data; and follows a tapped notification to its screen. Installed once.
 */
export function listenForPushes(router: Router): void {
  if (!pushSupported()) return;
  // The words for a push with no window open follow the language the app was last shown in.
  const keepWords = async () => {
    const subscription = await (await currentRegistration())?.pushManager.getSubscription();
    if (subscription && Notification.permission === 'granted') await storePushWords(useDatabase(), pushWords());
  };
  void keepWords().catch(() => undefined);
  watch(i18n.global.locale, () => void keepWords().catch(() => undefined));
  navigator.serviceWorker.addEventListener('message', (event: MessageEvent) => {
    const data = event.data as { type?: string; kind?: string; url?: string } | null;
    if (data?.type === SYNC_MESSAGE) {
      void useSyncStore()
        .syncNow()
        .catch(() => undefined);
    } else if (data?.type === PUSH_MESSAGE) {
      const port = event.ports[0];
      void (async () => {
        await useSyncStore()
          .syncNow()
          .catch(() => undefined);
        port?.postMessage(await noticeFor(useDatabase(), data.kind ?? 'UNKNOWN', pushWords()));
      })();
    } else if (data?.type === OPEN_MESSAGE && typeof data.url === 'string') {
      const url = new URL(data.url, location.origin);
      if (url.origin === location.origin) void router.push(url.pathname + url.search);
    }
  });
}

/**
 * Stops this browser's subscription (sign-out): the push service refuses further pushes to it,
 * and the service worker's notice key goes (the server stops honouring it with the sign-in).
 */
export async function dropPushSubscription(): Promise<void> {
  await useDatabase()
    .meta.delete(PUSH_KEY)
    .catch(() => undefined);
  const subscription = await (await currentRegistration())?.pushManager.getSubscription();
  await subscription?.unsubscribe();
}

/**
 * Pushes on this device: asks the browser's permission only when the person turns them on (the
 * settings screen, after a first sync), subscribes with the server's key and registers the device.
 */
export function usePush() {
  const state = ref<PushState>(pushSupported() ? 'off' : 'unsupported');
  const busy = ref(false);
  const error = ref<string | null>(null);

  async function refresh(): Promise<void> {
    if (!pushSupported()) return void (state.value = 'unsupported');
    if (Notification.permission === 'denied') return void (state.value = 'denied');
    const subscription = await (await currentRegistration())?.pushManager.getSubscription();
    state.value = Notification.permission === 'granted' && subscription ? 'on' : 'off';
  }

  async function run(work: () => Promise<void>): Promise<void> {
    busy.value = true;
    error.value = null;
    try {
      await work();
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e);
    } finally {
      busy.value = false;
    }
  }

  const turnOn = () =>
    run(async () => {
      if (!pushSupported()) return void (state.value = 'unsupported');
      const permission = await Notification.requestPermission();
      if (permission !== 'granted') return void (state.value = permission === 'denied' ? 'denied' : 'off');
      const [{ apolloClient }, { PUSH_PUBLIC_KEY, REGISTER_PUSH }] = await Promise.all([
        import('../graphql/client'),
        import('../graphql/push'),
      ]);
      const { data } = await apolloClient.query({ query: PUSH_PUBLIC_KEY, fetchPolicy: 'no-cache' });
      if (!data?.pushPublicKey) return void (state.value = 'serverOff');
      const registration = await navigator.serviceWorker.ready;
      const applicationServerKey = keyBytes(data.pushPublicKey);
      let subscription = await registration.pushManager.getSubscription();
      if (subscription && !sameKey(subscription.options.applicationServerKey, applicationServerKey)) {
        // Made with another server key (the keys were replaced): it can never be delivered to.
        await subscription.unsubscribe();
        subscription = null;
      }
      subscription ??= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey });
      const json = subscription.toJSON();
      const registered = await apolloClient.mutate({
        mutation: REGISTER_PUSH,
        variables: { input: { endpoint: subscription.endpoint, p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' } },
        fetchPolicy: 'no-cache',
      });
      const device = registered.data?.registerPushSubscription;
      // For the service worker, which has no sign-in: it reads the notices with this key alone.
      if (device) await setMeta(useDatabase(), PUSH_KEY, { readKey: device.readKey, subscriptionId: device.id });
      await storePushWords(useDatabase(), pushWords());
      state.value = 'on';
    });

  const turnOff = () =>
    run(async () => {
      const subscription = await (await currentRegistration())?.pushManager.getSubscription();
      if (subscription) {
        const [{ apolloClient }, { UNREGISTER_PUSH }] = await Promise.all([
          import('../graphql/client'),
          import('../graphql/push'),
        ]);
        await apolloClient.mutate({
          mutation: UNREGISTER_PUSH,
          variables: { endpoint: subscription.endpoint },
          fetchPolicy: 'no-cache',
        });
        await subscription.unsubscribe();
      }
      await useDatabase().meta.delete(PUSH_KEY);
      state.value = 'off';
    });

  return { state, busy, error, refresh, turnOn, turnOff };
}

function sameKey(a: ArrayBuffer | null, b: Uint8Array): boolean {
  if (!a) return false;
  const x = new Uint8Array(a);
  return x.length === b.length && x.every((v, i) => v === b[i]);
}
