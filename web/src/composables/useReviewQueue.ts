import { shallowRef } from 'vue';
import { APPROVE_REPORT, RETURN_REPORT, REVIEW_QUEUE, REVIEW_REPORT, type ReviewItem } from '../graphql/review';
import type { ApiError } from '../graphql/errors';
import { useDecisionQueue } from './useDecisionQueue';
import { pageOf } from './usePagedList';

export type Decision = 'approve' | 'return';

/**
 * The reports waiting for the signed-in leader's review, one selected at a time. A decision
 * takes the report out of the queue and selects the one that took its place; a report someone
 * else decided meanwhile (CONFLICT) leaves the queue too.
 */
export function useReviewQueue() {
  const resolutions = shallowRef<{ id: string; code: string; titleVi: string; titleEn: string }[]>([]);
  /** The last approval's answer: still SUBMITTED when it moved up to the next level. */
  const lastApproval = shallowRef<{ state: string; approvedLevels: number; awaitingUnitKind?: string | null } | null>(null);
  let filter: { unitId: string | null; resolutionId: string | null } = { unitId: null, resolutionId: null };

  async function client() {
    return (await import('../graphql/client')).apolloClient;
  }

  const queue = useDecisionQueue<ReviewItem>(async (after) => {
    const { data } = await (await client()).query({ query: REVIEW_QUEUE, variables: { ...filter, after } });
    resolutions.value = data.resolutions;
    return pageOf(data.reviewQueue);
  });

  /** The filter the next `load()` reads with. */
  function setFilter(next: typeof filter): void {
    filter = next;
  }

  /**
   * Selects the report `id`, fetching it when it is not among the pages loaded (a link from a
   * task, a notification or a warning may name any report of the queue). Resolves with
   * 'reviewed' when it is no longer waiting, 'missing' when the server will not show it.
   */
  async function open(id: string): Promise<'shown' | 'reviewed' | 'missing'> {
    const outcome = await queue.open(id, async (wanted) => {
      const { data } = await (
        await client()
      ).query({ query: REVIEW_REPORT, variables: { id: wanted }, fetchPolicy: 'network-only' });
      return data.report.state === 'SUBMITTED' ? data.report : null;
    });
    return outcome === 'decided' ? 'reviewed' : outcome;
  }

  /**
   * Approves or returns the report; resolves with null when done, or the error to show. A
   * return needs a comment: the caller checks it before, the server checks it again.
   */
  function decide(item: ReviewItem, decision: Decision, comment: string | null): Promise<ApiError | null> {
    return queue.decide(item, async () => {
      const apollo = await client();
      lastApproval.value = null;
      if (decision === 'approve') {
        const { data } = await apollo.mutate({
          mutation: APPROVE_REPORT,
          variables: { id: item.id, comment: comment?.trim() || null },
        });
        lastApproval.value = data?.approveReport ?? null;
      } else await apollo.mutate({ mutation: RETURN_REPORT, variables: { id: item.id, comment: comment ?? '' } });
    });
  }

  return { ...queue, resolutions, lastApproval, setFilter, open, decide };
}
