import { computed, ref, shallowRef } from 'vue';
import { toApiError, type ApiError } from '../graphql/errors';

/** One page of a list: its items, how many there are in all and the cursor of the next page. */
export interface ListPage<T> {
  nodes: T[];
  totalCount: number;
  next: string | null;
}

/** A GraphQL connection (nodes, totalCount, pageInfo) as one page of a list. */
export function pageOf<T>(connection: {
  nodes: T[];
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}): ListPage<T> {
  const { nodes, totalCount, pageInfo } = connection;
  return { nodes, totalCount, next: pageInfo.hasNextPage ? (pageInfo.endCursor ?? null) : null };
}

/**
 * A server list read a page at a time: `load()` reads the first page again, `load(true)` (or
 * `more()`) appends the next one, `reset(page)` shows a first page read with the rest of the screen (an item already shown, as one put first by a link, is not shown twice). A failed
 * read keeps what was shown and says why in `error`; a newer `load()` wins over an older one
 * still running, so a quick change of filter never shows the previous filter's page.
 */
export function usePagedList<T extends { id: string }>(fetchPage: (after: string | null) => Promise<ListPage<T>>) {
  const items = shallowRef<T[]>([]);
  const total = ref(0);
  const after = ref<string | null>(null);
  const loading = ref(false);
  const error = shallowRef<ApiError | null>(null);
  let latest = 0;

  async function load(more = false): Promise<void> {
    const id = ++latest;
    loading.value = true;
    error.value = null;
    try {
      const page = await fetchPage(more ? after.value : null);
      if (id !== latest) return;
      const known = more ? new Set(items.value.map((i) => i.id)) : null;
      items.value = known ? [...items.value, ...page.nodes.filter((n) => !known.has(n.id))] : page.nodes;
      total.value = page.totalCount;
      after.value = page.next;
    } catch (e) {
      if (id === latest) error.value = toApiError(e);
    } finally {
      if (id === latest) loading.value = false;
    }
  }

  /** Shows a first page the screen read itself (with its other data); a load still running is dropped. */
  function reset(page: ListPage<T>): void {
    latest++;
    items.value = page.nodes;
    total.value = page.totalCount;
    after.value = page.next;
    loading.value = false;
    error.value = null;
  }

  /** The next page, when there is one and none is being read. */
  function more(): Promise<void> {
    return after.value && !loading.value ? load(true) : Promise.resolve();
  }

  /** How many are not shown yet (at least 1 while the server says there is a next page). */
  const remaining = computed(() => (after.value ? Math.max(1, total.value - items.value.length) : 0));

  /** Puts a new item first (one just created) and counts it. */
  function prepend(item: T): void {
    items.value = [item, ...items.value.filter((i) => i.id !== item.id)];
    total.value += 1;
  }

  /** Shows the server's new copy of an item in its place. */
  function replace(item: T): void {
    items.value = items.value.map((i) => (i.id === item.id ? item : i));
  }

  /** Takes an item out (decided, deleted); resolves with the place it had, or -1. */
  function remove(id: string): number {
    const index = items.value.findIndex((i) => i.id === id);
    if (index < 0) return -1;
    items.value = items.value.filter((i) => i.id !== id);
    total.value = Math.max(0, total.value - 1);
    return index;
  }

  return { items, total, after, remaining, loading, error, load, reset, more, prepend, replace, remove };
}

export type PagedList<T extends { id: string }> = ReturnType<typeof usePagedList<T>>;
