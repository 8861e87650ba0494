import { onScopeDispose, ref, type Ref } from 'vue';

const online = ref(typeof navigator === 'undefined' ? true : navigator.onLine);
let listening = false;

/** Whether the browser believes it has a network; shared by every caller. */
export function useOnline(): Ref<boolean> {
  if (!listening && typeof window !== 'undefined') {
    listening = true;
    window.addEventListener('online', () => (online.value = true));
    window.addEventListener('offline', () => (online.value = false));
  }
  onScopeDispose(() => undefined);
  return online;
}
