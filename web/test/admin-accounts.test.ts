import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import AdminAccountsPage from '../src/pages/committee/AdminAccountsPage.vue';
import type { AdminAccount } from '../src/graphql/admin';
import { clearSession } from '../src/graphql/session';
import { answerApollo, serverError } from './support/apollo';
import { mountWithApp, settle } from './support/mount';
import { signInAs } from './support/session';

const account = (id: string, over: Partial<AdminAccount> = {}): AdminAccount => ({
  id,
  username: `canbo.${id}`,
  displayName: `Cán bộ ${id}`,
  roles: ['REPORTER'],
  mustChangePassword: false,
  disabledAt: null,
  lockedUntil: null,
  lastSignInAt: null,
  unit: { id: 'c1', name: 'Phường Xuân Hương' },
  ...over,
});
const page = (nodes: AdminAccount[], endCursor: string | null = null, totalCount = nodes.length) => ({
  accounts: { totalCount, pageInfo: { hasNextPage: !!endCursor, endCursor }, nodes },
});
const unitOptions = {
  unit: {
    id: 'p1',
    name: 'Tỉnh Lâm Đồng',
    depth: 0,
    children: [{ id: 'c1', name: 'Phường Xuân Hương', depth: 1, children: [] }],
  },
};

beforeEach(() => signInAs(['ADMIN', 'REPORTER']));
afterEach(() => {
  vi.restoreAllMocks();
  clearSession();
});

describe('AdminAccountsPage', () => {
  it('shows the initial password once, with copy and the first sign-in rule, then forgets it', async () => {
    const writeText = vi.fn(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const api = answerApollo({
      AdminAccounts: () => page([account('a1')]),
      AdminUnitOptions: () => unitOptions,
      AdminCreateAccount: () => ({
        createAccount: {
          temporaryPassword: 'Xk7-pq9-Tz2',
          account: account('new', { username: 'canbo.moi', mustChangePassword: true }),
        },
      }),
    });
    const { wrapper } = await mountWithApp(AdminAccountsPage);
    await settle();
    // Only roles the admin holds are offered.
    const create = wrapper.find('form.create');
    expect(create.findAll('input[type="checkbox"]').map((c) => (c.element as HTMLInputElement).value)).toEqual([
      'ADMIN',
      'REPORTER',
    ]);
    const [username, displayName] = create.findAll('input:not([type="checkbox"])');
    await username!.setValue('canbo.moi');
    await displayName!.setValue('Cán bộ mới');
    await create.find('select').setValue('c1');
    await create.find('input[value="REPORTER"]').setValue(true);
    await create.trigger('submit');
    await settle();
    expect(api.of('AdminCreateAccount')[0]!.variables).toEqual({
      input: { username: 'canbo.moi', displayName: 'Cán bộ mới', unitId: 'c1', roles: ['REPORTER'] },
    });
    const shown = wrapper.find('[data-test="temporary-password"]');
    expect(shown.text()).toBe('Xk7-pq9-Tz2');
    expect(wrapper.text()).toContain('chỉ hiện một lần');
    expect(wrapper.text()).toContain('phải đổi mật khẩu này ở lần đăng nhập đầu tiên');
    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Sao chép')!
      .trigger('click');
    await settle();
    expect(writeText).toHaveBeenCalledWith('Xk7-pq9-Tz2');
    expect(wrapper.text()).toContain('Đã sao chép');
    expect(wrapper.text()).toContain('canbo.moi');

    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Tôi đã trao mật khẩu')!
      .trigger('click');
    expect(wrapper.html()).not.toContain('Xk7-pq9-Tz2');
  });

  it('searches, pages with “load more”, disables and re-enables an account', async () => {
    const api = answerApollo({
      AdminAccounts: ({ after, search }) =>
        after ? page([account('a3')], null, 3) : page(search ? [account('a1')] : [account('a1'), account('a2')], 'c2', 3),
      AdminUnitOptions: () => unitOptions,
      AdminDisableAccount: ({ id }) => ({ disableAccount: account(id as string, { disabledAt: '2026-11-30T04:00:00Z' }) }),
      AdminEnableAccount: ({ id }) => ({ enableAccount: account(id as string) }),
    });
    const { wrapper } = await mountWithApp(AdminAccountsPage);
    await settle();
    expect(wrapper.findAll('tbody tr')).toHaveLength(2);
    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Xem thêm')!
      .trigger('click');
    await settle();
    expect(wrapper.findAll('tbody tr').map((r) => r.find('th').text())).toEqual(['canbo.a1', 'canbo.a2', 'canbo.a3']);

    await wrapper.find('input[type="search"]').setValue('a1');
    await wrapper.find('form.filters').trigger('submit');
    await settle();
    expect(api.of('AdminAccounts').at(-1)!.variables).toMatchObject({ search: 'a1', after: null });
    expect(wrapper.findAll('tbody tr')).toHaveLength(1);

    await wrapper
      .findAll('button')
      .find((b) => b.text().startsWith('Khoá:'))!
      .trigger('click');
    await settle();
    expect(wrapper.find('tbody tr').text()).toContain('Đã khoá');
    await wrapper
      .findAll('button')
      .find((b) => b.text().startsWith('Mở khoá:'))!
      .trigger('click');
    await settle();
    expect(wrapper.find('tbody tr').text()).toContain('Đang dùng');
  });

  it('lists the accounts of the unit chosen on the units screen, and offers that unit first', async () => {
    const api = answerApollo({
      AdminAccounts: () => page([account('a1')]),
      AdminUnitOptions: ({ id }) => ({ unit: { id, name: 'Phường Xuân Hương', depth: 1, children: [] } }),
    });
    const { wrapper } = await mountWithApp(AdminAccountsPage, { path: '/committee/admin/accounts?unitId=c1' });
    await settle();
    expect(api.of('AdminAccounts')[0]!.variables.unitId).toBe('c1');
    expect(api.of('AdminUnitOptions')[0]!.variables).toEqual({ id: 'c1' });
    expect(wrapper.text()).toContain('Tài khoản của Phường Xuân Hương và các đơn vị cấp dưới.');
    expect((wrapper.find('form.create select').element as HTMLSelectElement).value).toBe('c1');
  });

  it('sends only what changed when editing, and explains a refusal', async () => {
    const api = answerApollo({
      AdminAccounts: () => page([account('a1')]),
      AdminUnitOptions: () => unitOptions,
      AdminUpdateAccount: ({ input }) =>
        (input as { roles?: string[] }).roles
          ? serverError('FORBIDDEN', 'You cannot grant or remove a role you do not hold')
          : { updateAccount: account('a1', { displayName: 'Tên mới' }) },
    });
    const { wrapper } = await mountWithApp(AdminAccountsPage, { locale: 'en' });
    await settle();
    await wrapper
      .findAll('button')
      .find((b) => b.text().startsWith('Edit:'))!
      .trigger('click');
    const form = wrapper.find('tbody form');
    await form.find('input').setValue('Tên mới');
    await form.trigger('submit');
    await settle();
    expect(api.of('AdminUpdateAccount')[0]!.variables).toEqual({ id: 'a1', input: { displayName: 'Tên mới' } });
    expect(wrapper.find('tbody tr').text()).toContain('Tên mới');

    await wrapper
      .findAll('button')
      .find((b) => b.text().startsWith('Edit:'))!
      .trigger('click');
    await wrapper.find('tbody form input[value="ADMIN"]').setValue(true);
    await wrapper.find('tbody form').trigger('submit');
    await settle();
    expect(wrapper.find('[role="alert"]').text()).toBe(
      'You cannot change your own roles or unit, nor grant or remove roles you do not hold.',
    );
  });
});
