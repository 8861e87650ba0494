import { computed, ref } from 'vue';

interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

const deferred = ref<BeforeInstallPromptEvent | null>(null);
const installed = ref(false);

if (typeof window !== 'undefined') {
  window.addEventListener('beforeinstallprompt', (event) => {
    // Keep the browser's mini-infobar away; our own button offers the same thing at a better time.
    event.preventDefault();
    deferred.value = event as BeforeInstallPromptEvent;
  });
  window.addEventListener('appinstalled', () => {
    installed.value = true;
    deferred.value = null;
  });
}

/** True when running from the home screen rather than a browser tab. */
export function isStandalone(): boolean {
  if (typeof window === 'undefined') return false;
  return (
    window.matchMedia?.('(display-mode: standalone)').matches === true ||
    (navigator as Navigator & { standalone?: boolean }).standalone === true
  );
}

/** iPhone and iPad Safari: no install prompt, only Share → Add to Home Screen. */
export function isIos(userAgent = typeof navigator === 'undefined' ? '' : navigator.userAgent): boolean {
  return (
    /iphone|ipad|ipod/i.test(userAgent) ||
    (/macintosh/i.test(userAgent) && typeof document !== 'undefined' && 'ontouchend' in document)
  );
}

/**
 * What the install card should offer: the browser's prompt where it fires `beforeinstallprompt`,
 * step-by-step instructions on iOS, nothing once installed.
 */
export function useInstallPrompt() {
  const mode = computed<'prompt' | 'ios' | 'none'>(() => {
    if (installed.value || isStandalone()) return 'none';
    if (deferred.value) return 'prompt';
    if (isIos()) return 'ios';
    return 'none';
  });
  async function install(): Promise<boolean> {
    const event = deferred.value;
    if (!event) return false;
    deferred.value = null;
    await event.prompt();
    const { outcome } = await event.userChoice;
    if (outcome === 'accepted') installed.value = true;
    return outcome === 'accepted';
  }
  return { mode, install };
}
