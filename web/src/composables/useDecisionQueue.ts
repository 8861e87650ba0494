import { computed, ref } from 'vue';
import { toApiError, type ApiError } from '../graphql/errors';
import { usePagedList, type ListPage } from './usePagedList';

/** One page of a queue (the same shape as any paged list's). */
export type QueuePage<T> = ListPage<T>;

/**
 * A queue of things waiting for the viewer's decision (reports to review, requests for more
 * time), read a page at a time, one selected at a time. A decision takes the item out and
 * selects the one that took its place; an item someone else decided meanwhile (CONFLICT) or that
 * left the view (NOT_FOUND) leaves too.
 */
export function useDecisionQueue<T extends { id: string }>(fetchPage: (after: string | null) => Promise<QueuePage<T>>) {
  const list = usePagedList<T>(fetchPage);
  const { items } = list;
  const busy = ref(false);
  const selectedIndex = ref(0);
  const selected = computed<T | null>(() => items.value[selectedIndex.value] ?? null);

  /** The first page again (the first item selected), or the next one appended with `more`. */
  async function load(more = false): Promise<void> {
    await list.load(more);
    if (!more) selectedIndex.value = 0;
  }

  function select(index: number): void {
    if (items.value.length) selectedIndex.value = Math.max(0, Math.min(items.value.length - 1, index));
  }

  /**
   * Selects the item `id`, fetching it with `fetchOne` when it is not among the pages loaded (a
   * link may name any item of the queue): it is put first. Resolves with 'decided' when it no
   * longer waits (fetchOne answered null), 'missing' when the server will not show it.
   */
  async function open(id: string, fetchOne: (id: string) => Promise<T | null>): Promise<'shown' | 'decided' | 'missing'> {
    const index = items.value.findIndex((i) => i.id === id);
    if (index >= 0) {
      selectedIndex.value = index;
      return 'shown';
    }
    try {
      const item = await fetchOne(id);
      if (!item) return 'decided';
      // Put first; the pages below keep their order, and "more" never repeats it (usePagedList).
      items.value = [item, ...items.value];
      selectedIndex.value = 0;
      return 'shown';
    } catch {
      return 'missing';
    }
  }

  function drop(id: string): void {
    const index = list.remove(id);
    // The next item slides into the same place; past the end, the last one is selected.
    if (index >= 0) selectedIndex.value = Math.min(index, Math.max(0, items.value.length - 1));
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

  return {
    items,
    total: list.total,
    after: list.after,
    loading: list.loading,
    loadError: list.error,
    busy,
    selectedIndex,
    selected,
    load,
    select,
    open,
    decide,
  };
}

export type DecisionQueue<T extends { id: string }> = ReturnType<typeof useDecisionQueue<T>>;
