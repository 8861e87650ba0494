import { nextTick, watch } from 'vue';
import { useI18n } from 'vue-i18n';
import type { Router } from 'vue-router';

/** How long a page may take to show its main heading (a lazy page loading its data) before we give up. */
const HEADING_WAIT_MS = 8000;

/**
 * Keeps `document.title` on the current screen's name (in the current language) and, after every
 * navigation but the first load, moves the focus to the new page's main heading — as a full page
 * load would put a screen reader at the top. A page that placed the focus itself (a form's first
 * field) keeps it; a change of query alone (a filter) moves nothing. The queues too open on their
 * heading, their list one key (j) away.
 */
export function useRouteFocus(router: Router): void {
  const { t, locale } = useI18n();

  const titleOf = () => {
    const app = t('app.name');
    const key = router.currentRoute.value.meta.title;
    const page = key ? t(key) : '';
    return page && page !== app ? `${page} · ${app}` : app;
  };
  watch([() => router.currentRoute.value.fullPath, locale], () => (document.title = titleOf()), { immediate: true });

  let navigation = 0;
  let focusedBefore: Element | null = null;
  router.beforeEach(() => {
    focusedBefore = document.activeElement;
  });
  router.afterEach((to, from, failure) => {
    if (failure || from.matched.length === 0 || to.path === from.path) return;
    void focusHeading(++navigation, focusedBefore);
  });

  async function focusHeading(id: number, before: Element | null): Promise<void> {
    // The old page is still in the document until the router view renders the new one.
    await nextTick();
    const heading = await waitFor(
      () => document.querySelector<HTMLElement>('main h1') ?? document.querySelector('h1'),
      () => id !== navigation,
    );
    if (!heading || id !== navigation) return;
    const active = document.activeElement;
    const main = document.querySelector('main');
    // The page chose where the keyboard goes (its first field): leave it there.
    if (active && active !== before && active !== document.body && active !== main && main?.contains(active)) return;
    if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
  }
}

/** The element once `find` returns one (checked as the document changes), or null when `stale` or after the wait. */
function waitFor<T extends Element>(find: () => T | null, stale: () => boolean): Promise<T | null> {
  const found = find();
  if (found) return Promise.resolve(found);
  return new Promise((resolve) => {
    const done = (value: T | null) => {
      observer.disconnect();
      clearTimeout(timer);
      resolve(value);
    };
    const observer = new MutationObserver(() => {
      if (stale()) return done(null);
      const el = find();
      if (el) done(el);
    });
    observer.observe(document.body, { childList: true, subtree: true });
    const timer = setTimeout(() => done(null), HEADING_WAIT_MS);
  });
}
