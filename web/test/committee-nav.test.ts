import { afterEach, describe, expect, it } from 'vitest';
import CommitteeLayout from '../src/layouts/CommitteeLayout.vue';
import { clearSession } from '../src/graphql/session';
import type { Role } from '../src/graphql/documents';
import { mountWithApp } from './support/mount';
import { signInAs } from './support/session';

afterEach(() => clearSession());

async function linksFor(roles: Role[]) {
  signInAs(roles);
  const { wrapper } = await mountWithApp(CommitteeLayout, { global: { stubs: { RouterView: true } } });
  return wrapper.findAll('a').map((a) => a.attributes('href'));
}

describe('CommitteeLayout', () => {
  it('links the screens each role may use, and only those', async () => {
    const admin = await linksFor(['ADMIN']);
    expect(admin).toEqual(expect.arrayContaining(['/committee/admin/units', '/committee/admin/accounts', '/committee/audit']));
    expect(admin).not.toContain('/committee/evaluation');

    const leader = await linksFor(['LEADER']);
    expect(leader).toEqual(expect.arrayContaining(['/committee/evaluation', '/committee/audit', '/committee/report']));
    expect(leader).not.toContain('/committee/admin/units');

    const reporter = await linksFor(['REPORTER']);
    expect(reporter).toContain('/committee/report');
    expect(reporter.filter((h) => /admin|audit|evaluation/.test(h ?? ''))).toEqual([]);
  });

  it('puts the screen links in a labelled navigation landmark, after a skip link to the main content', async () => {
    signInAs(['LEADER']);
    const { wrapper } = await mountWithApp(CommitteeLayout, { global: { stubs: { RouterView: true } } });
    const nav = wrapper.get('nav');
    expect(nav.attributes('aria-label')).toBe('Điều hướng chính');
    expect(nav.findAll('a').map((a) => a.attributes('href'))).toContain('/committee/reviews');
    const first = wrapper.find('a');
    expect(first.attributes('href')).toBe('#main');
    expect(first.text()).toBe('Bỏ qua, đến nội dung chính');
    expect(wrapper.get('main').attributes('id')).toBe('main');
  });
});
