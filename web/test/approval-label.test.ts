import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import { approvedBelowFinal, awaitingLabel } from '../src/composables/approvalLabel';
import en from '../src/locales/en.json';
import vi from '../src/locales/vi.json';

const i18n = (locale: 'vi' | 'en') => {
  const { global } = createI18n({ legacy: false, locale, messages: { vi, en } });
  return { t: global.t as (k: string, n?: Record<string, unknown>) => string, te: (k: string) => global.te(k) };
};

describe('awaitingLabel', () => {
  it('names the level a report waits on by its unit kind, in Vietnamese and English', () => {
    const atProvince = { state: 'SUBMITTED', approvalLevels: 2, approvedLevels: 1, awaitingUnitKind: 'PROVINCE' };
    const vn = i18n('vi');
    const english = i18n('en');
    expect(awaitingLabel(vn.t, vn.te, atProvince)).toBe('Chờ tỉnh duyệt');
    expect(awaitingLabel(english.t, english.te, atProvince)).toBe('Awaiting province');
    expect(awaitingLabel(vn.t, vn.te, { ...atProvince, approvedLevels: 0, awaitingUnitKind: 'COMMUNE' })).toBe('Chờ xã duyệt');
  });

  it('falls back to the level number for a kind the locales do not name, and keeps one level plain', () => {
    const { t, te } = i18n('vi');
    expect(awaitingLabel(t, te, { approvalLevels: 3, approvedLevels: 1, awaitingUnitKind: 'BAN_CHI_DAO' })).toBe(
      'Chờ duyệt cấp 2/3',
    );
    // Rows stored before the server sent levels, and one-level reports, read as before.
    expect(awaitingLabel(t, te, { state: 'SUBMITTED' })).toBe('Chờ duyệt');
    expect(awaitingLabel(t, te, { approvalLevels: 1, awaitingUnitKind: 'COMMUNE' })).toBe('Chờ duyệt');
  });

  it('tells a report approved below the last level from one not yet reviewed or final', () => {
    expect(approvedBelowFinal({ state: 'SUBMITTED', approvedLevels: 1, approvalLevels: 2 })).toBe(true);
    expect(approvedBelowFinal({ state: 'SUBMITTED', approvedLevels: 0, approvalLevels: 2 })).toBe(false);
    expect(approvedBelowFinal({ state: 'APPROVED', approvedLevels: 2, approvalLevels: 2 })).toBe(false);
  });
});
