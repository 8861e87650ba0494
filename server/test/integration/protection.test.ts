import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../src/modules/accounts/role.js';
import { queryDepth } from '../../src/graphql/protection.js';
import { parse } from 'graphql';
import { post } from '../support/auth-helpers.js';
import { buildTree, tokenFor } from '../support/factories.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let token: string;

beforeAll(async () => {
  t = await createTestApp({ CORS_ORIGINS: 'https://ubnd.lamdong.gov.vn', MAX_REQUEST_BYTES: '4096' });
  const tree = await buildTree(t.em());
  token = (await tokenFor(t, tree.province, [Role.VIEWER])).token;
});
afterAll(() => t.close());

const auth = () => ({ authorization: `Bearer ${token}` });

describe('queryDepth', () => {
  it('counts nested selections through fragments and ignores introspection', () => {
    expect(queryDepth(parse(`{ me { unit { parent { id } } } }`))).toBe(4);
    expect(queryDepth(parse(`query { ...F } fragment F on Query { me { ...G } } fragment G on Account { unit { id } }`))).toBe(3);
    expect(queryDepth(parse(`{ __schema { types { fields { type { ofType { name } } } } } }`))).toBe(0);
  });
});

describe('query limits', () => {
  it('refuses a query nested deeper than the limit, saying so', async () => {
    const nested = `{ myUnit { ${'children { '.repeat(14)}id${' }'.repeat(14)} } }`;
    const res = await post(t.url, { query: nested }, auth());
    expect(res.status).toBe(400);
    expect(res.json.errors![0]!.extensions!.code).toBe('QUERY_TOO_COMPLEX');
    expect(res.json.errors![0]!.message).toMatch(/nested 16 levels deep; the most allowed is 12/);
    expect(res.json.data ?? null).toBeNull();
  });

  it('refuses a query asking for too much work, saying how much', async () => {
    const wide = `{ tasks(first: 200) { nodes { id title indicators { id name target baseline } reports(first: 50) { nodes { id percent narrative } } leadUnit { id name children { id name children { id name } } } } } }`;
    const res = await post(t.url, { query: wide }, auth());
    expect(res.json.errors![0]!.extensions!.code).toBe('QUERY_TOO_COMPLEX');
    expect(res.json.errors![0]!.message).toMatch(/would cost \d+ points; the most allowed is 20000/);
  });

  it('costs one query text again for each page size or @include it is sent with', async () => {
    const query = `query ($n: Int!, $deep: Boolean!) { tasks(first: $n) { nodes { id title indicators { id name target baseline }
      reports(first: 50) @include(if: $deep) { nodes { id percent narrative } } leadUnit { id name children { id name children { id name } } } } } }`;
    const send = (n: number, deep: boolean) => post(t.url, { query, variables: { n, deep } }, auth());
    // Small first, so a cost kept for the text would let the large ones through.
    expect((await send(2, true)).json.errors).toBeUndefined();
    expect((await send(200, false)).json.errors).toBeUndefined();
    expect((await send(200, true)).json.errors![0]!.extensions!.code).toBe('QUERY_TOO_COMPLEX');
    expect((await send(2, true)).json.errors).toBeUndefined();
  });

  it('lets an ordinary page through', async () => {
    const res = await post(
      t.url,
      { query: `{ tasks(first: 50) { totalCount nodes { id title leadUnit { name } indicators { name } } } }` },
      auth(),
    );
    expect(res.json.errors).toBeUndefined();
  });

  it('answers a body larger than the limit with 413 and a JSON error', async () => {
    const res = await post(t.url, { query: `{ me { id } }`, variables: { pad: 'x'.repeat(5000) } }, auth());
    expect(res.status).toBe(413);
    expect(res.json.errors![0]!.extensions!.code).toBe('PAYLOAD_TOO_LARGE');
    expect(res.json.errors![0]!.message).toContain('4096 bytes');
  });
});

describe('CORS', () => {
  it('allows a configured origin, with a preflight', async () => {
    const pre = await fetch(`${t.url}/graphql`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://ubnd.lamdong.gov.vn',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://ubnd.lamdong.gov.vn');
    expect(pre.headers.get('access-control-allow-headers')).toContain('authorization');
    const res = await post(t.url, { query: `{ me { id } }` }, { ...auth(), origin: 'https://ubnd.lamdong.gov.vn' });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://ubnd.lamdong.gov.vn');
  });

  it('gives any other origin no permission', async () => {
    const pre = await fetch(`${t.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(403);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const res = await post(t.url, { query: `{ me { id } }` }, { ...auth(), origin: 'https://evil.example' });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('security headers', () => {
  it('sends a CSP that allows only same-origin scripts, workers and manifest, and forbids framing', async () => {
    const res = await fetch(`${t.url}/healthz`);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("worker-src 'self'");
    expect(csp).toContain("manifest-src 'self'");
    expect(csp).toContain("img-src 'self' data: blob:");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});

describe('compression', () => {
  it('gzips a large answer for a client that accepts it, and leaves a small one alone', async () => {
    const big = await post(t.url, { query: `{ __schema { types { name fields { name } } } }` }, { 'accept-encoding': 'gzip' });
    expect(big.headers.get('content-encoding')).toBe('gzip');
    expect((big.json.data as { __schema: { types: unknown[] } }).__schema.types.length).toBeGreaterThan(50);
    const small = await post(t.url, { query: `{ __typename }` }, { 'accept-encoding': 'gzip' });
    expect(small.headers.get('content-encoding')).toBeNull();
    const plain = await post(t.url, { query: `{ __schema { types { name } } }` }, { 'accept-encoding': 'identity' });
    expect(plain.headers.get('content-encoding')).toBeNull();
  });
});

describe('production mode', () => {
  let prod: TestApp;
  beforeAll(async () => {
    prod = await createTestApp({ NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(40), LOG_LEVEL: 'silent' });
  });
  afterAll(() => prod.close());

  it('turns introspection off', async () => {
    const res = await post(prod.url, { query: `{ __schema { queryType { name } } }` });
    expect(res.json.errors![0]!.message).toMatch(/introspection/i);
    const dev = await post(t.url, { query: `{ __schema { queryType { name } } }` });
    expect(dev.json.errors).toBeUndefined();
  });

  it('shows no landing page', async () => {
    const res = await fetch(`${prod.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.headers.get('content-type')).not.toContain('text/html');
    expect(await res.text()).not.toMatch(/<html/i);
    const dev = await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await dev.text()).toMatch(/<html/i);
  });

  it('sends HSTS', async () => {
    const res = await fetch(`${prod.url}/healthz`);
    expect(res.headers.get('strict-transport-security')).toContain('max-age=');
  });
});
