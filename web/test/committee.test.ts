import { describe, expect, it } from 'vitest';
import DashboardUnitTable from '../src/components/dashboard/DashboardUnitTable.vue';
import WarningList from '../src/components/warnings/WarningList.vue';
import type { UnitRow, WarningItem } from '../src/graphql/committee';
import { mountWithApp } from './support/mount';

const warning = (over: Partial<WarningItem> = {}): WarningItem => ({
  id: 'OVERDUE:t1',
  kind: 'OVERDUE',
  severity: 3,
  messageVi: 'Quá hạn 5 ngày (hạn 10/06/2026), tiến độ 40%.',
  messageEn: 'Overdue by 5 days (due 2026-06-10), progress 40%.',
  task: { id: 't1', title: 'Số hoá hồ sơ đất đai', dueOn: '2026-06-10' },
  unit: { id: 'u1', name: 'Phường Xuân Hương', kind: 'COMMUNE' },
  ...over,
});

describe('WarningList', () => {
  it('says why in the person’s language and links to the task', async () => {
    const { wrapper } = await mountWithApp(WarningList, { props: { items: [warning()] } });
    expect(wrapper.text()).toContain('Quá hạn 5 ngày');
    expect(wrapper.find('a').attributes('href')).toBe('/committee/tasks/t1');
    const en = await mountWithApp(WarningList, { props: { items: [warning()] }, locale: 'en' });
    expect(en.wrapper.text()).toContain('Overdue by 5 days');
  });
});

const row = (id: string, own = false, overdue = 0): UnitRow => ({
  unit: { id, name: `Đơn vị ${id}`, kind: 'COMMUNE' },
  own,
  summary: {
    total: 4,
    completionRate: 0.5,
    onTimeRate: null,
    averageProgress: 62.4,
    byStatus: [{ status: 'OVERDUE', count: overdue }],
    indicators: { count: 0, withValue: 0, achieved: 0, averageAchievement: null },
  },
});

describe('DashboardUnitTable', () => {
  it('drills into a child unit when its name is pressed, but not into the unit’s own line', async () => {
    const { wrapper } = await mountWithApp(DashboardUnitTable, { props: { rows: [row('a', false, 2), row('b', true)] } });
    const buttons = wrapper.findAll('button');
    expect(buttons).toHaveLength(1);
    await buttons[0].trigger('click');
    expect(wrapper.emitted('drill')).toEqual([['a']]);
    expect(wrapper.text()).toContain('50%');
    expect(wrapper.text()).toContain('62%');
    expect(wrapper.find('.bad').text()).toBe('2');
  });
});
