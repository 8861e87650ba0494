import { computed, ref, shallowRef } from 'vue';
import { APPROVE_REPORT, RETURN_REPORT, REVIEW_QUEUE, REVIEW_REPORT, type ReviewItem } from '../graphql/review';
import { toApiError, type ApiError } from '../graphql/errors';

export type Decision = 'approve' | 'return';

/**
 * The reports waiting for the signed-in leader's review, one selected at a time. A decision
 * takes the report out of the queue and selects the one that took its place; a report someone
 * else decided meanwhile (CONFLICT) leaves the queue too.
 */
export function useReviewQueue() {
  const items = shallowRef<ReviewItem[]>([]);
  const resolutions = shallowRef<{ id: string; code: string; titleVi: string; titleEn: string }[]>([]);
  const total = ref(0);
  const after = ref<string | null>(null);
  const loading = ref(false);
  const busy = ref(false);
  const loadError = shallowRef<ApiError | null>(null);
  const selectedIndex = ref(0);
  /** The last approval's answer: still SUBMITTED when it moved up to the next level. */
  const lastApproval = shallowRef<{ state: string; approvedLevels: number; awaitingUnitKind?: string | null } | null>(null);
  const selected = computed<ReviewItem | null>(() => items.value[selectedIndex.value] ?? null);

  async function client() {
    return (await import('../graphql/client')).apolloClient;
  }

  /** The first page again (or the next one, appended, with `more`). */
  async function load(filter: { unitId: string | null; resolutionId: string | null }, more = false): Promise<void> {
    loading.value = true;
    loadError.value = null;
    try {
      const { data } = await (
        await client()
      ).query({ query: REVIEW_QUEUE, variables: { ...filter, after: more ? after.value : null } });
      // A report opened by link sits first already; its own page must not show it twice.
      const known = new Set(items.value.map((i) => i.id));
      items.value = more ? [...items.value, ...data.reviewQueue.nodes.filter((n) => !known.has(n.id))] : data.reviewQueue.nodes;
      resolutions.value = data.resolutions;
      total.value = data.reviewQueue.totalCount;
      after.value = data.reviewQueue.pageInfo.hasNextPage ? data.reviewQueue.pageInfo.endCursor : null;
      if (!more) selectedIndex.value = 0;
    } catch (error) {
      loadError.value = toApiError(error);
    } finally {
      loading.value = false;
    }
  }

  /**
   * Selects the report `id`, fetching it when it is not among the pages loaded (a link from a
   * task, a notification or a warning may name any report of the queue). Resolves with
   * 'reviewed' when it is no longer waiting, 'missing' when the server will not show it.
   */
  async function open(id: string): Promise<'shown' | 'reviewed' | 'missing'> {
    const index = items.value.findIndex((i) => i.id === id);
    if (index >= 0) {
      selectedIndex.value = index;
      return 'shown';
    }
    try {
      const { data } = await (await client()).query({ query: REVIEW_REPORT, variables: { id }, fetchPolicy: 'network-only' });
      if (data.report.state !== 'SUBMITTED') return 'reviewed';
      // Put first and selected; the pages below keep their order, so "more" never repeats it.
      items.value = [data.report, ...items.value.filter((i) => i.id !== id)];
      selectedIndex.value = 0;
      return 'shown';
    } catch {
      return 'missing';
    }
  }

  function select(index: number): void {
    if (!items.value.length) return;
    selectedIndex.value = Math.max(0, Math.min(items.value.length - 1, index));
  }

  function remove(id: string): void {
    const index = items.value.findIndex((i) => i.id === id);
    if (index < 0) return;
    items.value = items.value.filter((i) => i.id !== id);
    total.value = Math.max(0, total.value - 1);
    // The next report slides into the same place; past the end, the last one is selected.
    selectedIndex.value = Math.min(index, Math.max(0, items.value.length - 1));
  }

  /**
   * Approves or returns the report; resolves with null when done, or the error to show. A
   * return needs a comment: the caller checks it before, the server checks it again.
   */
  async function decide(item: ReviewItem, decision: Decision, comment: string | null): Promise<ApiError | null> {
    if (busy.value) return null;
    busy.value = true;
    try {
      const apollo = await client();
      lastApproval.value = null;
      if (decision === 'approve') {
        const { data } = await apollo.mutate({
          mutation: APPROVE_REPORT,
          variables: { id: item.id, comment: comment?.trim() || null },
        });
        lastApproval.value = data?.approveReport ?? null;
      } else await apollo.mutate({ mutation: RETURN_REPORT, variables: { id: item.id, comment: comment ?? '' } });
      remove(item.id);
      return null;
    } catch (error) {
      const api = toApiError(error);
      if (api.code === 'CONFLICT' || api.code === 'NOT_FOUND') remove(item.id);
      return api;
    } finally {
      busy.value = false;
    }
  }

  return {
    items,
    resolutions,
    total,
    after,
    loading,
    busy,
    loadError,
    selectedIndex,
    selected,
    lastApproval,
    load,
    open,
    select,
    decide,
  };
}
