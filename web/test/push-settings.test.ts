import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import AppPushCard from '../src/components/app/AppPushCard.vue';
import { resetDatabaseForTests, useDatabase } from '../src/composables/useDatabase';
import { getMeta, setMeta } from '../src/offline/db';
import { stubServer } from './support/graphql-stub';
import { disposeStores, mountWithApp, settle } from './support/mount';

const KEY = 'BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U';

/** A browser that can receive pushes: a permission prompt answering `answer`, and a push manager. */
function pushCapableBrowser(answer: NotificationPermission) {
  const permission = { value: 'default' as NotificationPermission };
  const requestPermission = vi.fn(async () => (permission.value = answer));
  vi.stubGlobal('Notification', {
    get permission() {
      return permission.value;
    },
    requestPermission,
  });
  vi.stubGlobal('PushManager', class {});
  let subscription: {
    endpoint: string;
    options: { applicationServerKey: ArrayBuffer };
    toJSON(): unknown;
    unsubscribe(): Promise<boolean>;
  } | null = null;
  const subscribe = vi.fn(async ({ applicationServerKey }: { applicationServerKey: Uint8Array }) => {
    subscription = {
      endpoint: 'https://fcm.googleapis.com/fcm/send/device-1',
      options: { applicationServerKey: applicationServerKey.buffer as ArrayBuffer },
      toJSON: () => ({ endpoint: 'https://fcm.googleapis.com/fcm/send/device-1', keys: { p256dh: 'BP256', auth: 'AUTH' } }),
      unsubscribe: vi.fn(async () => ((subscription = null), true)),
    };
    return subscription;
  });
  const registration = { pushManager: { getSubscription: async () => subscription, subscribe } };
  Object.defineProperty(navigator, 'serviceWorker', {
    configurable: true,
    value: { ready: Promise.resolve(registration), getRegistration: async () => registration, addEventListener() {} },
  });
  return { requestPermission, subscribe };
}

describe('the push settings card', () => {
  beforeEach(async () => {
    await resetDatabaseForTests();
    localStorage.clear();
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => true });
  });
  afterEach(async () => {
    await disposeStores();
    vi.unstubAllGlobals();
    Reflect.deleteProperty(navigator, 'serviceWorker');
  });

  it('says so when the browser cannot receive pushes', async () => {
    const { wrapper } = await mountWithApp(AppPushCard, { path: '/settings' });
    await settle();
    expect(wrapper.text()).toContain('Trình duyệt này không nhận được thông báo');
    expect(wrapper.find('button').exists()).toBe(false);
  });

  it('offers nothing before the first sync, and never asks the browser on its own', async () => {
    const browser = pushCapableBrowser('granted');
    const { wrapper } = await mountWithApp(AppPushCard, { path: '/settings' });
    await settle();
    expect(wrapper.text()).toContain('Dùng được sau lần đồng bộ đầu tiên');
    expect(wrapper.find('button').exists()).toBe(false);
    expect(browser.requestPermission).not.toHaveBeenCalled();
  });

  it('after the first sync, asks permission on the tap, subscribes with the server key and registers the device', async () => {
    const browser = pushCapableBrowser('granted');
    await setMeta(useDatabase(), 'lastSyncAt', new Date().toISOString());
    const server = stubServer({
      PushPublicKey: { data: { pushPublicKey: KEY } },
      RegisterPushSubscription: { data: { registerPushSubscription: { id: 'sub-1', readKey: 'k'.repeat(43) } } },
      UnregisterPushSubscription: { data: { unregisterPushSubscription: true } },
    });
    const { wrapper } = await mountWithApp(AppPushCard, { path: '/settings' });
    await settle();
    expect(wrapper.text()).toContain('Chưa bật thông báo trên thiết bị này.');
    await wrapper.get('button').trigger('click');
    await settle(10);
    expect(browser.requestPermission).toHaveBeenCalledOnce();
    expect(browser.subscribe).toHaveBeenCalledWith(expect.objectContaining({ userVisibleOnly: true }));
    expect(server.of('RegisterPushSubscription')[0]!.variables).toEqual({
      input: { endpoint: 'https://fcm.googleapis.com/fcm/send/device-1', p256dh: 'BP256', auth: 'AUTH' },
    });
    expect(wrapper.text()).toContain('Đã bật thông báo trên thiết bị này.');
    // What the service worker needs when no window is open: the key it reads the notices with,
    // and the words around them in the app's language.
    expect(await getMeta(useDatabase(), 'pushKey')).toEqual({ readKey: 'k'.repeat(43), subscriptionId: 'sub-1' });
    expect(await getMeta(useDatabase(), 'pushWords')).toMatchObject({
      lang: 'vi',
      kinds: {
        REPORT_RETURNED: {
          title: 'Báo cáo bị trả lại',
          body: 'Báo cáo cho nhiệm vụ «{task}» bị trả lại. Mở để xem ý kiến người duyệt.',
          generic: 'Có báo cáo bị trả lại. Mở Resolute để xem.',
        },
      },
    });

    await wrapper.get('button').trigger('click');
    await settle(10);
    expect(server.of('UnregisterPushSubscription')[0]!.variables).toEqual({
      endpoint: 'https://fcm.googleapis.com/fcm/send/device-1',
    });
    expect(wrapper.text()).toContain('Chưa bật thông báo trên thiết bị này.');
    // Turned off, the service worker has no key to read notices with.
    expect(await getMeta(useDatabase(), 'pushKey')).toBeUndefined();
  });

  it('registers nothing when the person refuses the permission', async () => {
    pushCapableBrowser('denied');
    await setMeta(useDatabase(), 'lastSyncAt', new Date().toISOString());
    const server = stubServer({});
    const { wrapper } = await mountWithApp(AppPushCard, { path: '/settings' });
    await settle();
    await wrapper.get('button').trigger('click');
    await settle(10);
    expect(server.calls).toEqual([]);
    expect(wrapper.text()).toContain('Thông báo của ứng dụng đang bị chặn');
  });
});
