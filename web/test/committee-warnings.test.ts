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

  it('keeps the list of the kind chosen when the first, unfiltered answer arrives after it', async () => {
    signInAs(['LEADER']);
    const missed = answer(null);
    const node = missed.data.warnings.nodes[0]!;
    missed.data.warnings.nodes[0] = {
      ...node,
      id: 'MISSED_REPORT:t2',
      kind: 'MISSED_REPORT',
      messageVi: 'Thiếu báo cáo kỳ 11/2026.',
    };
    let releaseFirst: () => void = () => {};
    const firstHeld = new Promise<void>((r) => (releaseFirst = r));
    vi.stubGlobal(
      'fetch',
      vi.fn(async (_input: RequestInfo | URL, init?: RequestInit) => {
        const body = JSON.parse(String(init?.body)) as { variables: { kinds: string[] | null } };
        // The page's first load (all kinds) is slow; the filtered one answers at once.
        if (!body.variables.kinds) await firstHeld;
        const payload = body.variables.kinds ? missed : answer(null);
        return new Response(JSON.stringify(payload), { status: 200, headers: { 'content-type': 'application/json' } });
      }),
    );
    const { wrapper } = await mountWithApp(CommitteeWarningsPage, { path: '/committee/warnings' });
    await wrapper.find('select').setValue('MISSED_REPORT');
    await vi.waitFor(() => expect(wrapper.text()).toContain('Thiếu báo cáo kỳ 11/2026.'));
    releaseFirst();
    await new Promise((r) => setTimeout(r, 50));
    expect(wrapper.text()).toContain('Thiếu báo cáo kỳ 11/2026.');
    expect(wrapper.text()).not.toContain('Quá hạn 3 ngày');
  });
});
