import { computed, ref, shallowRef } from 'vue';
import { toApiError, type ApiError } from '../graphql/errors';

/** One page of a connection, as the server answers it. */
export interface PageOf<T> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: T[];
}

/**
 * A list shown a page at a time: `reset` puts the first page (loaded with the rest of the screen),
 * `more` fetches the page after the last one shown and appends it. A node already shown is never
 * shown twice, and a page answered after a `reset` (the screen moved on) is dropped.
 */
export function usePagedList<T extends { id: string }>(fetchPage: (after: string) => Promise<PageOf<T>>) {
  const items = shallowRef<T[]>([]);
  const total = ref(0);
  const after = ref<string | null>(null);
  const loading = ref(false);
  const error = shallowRef<ApiError | null>(null);
  let generation = 0;

  function reset(page: PageOf<T>): void {
    generation++;
    items.value = page.nodes;
    total.value = page.totalCount;
    after.value = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    loading.value = false;
    error.value = null;
  }

  async function more(): Promise<void> {
    if (!after.value || loading.value) return;
    const mine = generation;
    loading.value = true;
    error.value = null;
    try {
      const page = await fetchPage(after.value);
      if (mine !== generation) return;
      const known = new Set(items.value.map((i) => i.id));
      items.value = [...items.value, ...page.nodes.filter((n) => !known.has(n.id))];
      total.value = page.totalCount;
      after.value = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } catch (e) {
      if (mine === generation) error.value = toApiError(e);
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  const remaining = computed(() => (after.value ? Math.max(1, total.value - items.value.length) : 0));
  return { items, total, remaining, loading, error, reset, more };
}

export type PagedList<T extends { id: string }> = ReturnType<typeof usePagedList<T>>;
