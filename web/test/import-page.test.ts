import { afterEach, describe, expect, it, vi } from 'vitest';
import ImportPage from '../src/pages/committee/ImportPage.vue';
import { clearSession } from '../src/graphql/session';
import { mountWithApp, settle } from './support/mount';
import { signInAs } from './support/session';

afterEach(() => {
  vi.unstubAllGlobals();
  clearSession();
  document.body.innerHTML = '';
});

const rows = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    __typename: 'ImportRow',
    row: i + 2,
    outcome: i === 0 ? 'REFUSED' : 'CREATE',
    key: `DV-${i}`,
    column: i === 0 ? 'parentCode' : null,
    reason: i === 0 ? 'UNKNOWN_PARENT' : null,
    detail: i === 0 ? 'KHONG-CO' : null,
  }));

const report = (n: number) => ({
  __typename: 'ImportReport',
  uploadId: 'up1',
  kind: 'UNITS',
  applied: false,
  totalRows: n,
  created: n - 1,
  updated: 0,
  unchanged: 0,
  refused: 1,
  rows: rows(n),
});

/** The upload endpoint answers with `upload`; the dry run with a report of `n` rows. */
function stubImport(upload: () => Response, n: number) {
  const calls: string[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.includes('/api/imports/')) {
        calls.push(url);
        return upload();
      }
      calls.push((JSON.parse(String(init?.body)) as { operationName: string }).operationName);
      return new Response(JSON.stringify({ data: { previewImport: report(n) } }), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    }),
  );
  return calls;
}

async function mountImport() {
  signInAs(['ADMIN']);
  const { wrapper } = await mountWithApp(ImportPage, { attachTo: document.body });
  await settle();
  const input = wrapper.find('input[type="file"]');
  Object.defineProperty(input.element, 'files', { value: [new File(['a,b'], 'don-vi.csv', { type: 'text/csv' })] });
  await input.trigger('change');
  return wrapper;
}

/** Sends the chosen file to be checked; answers the file field's error, read as a screen reader would (through aria-describedby). */
async function checkRefusedFile() {
  const wrapper = await mountImport();
  await wrapper.find('form').trigger('submit');
  await settle();
  const file = wrapper.find('input[type="file"]');
  expect(file.attributes('aria-invalid')).toBe('true');
  const described = file.attributes('aria-describedby')!.split(' ');
  return { wrapper, error: described.map((id) => document.getElementById(id)?.textContent?.trim()).find(Boolean) };
}

describe('ImportPage', () => {
  it('labels its fields, and shows the checked rows a page at a time with the shared paged list', async () => {
    const calls = stubImport(() => new Response(JSON.stringify({ id: 'up1' }), { status: 200 }), 450);
    const wrapper = await mountImport();
    const kind = wrapper.find('select');
    expect(wrapper.find(`label[for="${kind.attributes('id')}"]`).text()).toBe('Tệp chứa');
    const file = wrapper.find('input[type="file"]');
    expect(wrapper.find(`label[for="${file.attributes('id')}"]`).text()).toBe('Tệp (XLSX hoặc CSV)');
    await wrapper.find('form').trigger('submit');
    await settle();
    expect(calls).toEqual(['/api/imports/units?fileName=don-vi.csv', 'PreviewImport']);
    expect(wrapper.find('[data-testid="import-summary"]').text()).toContain('Chạy thử 450 dòng');
    expect(wrapper.findAll('tbody tr')).toHaveLength(200);
    expect(wrapper.find('tbody tr.refused').text()).toContain('Không có đơn vị nào mang mã cấp trên “KHONG-CO”');
    expect(wrapper.find('.paged-count').text()).toBe('Đang hiện 200 trên 450 dòng kết quả');
    await wrapper.find('.paged-more').trigger('click');
    await settle();
    await wrapper.find('.paged-more').trigger('click');
    await settle();
    expect(wrapper.findAll('tbody tr')).toHaveLength(450);
    expect(wrapper.find('.paged-more').exists()).toBe(false);
    expect(
      wrapper
        .findAll('button')
        .find((b) => b.text() === 'Áp dụng')!
        .attributes('disabled'),
    ).toBeDefined();
  });

  it('ties a refused file to the file field, for screen readers too', async () => {
    stubImport(
      () =>
        new Response(
          JSON.stringify({ errors: [{ message: 'Missing column Tên đơn vị', extensions: { code: 'BAD_USER_INPUT' } }] }),
          {
            status: 400,
          },
        ),
      0,
    );
    const { wrapper, error } = await checkRefusedFile();
    expect(error).toMatch(/^Không nhập được tệp: hãy kiểm tra các cột/);
    expect(wrapper.find('[data-testid="import-summary"]').exists()).toBe(false);
  });

  it.each([
    [
      "the server's own refusal",
      () =>
        new Response(
          JSON.stringify({
            errors: [{ message: 'The file is larger than 10 bytes', extensions: { code: 'PAYLOAD_TOO_LARGE', maxBytes: 10 } }],
          }),
          { status: 413, headers: { 'content-type': 'application/json' } },
        ),
    ],
    ["a proxy's page", () => new Response('<html><h1>413 Request Entity Too Large</h1></html>', { status: 413 })],
  ])('says a file too large is too large, from %s', async (_from, upload) => {
    const calls = stubImport(upload, 0);
    const { error } = await checkRefusedFile();
    expect(error).toBe('Tệp quá lớn: hãy chia nhỏ.');
    // Nothing was checked: no dry run of a file the server did not take.
    expect(calls).toEqual(['/api/imports/units?fileName=don-vi.csv']);
  });
});
