import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import AuditLogPage from '../src/pages/committee/AuditLogPage.vue';
import type { AuditItem } from '../src/graphql/admin';
import { clearSession } from '../src/graphql/session';
import { answerApollo, serverError } from './support/apollo';
import { mountWithApp, settle } from './support/mount';
import { signInAs } from './support/session';

const event = (id: string, over: Partial<AuditItem> = {}): AuditItem => ({
  id,
  at: '2026-11-20T03:15:00.000Z',
  action: 'unit.updated',
  entityType: 'Unit',
  entityId: 'w1',
  actorAccountId: 'acc-9',
  actorUsername: 'quantri.tinh',
  actorUnit: { id: 'p1', name: 'Tỉnh Lâm Đồng' },
  before: { name: 'Phường 1', kind: 'COMMUNE' },
  after: { name: 'Phường Xuân Hương', kind: 'COMMUNE' },
  ...over,
});
const page = (nodes: AuditItem[], endCursor: string | null = null, totalCount = nodes.length) => ({
  auditEvents: { totalCount, pageInfo: { hasNextPage: !!endCursor, endCursor }, nodes },
});

beforeEach(() => signInAs(['LEADER']));
afterEach(() => {
  vi.restoreAllMocks();
  clearSession();
});

describe('AuditLogPage', () => {
  it('shows time, actor, action, entity and the changed fields, and loads more', async () => {
    answerApollo({
      AdminAuditEvents: ({ after }) =>
        after
          ? page([event('1', { action: 'account.created', before: null, after: { username: 'canbo.moi' } })], null, 2)
          : page([event('2')], 'c1', 2),
    });
    const { wrapper } = await mountWithApp(AuditLogPage);
    await settle();
    const first = wrapper.find('.event');
    expect(first.text()).toContain('Sửa đơn vị');
    expect(first.text()).toContain('quantri.tinh');
    expect(first.text()).toContain('Tỉnh Lâm Đồng');
    expect(first.text()).toContain('Unit · w1');
    expect(first.find('time').text()).toMatch(/20\/11\/2026/);
    const changed = first.findAll('tr.changed');
    expect(changed).toHaveLength(1);
    expect(changed[0]!.text()).toContain('Phường 1');
    expect(changed[0]!.text()).toContain('Phường Xuân Hương');

    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Xem thêm')!
      .trigger('click');
    await settle();
    expect(wrapper.findAll('.event')).toHaveLength(2);
    expect(wrapper.findAll('.event')[1]!.text()).toContain('Tạo tài khoản');
    expect(wrapper.findAll('button').some((b) => b.text() === 'Xem thêm')).toBe(false);
  });

  it('filters by actor, action and a time range, the end day included', async () => {
    const api = answerApollo({ AdminAuditEvents: () => page([event('2')]) });
    const { wrapper } = await mountWithApp(AuditLogPage);
    await settle();
    await wrapper
      .findAll('.event button')
      .find((b) => b.text() === 'quantri.tinh')!
      .trigger('click');
    await settle();
    expect((api.of('AdminAuditEvents').at(-1)!.variables.filter as { actorAccountId: string }).actorAccountId).toBe('acc-9');
    expect(wrapper.text()).toContain('Chỉ thay đổi của quantri.tinh');

    await wrapper.find('select').setValue('unit.moved');
    const [from, to] = wrapper.findAll('input[type="date"]');
    await from!.setValue('2026-11-01');
    await to!.setValue('2026-11-30');
    await wrapper.find('form.filters').trigger('submit');
    await settle();
    const filter = api.of('AdminAuditEvents').at(-1)!.variables.filter as Record<string, unknown>;
    expect(filter.actions).toEqual(['unit.moved']);
    expect(filter.actorAccountId).toBe('acc-9');
    expect(filter.from).toBe(new Date(2026, 10, 1).toISOString());
    expect(filter.to).toBe(new Date(2026, 11, 1).toISOString());
  });

  it('explains a refused range in the person’s language', async () => {
    answerApollo({ AdminAuditEvents: () => serverError('BAD_USER_INPUT', '"to" comes before "from"', 'to') });
    const { wrapper } = await mountWithApp(AuditLogPage, { locale: 'en' });
    await settle();
    expect(wrapper.find('[role="alert"]').text()).toBe('Check the dates: the end comes before the start.');
  });
});
