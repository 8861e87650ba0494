import { beforeEach, describe, expect, it, vi } from 'vitest';
import { resetDatabaseForTests, useDatabase } from '../src/composables/useDatabase';
import TasksPage from '../src/pages/TasksPage.vue';
import { buildTask } from './support/factories';
import { mountWithApp } from './support/mount';

/** Heading levels in document order. */
const levels = (root: Element) => [...root.querySelectorAll('h1, h2, h3, h4, h5, h6')].map((h) => Number(h.tagName[1]));

describe('TasksPage headings', () => {
  beforeEach(() => resetDatabaseForTests());

  it('starts at h1 and never skips a level (axe heading-order)', async () => {
    await useDatabase().tasks.bulkPut([buildTask({ title: 'Tập huấn cán bộ' }), buildTask({ title: 'Chuyển đổi số' })]);
    const { wrapper } = await mountWithApp(TasksPage, { path: '/' });
    await vi.waitFor(() => expect(wrapper.text()).toContain('Tập huấn cán bộ'), { timeout: 5000 });
    const found = levels(wrapper.element);
    expect(found[0]).toBe(1);
    expect(found.length).toBeGreaterThan(2);
    found.forEach((level, i) => {
      if (i > 0) expect(level).toBeLessThanOrEqual(found[i - 1]! + 1);
    });
  });
});
