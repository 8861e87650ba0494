import { computed, ref, shallowRef } from 'vue';
import { toApiError, type ApiError } from '../graphql/errors';

/** One page of a queue: its items, the total waiting and the cursor of the next page. */
export interface QueuePage<T> {
  nodes: T[];
  totalCount: number;
  next: string | null;
}

/**
 * A queue of things waiting for the viewer's decision, one selected at a time (written for the
 * extension-request queue; the report review queue keeps its own). A decision takes the item
 * out and selects the one that took its place; an item someone else decided meanwhile
 * (CONFLICT) or that left the view (NOT_FOUND) leaves too.
 */
export function useDecisionQueue<T extends { id: string }>(fetchPage: (after: string | null) => Promise<QueuePage<T>>) {
  const items = shallowRef<T[]>([]);
  const total = ref(0);
  const after = ref<string | null>(null);
  const loading = ref(false);
  const busy = ref(false);
  const loadError = shallowRef<ApiError | null>(null);
  const selectedIndex = ref(0);
  const selected = computed<T | null>(() => items.value[selectedIndex.value] ?? null);

  /** The first page again, or the next one appended with `more`. */
  async function load(more = false): Promise<void> {
    loading.value = true;
    loadError.value = null;
    try {
      const page = await fetchPage(more ? after.value : null);
      items.value = more ? [...items.value, ...page.nodes] : page.nodes;
      total.value = page.totalCount;
      after.value = page.next;
      if (!more) selectedIndex.value = 0;
    } catch (error) {
      loadError.value = toApiError(error);
    } finally {
      loading.value = false;
    }
  }

  function select(index: number): void {
    if (items.value.length) selectedIndex.value = Math.max(0, Math.min(items.value.length - 1, index));
  }

  function drop(id: string): void {
    const index = items.value.findIndex((i) => i.id === id);
    if (index < 0) return;
    items.value = items.value.filter((i) => i.id !== id);
    total.value = Math.max(0, total.value - 1);
    selectedIndex.value = Math.min(index, Math.max(0, items.value.length - 1));
  }

  /** Runs `action` on the item; resolves with null when done, or the error to show. */
  async function decide(item: T, action: () => Promise<unknown>): Promise<ApiError | null> {
    if (busy.value) return null;
    busy.value = true;
    try {
      await action();
      drop(item.id);
      return null;
    } catch (error) {
      const api = toApiError(error);
      if (api.code === 'CONFLICT' || api.code === 'NOT_FOUND') drop(item.id);
      return api;
    } finally {
      busy.value = false;
    }
  }

  return { items, total, after, loading, busy, loadError, selectedIndex, selected, load, select, decide };
}
