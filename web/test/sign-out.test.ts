import { beforeEach, describe, expect, it, vi } from 'vitest';
import AppSignOut from '../src/components/app/AppSignOut.vue';
import { resetDatabaseForTests, useDatabase } from '../src/composables/useDatabase';
import { getSession, saveSession } from '../src/graphql/session';
import { getMeta, setMeta } from '../src/offline/db';
import { useAuthStore } from '../src/stores/useAuthStore';
import { buildReportEntry, buildTask } from './support/factories';
import { mountWithApp, settle } from './support/mount';

function signedIn() {
  saveSession({
    accessToken: 'a',
    accessTokenExpiresAt: new Date(Date.now() + 600_000).toISOString(),
    refreshToken: 'r',
    refreshTokenExpiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    account: {
      id: 'acc-1',
      username: 'canbo.tdp1',
      displayName: 'Cán bộ TDP 1',
      roles: ['REPORTER'],
      mustChangePassword: false,
      unit: { id: 'u1', name: 'Chi bộ Tổ dân phố 1', kind: 'CELL' },
    },
  });
}

describe('sign-out', () => {
  beforeEach(async () => {
    await resetDatabaseForTests();
    localStorage.clear();
    // offline: sign-out must not depend on the server
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
    signedIn();
  });

  it('with unsent entries, warns, lists them and changes nothing', async () => {
    const db = useDatabase();
    const task = buildTask();
    await db.tasks.put(task);
    await db.outbox.add(buildReportEntry(task.id));
    await db.outbox.add(buildReportEntry(task.id));
    const { wrapper } = await mountWithApp(AppSignOut, { path: '/settings' });
    await wrapper.get('button').trigger('click');
    await settle();
    expect(wrapper.get('[role=alertdialog]').text()).toContain('Còn dữ liệu chưa gửi!');
    expect(wrapper.text()).toContain('2 mục chưa gửi');
    expect(await db.outbox.count()).toBe(2);
    expect(await db.tasks.count()).toBe(1);
    expect(getSession()).not.toBeNull();
  });

  it('"stay signed in" keeps everything', async () => {
    const db = useDatabase();
    await db.outbox.add(buildReportEntry('t1'));
    const { wrapper } = await mountWithApp(AppSignOut, { path: '/settings' });
    await wrapper.get('button').trigger('click');
    await settle();
    const stay = wrapper.findAll('button').find((b) => b.text() === 'Không đăng xuất')!;
    await stay.trigger('click');
    await settle();
    expect(wrapper.find('[role=alertdialog]').exists()).toBe(false);
    expect(await db.outbox.count()).toBe(1);
    expect(getSession()).not.toBeNull();
  });

  it('discarding is an explicit choice that clears the phone and the session', async () => {
    const db = useDatabase();
    const task = buildTask();
    await db.tasks.put(task);
    await db.outbox.add(buildReportEntry(task.id));
    const { wrapper, router } = await mountWithApp(AppSignOut, { path: '/settings' });
    await wrapper.get('button').trigger('click');
    await settle();
    const discard = wrapper.findAll('button').find((b) => b.text() === 'Xóa dữ liệu chưa gửi và đăng xuất')!;
    await discard.trigger('click');
    await settle();
    expect(await db.outbox.count()).toBe(0);
    expect(await db.tasks.count()).toBe(0);
    expect(getSession()).toBeNull();
    expect(useAuthStore().signedIn).toBe(false);
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('sign-in'), { timeout: 10_000 });
  });

  it("with nothing unsent, signs out at once and clears local data, the service worker's notice key with it", async () => {
    const db = useDatabase();
    await db.tasks.put(buildTask());
    await setMeta(db, 'pushKey', { readKey: 'k'.repeat(43), subscriptionId: 'sub-1' });
    const { wrapper } = await mountWithApp(AppSignOut, { path: '/settings' });
    await wrapper.get('button').trigger('click');
    await settle();
    expect(await db.tasks.count()).toBe(0);
    expect(await getMeta(db, 'pushKey')).toBeUndefined();
    expect(getSession()).toBeNull();
  });
});

describe('a sign-in ended by the server', () => {
  beforeEach(async () => {
    await resetDatabaseForTests();
    localStorage.clear();
    signedIn();
  });

  it('forgets the tokens but keeps the unsent entries for the same person', async () => {
    const db = useDatabase();
    await db.outbox.add(buildReportEntry('t1'));
    await mountWithApp(AppSignOut, { path: '/settings' });
    const auth = useAuthStore();
    await setMeta(db, 'pushKey', { readKey: 'k'.repeat(43), subscriptionId: 'sub-1' });
    auth.endedByServer();
    expect(getSession()).toBeNull();
    await vi.waitFor(async () => expect(await getMeta(db, 'pushKey')).toBeUndefined());
    expect(auth.signedIn).toBe(false);
    expect(auth.endReason).toBe('ended-by-server');
    expect(await db.outbox.count()).toBe(1);
  });
});
