import { shallowRef, watch } from 'vue';
import { discardDraft, findDrafts } from '../offline/drafts';
import type { DraftRow } from '../offline/types';
import { useDatabase } from './useDatabase';

/** A draft key's form and the id of what it is about: `plan-sub:t1` → `{ form: 'plan-sub', id: 't1' }`. */
export function draftForm(key: string): { form: string; id: string } {
  const at = key.indexOf(':');
  return { form: key.slice(0, at), id: key.slice(at + 1) };
}

/**
 * The drafts a page's closed forms left behind (a reload, a closed tab, another day), for the page
 * to offer back: `keys` names them (a key ending in `:` stands for every key it begins), `open`
 * is the key of the form open now, whose draft is its own business and is never offered. Read
 * with `refresh()`; `forget` stops offering one (its form was opened), `discard` deletes it.
 */
export function usePageDrafts(keys: () => string[], open: () => string | null) {
  const db = useDatabase();
  const found = shallowRef<DraftRow[]>([]);

  async function refresh(): Promise<void> {
    try {
      const rows = await findDrafts(db, keys());
      const now = open();
      found.value = rows.filter((r) => r.key !== now);
    } catch {
      // No IndexedDB (a private window): there is nothing to offer.
      found.value = [];
    }
  }

  function forget(key: string): void {
    found.value = found.value.filter((r) => r.key !== key);
  }

  async function discard(key: string): Promise<void> {
    forget(key);
    await discardDraft(db, key).catch(() => undefined);
  }

  watch(open, (key) => key && forget(key));

  return { found, refresh, forget, discard };
}
