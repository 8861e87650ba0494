import { mount, flushPromises, type ComponentMountingOptions } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { createMemoryHistory, createRouter } from 'vue-router';
import type { Component } from 'vue';
import { i18n, setLocale, type AppLocale } from '../../src/i18n';
import { getSession, saveSession } from '../../src/graphql/session';
import { routes, signInGuard } from '../../src/router';

/** A signed-in session on this device, as after an online sign-in. */
export function signInForTests(): void {
  saveSession({
    accessToken: 'test-access',
    accessTokenExpiresAt: new Date(Date.now() + 600_000).toISOString(),
    refreshToken: 'test-refresh',
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

const mounted: Pinia[] = [];

/** Tears down every store a test made and waits for a sync run in progress, before the next test
 * deletes the database under it. */
export async function disposeStores(): Promise<void> {
  for (const pinia of mounted.splice(0)) {
    const { useSyncStore } = await import('../../src/stores/useSyncStore');
    const sync = useSyncStore(pinia);
    pinia._s.forEach((store) => store.$dispose());
    await sync.whenIdle();
  }
}

/** Mounts a component with the app's plugins: a fresh Pinia, the real i18n, an in-memory router. */
export async function mountWithApp<C extends Component>(
  component: C,
  options: ComponentMountingOptions<C> & { locale?: AppLocale; path?: string; signedIn?: boolean } = {},
) {
  setLocale(options.locale ?? 'vi');
  if (options.signedIn !== false && !getSession()) signInForTests();
  const pinia = createPinia();
  mounted.push(pinia);
  setActivePinia(pinia);
  const router = createRouter({ history: createMemoryHistory(), routes });
  router.beforeEach(signInGuard);
  await router.push(options.path ?? '/sign-in');
  await router.isReady();
  const wrapper = mount(component, {
    ...options,
    global: { plugins: [pinia, i18n, router], ...(options.global ?? {}) },
  } as ComponentMountingOptions<C>);
  await flushPromises();
  return { wrapper, router, pinia };
}

/** Lets Dexie's live queries and Vue's updates settle. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await flushPromises();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
