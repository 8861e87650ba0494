import { beforeEach, describe, expect, it, vi } from 'vitest';
import App from '../src/App.vue';
import { resetDatabaseForTests } from '../src/composables/useDatabase';
import { setLocale } from '../src/i18n';
import { mountWithApp } from './support/mount';

describe('useRouteFocus', () => {
  beforeEach(async () => {
    localStorage.clear();
    await resetDatabaseForTests();
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
  });

  it('names the screen in the title and puts the focus on its main heading after a navigation', async () => {
    const { wrapper, router } = await mountWithApp(App, { path: '/', attachTo: document.body });
    await vi.waitFor(() => expect(document.title).toBe('Nhiệm vụ của đơn vị · Resolute'));

    await router.push('/settings');
    await vi.waitFor(() => expect(document.activeElement?.tagName).toBe('H1'), { timeout: 5000 });
    expect(document.activeElement?.textContent).toContain('Cài đặt');
    expect(document.title).toBe('Cài đặt · Resolute');

    setLocale('en');
    await vi.waitFor(() => expect(document.title).toBe('Settings · Resolute'));

    await router.push('/sync');
    await vi.waitFor(() => expect(document.activeElement?.tagName).toBe('H1'), { timeout: 5000 });
    expect(document.activeElement?.textContent).toBe('Sync');
    wrapper.unmount();
  }, 20_000);

  it('leaves the focus where the page put it and moves nothing on a change of query alone', async () => {
    const { wrapper, router } = await mountWithApp(App, { path: '/settings', attachTo: document.body });
    await vi.waitFor(() => expect(wrapper.find('h1').exists()).toBe(true));
    const button = wrapper.find('button').element as HTMLButtonElement;
    button.focus();
    await router.push('/settings?x=1');
    await new Promise((r) => setTimeout(r, 50));
    expect(document.activeElement).toBe(button);
    wrapper.unmount();
  });
});
