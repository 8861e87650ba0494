import { beforeEach, describe, expect, it, vi } from 'vitest';
import App from '../src/App.vue';
import { resetDatabaseForTests } from '../src/composables/useDatabase';
import { usePwaUpdate } from '../src/composables/usePwaUpdate';
import { saveSession } from '../src/graphql/session';
import { mountWithApp } from './support/mount';

describe('App', () => {
  beforeEach(async () => {
    localStorage.clear();
    await resetDatabaseForTests();
  });

  it('sends a device where nobody signed in to the sign-in page, in Vietnamese', async () => {
    const { wrapper, router } = await mountWithApp(App, { path: '/tasks/123', signedIn: false });
    await vi.waitFor(() => expect(wrapper.find('#username').exists()).toBe(true), { timeout: 10_000 });
    expect(router.currentRoute.value.name).toBe('sign-in');
    expect(router.currentRoute.value.query.redirect).toBe('/tasks/123');
    expect(wrapper.text()).toContain('Đăng nhập');
  });

  it('opens the field screens with no network once someone signed in here', async () => {
    saveSession({
      accessToken: 'a',
      accessTokenExpiresAt: new Date(Date.now() - 1000).toISOString(),
      refreshToken: 'r',
      refreshTokenExpiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      account: {
        id: 'acc',
        username: 'canbo.tdp1',
        displayName: 'Cán bộ',
        roles: ['REPORTER'],
        mustChangePassword: false,
        unit: { id: 'u', name: 'Chi bộ Tổ dân phố 1', kind: 'CELL' },
      },
    });
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
    const { wrapper, router } = await mountWithApp(App, { path: '/' });
    await vi.waitFor(() => expect(wrapper.text()).toContain('Nhiệm vụ của đơn vị'), { timeout: 10_000 });
    expect(router.currentRoute.value.name).toBe('tasks');
    expect(wrapper.text()).toContain('Chi bộ Tổ dân phố 1');
  });

  it('offers a new version with a reload that keeps the outbox', async () => {
    const { wrapper } = await mountWithApp(App, { path: '/sign-in', signedIn: false });
    usePwaUpdate().needRefresh.value = true;
    await vi.waitFor(() => expect(wrapper.text()).toContain('Có phiên bản mới — tải lại'), { timeout: 10_000 });
    expect(wrapper.text()).toContain('Báo cáo chưa gửi được giữ nguyên trên máy.');
  });
});
