import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import App from '../src/App.vue';

describe('App', () => {
  it('shows the product name and its purpose in Vietnamese', () => {
    const wrapper = mount(App);
    expect(wrapper.get('h1').text()).toBe('Resolute');
    expect(wrapper.text()).toContain('Theo dõi thực hiện nghị quyết');
  });
});
