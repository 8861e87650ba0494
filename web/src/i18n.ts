import { createI18n } from 'vue-i18n';
import en from './locales/en.json';
import vi from './locales/vi.json';

export const LOCALES = ['vi', 'en'] as const;
export type AppLocale = (typeof LOCALES)[number];
type Messages = typeof vi;

const STORAGE_KEY = 'resolute.locale';

/** The person's saved choice, else the browser's first language we speak, else Vietnamese. */
export function preferredLocale(
  saved: string | null = safeGet(STORAGE_KEY),
  languages: readonly string[] = typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]),
): AppLocale {
  if (saved === 'vi' || saved === 'en') return saved;
  for (const language of languages) {
    const base = language.toLowerCase().split('-')[0];
    if (base === 'vi' || base === 'en') return base;
  }
  return 'vi';
}

export const i18n = createI18n<[Messages], AppLocale, false>({
  legacy: false,
  locale: preferredLocale(),
  fallbackLocale: 'vi',
  messages: { vi, en },
  missingWarn: false,
  fallbackWarn: false,
  datetimeFormats: {
    vi: {
      date: { day: '2-digit', month: '2-digit', year: 'numeric' },
      dateTime: { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' },
      time: { hour: '2-digit', minute: '2-digit' },
    },
    en: {
      date: { day: 'numeric', month: 'short', year: 'numeric' },
      dateTime: { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' },
      time: { hour: '2-digit', minute: '2-digit' },
    },
  },
  numberFormats: {
    vi: { decimal: { maximumFractionDigits: 2 }, percent: { style: 'percent', maximumFractionDigits: 0 } },
    en: { decimal: { maximumFractionDigits: 2 }, percent: { style: 'percent', maximumFractionDigits: 0 } },
  },
});

/** Switches the language everywhere and remembers the choice on this device. */
export function setLocale(locale: AppLocale): void {
  i18n.global.locale.value = locale;
  safeSet(STORAGE_KEY, locale);
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

function safeGet(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}
function safeSet(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // private mode: the choice lasts for this visit only
  }
}
