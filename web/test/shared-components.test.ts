import { flushPromises } from '@vue/test-utils';
import { defineComponent, h, ref } from 'vue';
import { describe, expect, it, vi } from 'vitest';
import FormActions from '../src/components/app/FormActions.vue';
import FormField from '../src/components/app/FormField.vue';
import PagedList from '../src/components/app/PagedList.vue';
import ResolutionFilter from '../src/components/app/ResolutionFilter.vue';
import ExtensionRequestForm from '../src/components/tasks/ExtensionRequestForm.vue';
import { pageOf, usePagedList, type PagedList as PagedListOf } from '../src/composables/usePagedList';
import { mountWithApp } from './support/mount';

const item = (id: string) => ({ id, name: `Mục ${id}` });

describe('FormField', () => {
  it('ties the label, the hint and the error to the control, and marks it invalid only with an error', async () => {
    const error = ref('');
    const Host = defineComponent(
      () => () =>
        h(
          FormField,
          { label: 'Tên', hint: 'Tên đầy đủ', error: error.value },
          {
            default: ({ control }: { control: Record<string, string> }) => h('input', control),
          },
        ),
    );
    const { wrapper } = await mountWithApp(Host);
    const input = wrapper.find('input');
    const id = input.attributes('id')!;
    expect(id).toMatch(/^field-/);
    expect(wrapper.find('label').attributes('for')).toBe(id);
    expect(input.attributes('aria-describedby')).toBe(`${id}-hint ${id}-error`);
    expect(wrapper.find(`#${id}-hint`).text()).toBe('Tên đầy đủ');
    expect(input.attributes('aria-invalid')).toBe('false');
    expect(wrapper.find(`#${id}-error`).text()).toBe('');

    error.value = 'Hãy nhập tên.';
    await flushPromises();
    expect(input.attributes('aria-invalid')).toBe('true');
    expect(wrapper.find(`#${id}-error`).text()).toBe('Hãy nhập tên.');
  });

  it('keeps an id it is given and describes the control by its error line alone without a hint', async () => {
    const { wrapper } = await mountWithApp(FormField, {
      props: { label: 'Mã', id: 'unit-code' },
      slots: { default: `<template #default="{ control }"><input v-bind="control" /></template>` },
    });
    expect(wrapper.find('input').attributes('id')).toBe('unit-code');
    expect(wrapper.find('input').attributes('aria-describedby')).toBe('unit-code-error');
    expect(wrapper.find('.hint').exists()).toBe(false);
  });
});

describe('FormActions', () => {
  it('disables the submit while busy, marks a refusal as danger and offers Cancel only when asked', async () => {
    const { wrapper } = await mountWithApp(FormActions, { props: { submitLabel: 'Lưu', busy: true, danger: true } });
    const buttons = wrapper.findAll('button');
    expect(buttons).toHaveLength(1);
    expect(buttons[0]!.attributes('type')).toBe('submit');
    expect(buttons[0]!.attributes('disabled')).toBeDefined();
    expect(buttons[0]!.classes()).toContain('btn-danger');

    await wrapper.setProps({ busy: false, danger: false, cancellable: true });
    const [submit, cancel] = wrapper.findAll('button');
    expect(submit!.attributes('disabled')).toBeUndefined();
    expect(submit!.classes()).toContain('btn-primary');
    expect(cancel!.text()).toBe('Huỷ');
    await cancel!.trigger('click');
    expect(wrapper.emitted('cancel')).toHaveLength(1);
  });
});

describe('FormActions beside other buttons', () => {
  it('keeps the submit off while the form cannot be sent yet, and puts the slot’s buttons beside it', async () => {
    const { wrapper } = await mountWithApp(FormActions, {
      props: { submitLabel: 'Kiểm tra', disabled: true },
      slots: { default: '<button type="button" class="extra">Áp dụng</button>' },
    });
    const buttons = wrapper.findAll('button');
    expect(buttons.map((b) => b.text())).toEqual(['Kiểm tra', 'Áp dụng']);
    expect(buttons[0]!.attributes('disabled')).toBeDefined();
    await wrapper.setProps({ disabled: false });
    expect(wrapper.find('button[type="submit"]').attributes('disabled')).toBeUndefined();
  });
});

describe('ResolutionFilter', () => {
  const resolutions = [
    { id: 'r57', code: '57-NQ/TW', titleVi: 'Đột phá khoa học, công nghệ', titleEn: 'Science and technology breakthroughs' },
    { id: 'r66', code: '66-NQ/TW', titleVi: 'Đổi mới xây dựng và thi hành pháp luật', titleEn: 'Law-making and enforcement' },
  ];

  it('is a labelled choice of the resolutions in the person’s language, “all” first, and gives back the id chosen', async () => {
    const chosen = ref('');
    const Host = defineComponent(
      () => () =>
        h(ResolutionFilter, {
          modelValue: chosen.value,
          'onUpdate:modelValue': (id: string) => (chosen.value = id),
          resolutions,
          label: 'Nghị quyết',
          allLabel: 'Tất cả nghị quyết',
        }),
    );
    const { wrapper } = await mountWithApp(Host, { locale: 'en' });
    const select = wrapper.find('select');
    expect(wrapper.find(`label[for="${select.attributes('id')}"]`).text()).toBe('Nghị quyết');
    expect(wrapper.findAll('option').map((o) => o.text())).toEqual([
      'Tất cả nghị quyết',
      '57-NQ/TW — Science and technology breakthroughs',
      '66-NQ/TW — Law-making and enforcement',
    ]);
    await select.setValue('r66');
    expect(chosen.value).toBe('r66');
  });
});

type Item = ReturnType<typeof item>;

/** PagedList around `list`, each item a line of a list, with the labels `labels()` gives at each render; the first page read. */
async function mountPaged(
  list: PagedListOf<Item>,
  labels: () => { countLabel?: string; moreLabel: string; loadingLabel?: string },
) {
  const Host = defineComponent(
    () => () =>
      h(
        PagedList,
        { list, ...labels() },
        {
          default: ({ items }: { items: Item[] }) =>
            h(
              'ul',
              items.map((i) => h('li', i.name)),
            ),
        },
      ),
  );
  const { wrapper } = await mountWithApp(Host);
  await list.load();
  await flushPromises();
  return wrapper;
}

describe('usePagedList and PagedList', () => {
  it('reads the first page, appends the next without repeating an item, and hides "more" on the last page', async () => {
    const fetchPage = vi.fn(async (after: string | null) =>
      after
        ? { nodes: [item('2'), item('3')], totalCount: 3, next: null }
        : { nodes: [item('1'), item('2')], totalCount: 3, next: 'c1' },
    );
    const list = usePagedList(fetchPage);
    const wrapper = await mountPaged(list, () => ({ countLabel: `${list.total.value} mục`, moreLabel: 'Xem thêm' }));
    expect(wrapper.findAll('li').map((l) => l.text())).toEqual(['Mục 1', 'Mục 2']);
    expect(wrapper.find('.paged-count').text()).toBe('3 mục');

    await wrapper.find('.paged-more').trigger('click');
    await flushPromises();
    expect(fetchPage).toHaveBeenLastCalledWith('c1');
    expect(wrapper.findAll('li').map((l) => l.text())).toEqual(['Mục 1', 'Mục 2', 'Mục 3']);
    expect(wrapper.find('.paged-more').exists()).toBe(false);
  });

  it('keeps what it showed when a read fails and says why; a newer read wins over an older one', async () => {
    let answer: (page: { nodes: { id: string; name: string }[]; totalCount: number; next: null }) => void = () => {};
    const calls: string[] = [];
    const list = usePagedList<{ id: string; name: string }>(async () => {
      calls.push('read');
      if (calls.length === 2) throw Object.assign(new Error('down'), { networkError: new Error('down') });
      if (calls.length === 3) return new Promise((resolve) => (answer = resolve));
      return { nodes: [item(String(calls.length))], totalCount: 1, next: null };
    });
    await list.load();
    await list.load();
    expect(list.items.value.map((i) => i.id)).toEqual(['1']);
    expect(list.error.value?.code).toBe('NETWORK');

    const older = list.load();
    const newer = list.load();
    await newer;
    answer({ nodes: [item('old')], totalCount: 9, next: null });
    await older;
    expect(list.items.value.map((i) => i.id)).toEqual(['4']);
    expect(list.total.value).toBe(1);
    expect(list.loading.value).toBe(false);

    list.prepend(item('new'));
    list.replace({ id: '4', name: 'đổi tên' });
    expect(list.items.value.map((i) => i.name)).toEqual(['Mục new', 'đổi tên']);
    expect(list.total.value).toBe(2);
    expect(list.remove('new')).toBe(0);
    expect(list.remove('missing')).toBe(-1);
    expect(list.total.value).toBe(1);
  });

  it('leaves the count to a heading that has it, and says "loading" on the button while the next page is read', async () => {
    let answer: (page: { nodes: { id: string; name: string }[]; totalCount: number; next: null }) => void = () => {};
    const list = usePagedList<{ id: string; name: string }>((after) =>
      after ? new Promise((resolve) => (answer = resolve)) : Promise.resolve({ nodes: [item('1')], totalCount: 2, next: 'c1' }),
    );
    const wrapper = await mountPaged(list, () => ({ moreLabel: `Xem thêm ${list.remaining.value}`, loadingLabel: 'Đang tải…' }));
    expect(wrapper.find('.paged-count').exists()).toBe(false);
    expect(wrapper.find('.paged-more').text()).toBe('Xem thêm 1');

    await wrapper.find('.paged-more').trigger('click');
    await flushPromises();
    expect(wrapper.find('.paged-more').text()).toBe('Đang tải…');
    expect(wrapper.find('.paged-more').attributes('disabled')).toBeDefined();
    answer({ nodes: [item('2')], totalCount: 2, next: null });
    await flushPromises();
    expect(wrapper.findAll('li').map((l) => l.text())).toEqual(['Mục 1', 'Mục 2']);
    expect(wrapper.find('.paged-more').exists()).toBe(false);
  });

  it('turns a GraphQL connection into a page', () => {
    expect(pageOf({ nodes: [1], totalCount: 5, pageInfo: { hasNextPage: true, endCursor: 'x' } })).toEqual({
      nodes: [1],
      totalCount: 5,
      next: 'x',
    });
    expect(pageOf({ nodes: [], totalCount: 0, pageInfo: { hasNextPage: false, endCursor: 'x' } }).next).toBeNull();
  });
});

describe('ExtensionRequestForm', () => {
  it('focuses the date, refuses a missing or too early day and a missing reason beside each field, then sends', async () => {
    const { wrapper } = await mountWithApp(ExtensionRequestForm, {
      props: { idPrefix: 'ask', dueOn: '2026-12-31' },
      attachTo: document.body,
    });
    await flushPromises();
    expect(document.activeElement?.id).toBe('ask-date');

    await wrapper.find('form').trigger('submit');
    expect(wrapper.find('#ask-date-error').text()).toBe('Chọn hạn mới.');
    expect(wrapper.find('#ask-reason-error').text()).toBe('Nêu lý do cần thêm thời gian.');
    expect(wrapper.find('#ask-date').attributes('aria-invalid')).toBe('true');
    expect(wrapper.find('#ask-reason').attributes('aria-invalid')).toBe('true');
    expect(wrapper.emitted('send')).toBeUndefined();

    await wrapper.find('#ask-date').setValue('2026-12-31');
    await wrapper.find('#ask-reason').setValue('Chờ kinh phí');
    await wrapper.find('form').trigger('submit');
    expect(wrapper.find('#ask-date-error').text()).toMatch(/^Chọn ngày sau hạn hiện tại \(.*31.*\)\.$/);
    expect(wrapper.find('#ask-reason').attributes('aria-invalid')).toBe('false');
    expect(wrapper.emitted('send')).toBeUndefined();

    await wrapper.find('#ask-date').setValue('2027-02-15');
    await wrapper.find('form').trigger('submit');
    expect(wrapper.emitted('send')).toEqual([[{ requestedDueOn: '2027-02-15', reason: 'Chờ kinh phí' }]]);
    await wrapper
      .findAll('button')
      .find((b) => b.text() === 'Huỷ')!
      .trigger('click');
    expect(wrapper.emitted('cancel')).toHaveLength(1);
    wrapper.unmount();
  });
});
