/** locales/ keys of what a decision queue says, per queue. */
export interface DecisionWording {
  /** Someone else decided it first (CONFLICT). */
  already: string;
  /** It left the viewer's view (NOT_FOUND). */
  gone: string;
  forbidden: string;
  /** The comment is missing or refused (checked here and by the server). */
  commentRequired: string;
  commentLabel: string;
  commentHint: string;
  /** The button that sends the negative decision with its comment. */
  confirm: string;
  /** The buttons of the two decisions (keys a and r). */
  positive: string;
  negative: string;
}

export type QueueName = 'review' | 'extension';

// The two queues' words side by side: [review queue, extension queue].
const WORDS: Record<keyof DecisionWording, [string, string]> = {
  already: ['reviewQueue.errors.alreadyReviewed', 'extension.queue.errors.already'],
  gone: ['reviewQueue.errors.gone', 'extension.queue.errors.gone'],
  forbidden: ['reviewQueue.errors.forbidden', 'extension.queue.errors.forbidden'],
  commentRequired: ['reviewQueue.commentRequired', 'extension.queue.commentRequired'],
  commentLabel: ['reviewQueue.commentLabel', 'extension.queue.commentLabel'],
  commentHint: ['reviewQueue.commentHint', 'extension.queue.commentHint'],
  confirm: ['reviewQueue.confirmReturn', 'extension.queue.confirmRefuse'],
  positive: ['reviewQueue.approve', 'extension.queue.approve'],
  negative: ['reviewQueue.return', 'extension.queue.refuse'],
};

/** The locales/ keys of one queue's words. */
export function queueWording(queue: QueueName): DecisionWording {
  const column = queue === 'review' ? 0 : 1;
  return Object.fromEntries(Object.entries(WORDS).map(([key, pair]) => [key, pair[column]])) as unknown as DecisionWording;
}
