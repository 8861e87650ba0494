import { liveQuery } from 'dexie';
import { onScopeDispose, shallowRef, type ShallowRef } from 'vue';

/**
 * A Dexie live query as a shallow ref: re-runs whenever a table it read changes, in this tab or
 * another. Shallow, because lists of several hundred rows must not be made deeply reactive.
 */
export function useLiveQuery<T>(query: () => T | Promise<T>, initial: T): ShallowRef<T> {
  const result = shallowRef<T>(initial);
  const subscription = liveQuery(query).subscribe({
    next: (value) => (result.value = value),
    error: (error) => console.error('live query failed', error),
  });
  onScopeDispose(() => subscription.unsubscribe());
  return result;
}
