import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../src/modules/accounts/role.js';
import {
  FallbackRateLimiter,
  PostgresRateLimiter,
  RedisRateLimiter,
  type RateLimiter,
} from '../../src/modules/rate-limit/rate-limiter.js';
import { buildAccountWithPassword, PASSWORD, post, REFRESH, SIGN_IN } from '../support/auth-helpers.js';
import { buildTree } from '../support/factories.js';
import { createTestApp, errorCode, ok, type TestApp } from '../support/test-app.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let db: TestApp;
beforeAll(async () => {
  db = await createTestApp();
});
afterAll(() => db.close());

// Two limiter objects over one store stand for two API processes behind a load balancer.
const backends: [string, () => [RateLimiter, RateLimiter]][] = [
  ['PostgreSQL', () => [new PostgresRateLimiter(), new PostgresRateLimiter()]],
  [
    'Redis',
    () => {
      const prefix = `resolute-test:${randomBytes(6).toString('hex')}:`;
      return [new RedisRateLimiter(REDIS_URL, prefix), new RedisRateLimiter(REDIS_URL, prefix)];
    },
  ],
];

describe.each(backends)('%s rate limiter', (_name, make) => {
  let a: RateLimiter;
  let b: RateLimiter;
  beforeAll(() => {
    [a, b] = make();
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it('counts the attempts of every process under one key', async () => {
    const em = db.em();
    const hits = [];
    for (let i = 0; i < 3; i++) {
      hits.push((await a.hit(em, 'k:shared', 60)).hits);
      hits.push((await b.hit(em, 'k:shared', 60)).hits);
    }
    expect(hits).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await b.peek(em, 'k:shared')).toBe(6);
  });

  it('loses no count when processes hit at the same moment', async () => {
    const em = db.em();
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).hit(db.em(), 'k:burst', 60)));
    expect(await a.peek(em, 'k:burst')).toBe(20);
  });

  it('starts again after the window and after a reset', async () => {
    const em = db.em();
    await a.hit(em, 'k:window', 1);
    await a.hit(em, 'k:window', 1);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await b.hit(em, 'k:window', 1)).hits).toBe(1);
    await a.reset(em, 'k:window');
    expect(await b.peek(em, 'k:window')).toBe(0);
  });
});

describe.each([
  ['PostgreSQL', {} as Record<string, string>],
  ['Redis', { REDIS_URL, REDIS_KEY_PREFIX: `resolute-test:${randomBytes(6).toString('hex')}:` }],
])('sign-in limits with %s counters', (name, env) => {
  let t: TestApp;
  let tree: Awaited<ReturnType<typeof buildTree>>;
  // Never the same address twice: a random one could meet an address an earlier test used up.
  let addresses = 0;
  const ip = () => `198.51.100.${(addresses++ % 250) + 1}`;
  beforeAll(async () => {
    t = await createTestApp({
      ...env,
      SIGNIN_DELAY_MS: '1',
      RATE_LIMIT_SIGNIN_PER_IP: '4',
      RATE_LIMIT_SIGNIN_PER_USERNAME: '3',
      RATE_LIMIT_REFRESH_PER_IP: '2',
    });
    tree = await buildTree(t.em());
  });
  afterAll(() => t.close());

  it(`uses the ${name} backend`, () => {
    expect(t.app.services.limiter.backend).toBe(name === 'Redis' ? 'redis-with-postgres-fallback' : 'postgres');
  });

  it('refuses a client address that tries too many usernames', async () => {
    const from = ip();
    const codes = [];
    for (let i = 0; i < 5; i++) {
      const res = await post(
        t.url,
        { query: SIGN_IN, variables: { username: `probe${i}.${from}`, password: 'x'.repeat(12) } },
        {
          'x-forwarded-for': from,
        },
      );
      codes.push(errorCode(res.json));
    }
    expect(codes).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'RATE_LIMITED']);
    // Another address is not affected.
    const other = await post(
      t.url,
      { query: SIGN_IN, variables: { username: 'probe.other', password: 'x'.repeat(12) } },
      {
        'x-forwarded-for': ip(),
      },
    );
    expect(errorCode(other.json)).toBe('UNAUTHENTICATED');
  });

  it('refuses one username tried from many addresses, even with the right password', async () => {
    const account = await buildAccountWithPassword(t.em(), tree.commune, [Role.REPORTER]);
    for (let i = 0; i < 3; i++) {
      await post(
        t.url,
        { query: SIGN_IN, variables: { username: account.username, password: `wrong-${i}-pass` } },
        {
          'x-forwarded-for': ip(),
        },
      );
    }
    const res = await post(
      t.url,
      { query: SIGN_IN, variables: { username: account.username, password: PASSWORD } },
      {
        'x-forwarded-for': ip(),
      },
    );
    expect(errorCode(res.json)).toBe('RATE_LIMITED');
    expect(res.json.errors![0]!.extensions!.retryAt).toEqual(expect.any(String));
  });

  it('limits token refreshes per client address', async () => {
    const account = await buildAccountWithPassword(t.em(), tree.commune, [Role.REPORTER]);
    const from = ip();
    const session = await t.app.services.auth.startSession(t.em(), account);
    let token = session.refreshToken;
    for (let i = 0; i < 2; i++) {
      const res = await post<{ refreshSession: { refreshToken: string } }>(
        t.url,
        { query: REFRESH, variables: { refreshToken: token } },
        {
          'x-forwarded-for': from,
        },
      );
      token = ok(res.json).refreshSession.refreshToken;
    }
    const res = await post(t.url, { query: REFRESH, variables: { refreshToken: token } }, { 'x-forwarded-for': from });
    expect(errorCode(res.json)).toBe('RATE_LIMITED');
  });
});

describe('Redis outage', () => {
  // Nothing listens on port 1: every Redis command fails as in an outage.
  const DOWN = 'redis://127.0.0.1:1';

  it('counts in PostgreSQL while Redis does not answer, and says so once', async () => {
    const events: boolean[] = [];
    const limiter = new FallbackRateLimiter(new RedisRateLimiter(DOWN, 'x:'), new PostgresRateLimiter(), (failing) =>
      events.push(failing),
    );
    const em = db.em();
    const hits = [];
    for (let i = 0; i < 3; i++) hits.push((await limiter.hit(em, 'k:outage', 60)).hits);
    expect(hits).toEqual([1, 2, 3]);
    expect(await new PostgresRateLimiter().peek(em, 'k:outage')).toBe(3);
    expect(events).toEqual([true]);
    await limiter.close();
  });

  it('goes back to Redis once it answers again', async () => {
    const prefix = `resolute-test:${randomBytes(6).toString('hex')}:`;
    const redis = new RedisRateLimiter(REDIS_URL, prefix);
    let down = true;
    const flaky: RateLimiter = {
      backend: 'redis',
      hit: (em, key, w) => (down ? Promise.reject(new Error('connection lost')) : redis.hit(em, key, w)),
      peek: (em, key) => redis.peek(em, key),
      reset: (em, key) => redis.reset(em, key),
      close: () => redis.close(),
    };
    const events: boolean[] = [];
    const limiter = new FallbackRateLimiter(flaky, new PostgresRateLimiter(), (failing) => events.push(failing), 0);
    await limiter.hit(db.em(), 'k:recover', 60);
    down = false;
    await limiter.hit(db.em(), 'k:recover', 60);
    expect(events).toEqual([true, false]);
    expect(await redis.peek(db.em(), 'k:recover')).toBe(1);
    await limiter.close();
  });

  it('still signs people in, and still refuses too many attempts', async () => {
    const t = await createTestApp({ REDIS_URL: DOWN, SIGNIN_DELAY_MS: '1', RATE_LIMIT_SIGNIN_PER_USERNAME: '2' });
    try {
      const tree = await buildTree(t.em());
      const account = await buildAccountWithPassword(t.em(), tree.commune, [Role.REPORTER]);
      const signIn = (password: string) =>
        post(
          t.url,
          { query: SIGN_IN, variables: { username: account.username, password } },
          { 'x-forwarded-for': '203.0.113.9' },
        );
      const good = await signIn(PASSWORD);
      expect(good.json.errors).toBeUndefined();
      await signIn('wrong-password-1');
      await signIn('wrong-password-2');
      expect(errorCode((await signIn(PASSWORD)).json)).toBe('RATE_LIMITED');
    } finally {
      await t.close();
    }
  });
});
