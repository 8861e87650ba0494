import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import AdminUnitsPage from '../src/pages/committee/AdminUnitsPage.vue';
import type { AdminUnit } from '../src/graphql/admin';
import { clearSession } from '../src/graphql/session';
import { answerApollo, serverError } from './support/apollo';
import { mountWithApp, settle } from './support/mount';
import { signInAs } from './support/session';

const unit = (id: string, name: string, over: Partial<AdminUnit> = {}): AdminUnit => ({
  id,
  code: id.toUpperCase(),
  name,
  kind: 'COMMUNE',
  depth: 1,
  active: true,
  ...over,
});
const province = unit('p1', 'Tỉnh Lâm Đồng', { kind: 'PROVINCE', depth: 0 });

beforeEach(() => signInAs(['ADMIN']));
afterEach(() => {
  vi.restoreAllMocks();
  clearSession();
});

describe('AdminUnitsPage', () => {
  it('re-activates a deactivated unit and shows it active again', async () => {
    const ward = unit('w1', 'Phường Xuân Hương', { active: false });
    const api = answerApollo({
      AdminMyUnit: () => ({ myUnit: province }),
      AdminUnitChildren: ({ id }) => ({ unit: { ...province, children: id === 'p1' ? [ward] : [] } }),
      AdminReactivateUnit: ({ id }) => ({ reactivateUnit: { ...ward, id: id as string, active: true } }),
    });
    const { wrapper } = await mountWithApp(AdminUnitsPage);
    await settle();
    const row = wrapper.findAll('button.name').find((b) => b.text().includes('Phường Xuân Hương'))!;
    expect(row.text()).toContain('ngừng hoạt động');
    await row.trigger('click');
    const reactivate = wrapper.findAll('button').find((b) => b.text() === 'Kích hoạt lại')!;
    await reactivate.trigger('click');
    await settle();
    expect(api.of('AdminReactivateUnit')).toEqual([{ operation: 'AdminReactivateUnit', variables: { id: 'w1' } }]);
    expect(wrapper.find('[role="status"]').text()).toBe('Đã kích hoạt lại đơn vị.');
    expect(
      wrapper
        .findAll('button.name')
        .find((b) => b.text().includes('Phường Xuân Hương'))!
        .text(),
    ).not.toContain('ngừng hoạt động');
    expect(wrapper.findAll('button').some((b) => b.text() === 'Ngừng hoạt động')).toBe(true);
  });

  it('explains a refused deactivation in the person’s language and keeps the unit active', async () => {
    const ward = unit('w1', 'Phường Xuân Hương');
    answerApollo({
      AdminMyUnit: () => ({ myUnit: province }),
      AdminUnitChildren: () => ({ unit: { ...province, children: [ward] } }),
      AdminDeactivateUnit: () => serverError('CONFLICT', 'This unit still has 2 enabled account(s)'),
    });
    const { wrapper } = await mountWithApp(AdminUnitsPage, { locale: 'en' });
    await settle();
    await wrapper
      .findAll('button.name')
      .find((b) => b.text().includes('Phường Xuân Hương'))!
      .trigger('click');
    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Deactivate')!
      .trigger('click');
    await settle();
    expect(wrapper.find('[role="alert"]').text()).toMatch(/still has active units below it or enabled accounts/);
    expect(wrapper.text()).not.toContain('2 enabled account(s)');
    expect(wrapper.findAll('button').some((b) => b.text() === 'Deactivate')).toBe(true);
  });

  it('creates a unit below the selected one and lists it; a bad field is named', async () => {
    const created = unit('c9', 'Chi bộ Tổ dân phố 9', { kind: 'CELL', depth: 1 });
    let children: AdminUnit[] = [];
    const api = answerApollo({
      AdminMyUnit: () => ({ myUnit: province }),
      AdminUnitChildren: () => ({ unit: { ...province, children } }),
      AdminCreateUnit: ({ input }) => {
        const { code } = input as { code: string };
        if (code.includes(' ')) return serverError('BAD_USER_INPUT', 'bad code', 'code');
        children = [created];
        return { createUnit: created };
      },
    });
    const { wrapper } = await mountWithApp(AdminUnitsPage);
    await settle();
    const form = wrapper.findAll('form').find((f) => f.text().includes('Thêm đơn vị cấp dưới'))!;
    const inputs = form.findAll('input');
    await inputs[0]!.setValue('CB 9');
    await inputs[1]!.setValue('Chi bộ Tổ dân phố 9');
    await inputs[2]!.setValue('CELL');
    await form.trigger('submit');
    await settle();
    expect(wrapper.find('[role="alert"]').text()).toBe('Hãy kiểm tra trường: Mã.');
    await inputs[0]!.setValue('CB-9');
    await form.trigger('submit');
    await settle();
    expect(api.of('AdminCreateUnit').at(-1)!.variables).toEqual({
      input: { parentId: 'p1', code: 'CB-9', name: 'Chi bộ Tổ dân phố 9', kind: 'CELL' },
    });
    expect(wrapper.text()).toContain('Chi bộ Tổ dân phố 9');
    expect(wrapper.find('[role="alert"]').exists()).toBe(false);
  });
});
