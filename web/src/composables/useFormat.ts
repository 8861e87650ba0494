import { useI18n } from 'vue-i18n';

/** Dates and numbers in the person's language. Local dates (YYYY-MM-DD) are read without a time zone shift. */
export function useFormat() {
  const { d, n, locale } = useI18n();
  function localDate(value: string | null | undefined): string {
    if (!value) return '';
    const [y, m, day] = value.slice(0, 10).split('-').map(Number);
    return d(new Date(y!, (m ?? 1) - 1, day ?? 1), 'date');
  }
  function dateTime(value: string | number | Date | null | undefined): string {
    if (value === null || value === undefined || value === '') return '';
    return d(new Date(value), 'dateTime');
  }
  function number(value: number | null | undefined): string {
    if (value === null || value === undefined || Number.isNaN(value)) return '—';
    return n(value, 'decimal');
  }
  function percent(value: number | null | undefined): string {
    if (value === null || value === undefined) return '—';
    return n(value / 100, 'percent');
  }
  function relativeDays(value: string | null | undefined, now = new Date()): string {
    if (!value) return '';
    const [y, m, day] = value.slice(0, 10).split('-').map(Number);
    const due = Date.UTC(y!, (m ?? 1) - 1, day ?? 1);
    const today = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());
    const days = Math.round((due - today) / 86_400_000);
    return new Intl.RelativeTimeFormat(locale.value, { numeric: 'auto' }).format(days, 'day');
  }
  /** A resolution as the filters and headings name it: its code, then its title in the person's language. */
  function resolutionTitle(r: { code: string; titleVi: string; titleEn: string }): string {
    return `${r.code} — ${locale.value === 'en' ? r.titleEn : r.titleVi}`;
  }
  return { localDate, dateTime, number, percent, relativeDays, resolutionTitle };
}
