import { afterEach, describe, expect, it, vi } from 'vitest';
import CommitteeWarningsPage from '../src/pages/committee/CommitteeWarningsPage.vue';
import { clearSession } from '../src/graphql/session';
import { stubServer } from './support/graphql-stub';
import { mountWithApp } from './support/mount';
import { signInAs } from './support/session';

afterEach(() => {
  vi.unstubAllGlobals();
  clearSession();
});

const answer = (warningsAsOf: string | null) => ({
  data: {
    warnings: {
      __typename: 'WarningConnection',
      totalCount: 1,
      pageInfo: { __typename: 'PageInfo', hasNextPage: false, endCursor: null },
      nodes: [
        {
          __typename: 'Warning',
          id: 'OVERDUE:t1',
          kind: 'OVERDUE',
          severity: 3,
          messageVi: 'Quá hạn 3 ngày (hạn 27/11/2026), tiến độ 40%.',
          messageEn: '3 days overdue (due 27/11/2026), progress 40%.',
          task: { __typename: 'Task', id: 't1', title: 'Số hoá hồ sơ hộ tịch', dueOn: '2026-11-27' },
          unit: { __typename: 'Unit', id: 'c1', name: 'Phường Xuân Hương', kind: 'COMMUNE' },
        },
      ],
    },
    warningsAsOf,
  },
});

describe('CommitteeWarningsPage', () => {
  it('says the time the warnings are current to', async () => {
    signInAs(['LEADER']);
    stubServer({ CommitteeWarnings: answer('2026-11-30T03:15:00.000Z') });
    const { wrapper } = await mountWithApp(CommitteeWarningsPage, { path: '/committee/warnings' });
    await vi.waitFor(() => expect(wrapper.text()).toContain('Quá hạn 3 ngày'));
    // Shown in the device's time zone, as every time in the app.
    const at = new Date('2026-11-30T03:15:00.000Z');
    const hhmm = `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
    expect(wrapper.find('.as-of').text()).toMatch(/^Cảnh báo cập nhật đến /);
    expect(wrapper.find('.as-of').text()).toContain(hhmm);
    expect(wrapper.find('.as-of').text()).toContain('2026');
  });

  it('says nothing of the kind before the warnings were first computed', async () => {
    signInAs(['LEADER']);
    stubServer({ CommitteeWarnings: answer(null) });
    const { wrapper } = await mountWithApp(CommitteeWarningsPage, { path: '/committee/warnings' });
    await vi.waitFor(() => expect(wrapper.text()).toContain('Quá hạn 3 ngày'));
    expect(wrapper.find('.as-of').exists()).toBe(false);
  });
});
