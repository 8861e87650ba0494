import { computed, getCurrentInstance, nextTick, onBeforeUnmount, onMounted, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorMessageKey, type ApiError } from '../graphql/errors';
import { queueWording, type QueueName } from './queueWording';
import type { DecisionQueue } from './useDecisionQueue';

/**
 * The keyboard side of a decision queue screen, the same on every queue. The page opens with the
 * focus on its heading, as every screen does; `j` (or `k`) from anywhere on the page outside the
 * list moves the focus into the list, which keeps it from then on (the "nothing waiting" line
 * when the list empties): j/k or the arrows move, `a` runs the positive decision, `r` opens the
 * comment box for the negative one and Esc closes it; a refusal is said in the queue's own words. The list, its rows, the empty line and the comment box
 * have the ids `<prefix>-list`, `<prefix>-item-<id>`, `<prefix>-empty` and `<prefix>-comment`; the
 * line that tells the keys is `<prefix>-keys`.
 */
export function useDecisionPanel<T extends { id: string }>(
  queue: Pick<DecisionQueue<T>, 'items' | 'selected' | 'selectedIndex' | 'busy' | 'select'>,
  prefix: QueueName,
  /** What `a` does: the queue's positive decision on the selected item. */
  positive: () => void = () => undefined,
) {
  const wording = queueWording(prefix);
  const ids = {
    list: `${prefix}-list`,
    empty: `${prefix}-empty`,
    comment: `${prefix}-comment`,
    row: `${prefix}-item`,
    keys: `${prefix}-keys`,
  };
  const { t } = useI18n();
  const commenting = ref(false);
  const comment = ref('');
  const commentError = ref('');
  /** Why the last decision was refused. */
  const failure = ref('');
  /** What the last decision did, for the polite live region. */
  const announcement = ref('');

  const rowId = (item: T) => `${ids.row}-${item.id}`;
  const activeId = computed(() => (queue.selected.value ? rowId(queue.selected.value) : undefined));

  async function refocus(): Promise<void> {
    await nextTick();
    if (!queue.items.value.length) return document.getElementById(ids.empty)?.focus();
    document.getElementById(ids.list)?.focus();
    if (queue.selected.value) document.getElementById(rowId(queue.selected.value))?.scrollIntoView?.({ block: 'nearest' });
  }

  function closeComment(focusList = true): void {
    if (!commenting.value) return;
    commenting.value = false;
    comment.value = '';
    commentError.value = '';
    if (focusList) void refocus();
  }

  function pick(index: number): void {
    queue.select(index);
    closeComment(false);
    void refocus();
  }

  async function openComment(): Promise<void> {
    if (!queue.selected.value) return;
    commenting.value = true;
    commentError.value = '';
    failure.value = '';
    await nextTick();
    document.getElementById(ids.comment)?.focus();
  }

  /** False, with the box focused and the reason said, when the comment is still empty. */
  function commentGiven(): boolean {
    if (comment.value.trim()) return true;
    commentError.value = t(wording.commentRequired);
    document.getElementById(ids.comment)?.focus();
    return false;
  }

  function explain(error: ApiError): string {
    if (error.code === 'CONFLICT') return t(wording.already);
    if (error.code === 'NOT_FOUND') return t(wording.gone);
    if (error.code === 'FORBIDDEN') return t(wording.forbidden);
    if (error.code === 'BAD_USER_INPUT' && error.field === 'comment') return t(wording.commentRequired);
    return t(errorMessageKey(error));
  }

  /**
   * Runs a decision on the selected item: `run` resolves with null or the refusal; `said` is the
   * announcement when done. A refused comment keeps the box open and focused; otherwise the list
   * takes the focus back.
   */
  async function decideSelected(run: (item: T) => Promise<ApiError | null>, said: (item: T) => string): Promise<void> {
    const item = queue.selected.value;
    if (!item || queue.busy.value) return;
    failure.value = '';
    const error = await run(item);
    if (error) {
      failure.value = explain(error);
      if (commenting.value && error.code === 'BAD_USER_INPUT') document.getElementById(ids.comment)?.focus();
      else void refocus();
      return;
    }
    announcement.value = said(item);
    commenting.value = false;
    comment.value = '';
    commentError.value = '';
    await refocus();
  }

  /** Whether a key pressed on `target` is pressed in the list (or on its "nothing waiting" line). */
  function inList(target: EventTarget | null): boolean {
    const list = document.getElementById(ids.list);
    const empty = document.getElementById(ids.empty);
    return !!target && ((!!list && list.contains(target as Node)) || target === empty);
  }

  /**
   * Outside the list (the heading, a button, the page itself) j or k goes into the list, the
   * selection unchanged, and the arrows keep their own work (scrolling). True when handled so.
   */
  function outsideList(event: KeyboardEvent): boolean {
    if (inList(event.target)) return false;
    if (event.key === 'j' || event.key === 'k') {
      event.preventDefault();
      void refocus();
      return true;
    }
    return event.key === 'ArrowDown' || event.key === 'ArrowUp';
  }

  // After a reload nothing has the focus: the page itself hears the queue's keys (j goes into the list).
  const fromBody = (event: KeyboardEvent) => {
    if (event.target === document.body) onKey(event);
  };
  if (getCurrentInstance()) {
    onMounted(() => document.addEventListener('keydown', fromBody));
    onBeforeUnmount(() => document.removeEventListener('keydown', fromBody));
  }

  /** The queue's keys; typing in a field is left alone. */
  function onKey(event: KeyboardEvent): void {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (event.key === 'Escape') {
      if (commenting.value) {
        event.preventDefault();
        closeComment();
      }
      return;
    }
    const target = event.target as HTMLElement | null;
    if (target && ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)) return;
    if (outsideList(event)) return;
    const run: Record<string, () => void> = {
      j: () => pick(queue.selectedIndex.value + 1),
      ArrowDown: () => pick(queue.selectedIndex.value + 1),
      k: () => pick(queue.selectedIndex.value - 1),
      ArrowUp: () => pick(queue.selectedIndex.value - 1),
      a: positive,
      // Keeps the "r" out of the comment box that takes the focus.
      r: () => void openComment(),
    };
    const action = run[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  }

  return {
    ids,
    wording,
    commenting,
    comment,
    commentError,
    failure,
    announcement,
    rowId,
    activeId,
    refocus,
    pick,
    openComment,
    closeComment,
    commentGiven,
    explain,
    decideSelected,
    onKey,
  };
}
