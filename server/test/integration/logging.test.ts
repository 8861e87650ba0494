import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/common/logger.js';
import { Role } from '../../src/modules/accounts/role.js';
import { buildAccountWithPassword, PASSWORD, post, SIGN_IN, type SignInData } from '../support/auth-helpers.js';
import { buildTree } from '../support/factories.js';
import { createTestApp, ok, type TestApp } from '../support/test-app.js';

/** A pino destination that keeps every line. */
function capture() {
  const lines: string[] = [];
  return {
    stream: { write: (line: string) => void lines.push(line) },
    text: () => lines.join(''),
    entries: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('request logs', () => {
  const logs = capture();
  let t: TestApp;
  let username: string;

  beforeAll(async () => {
    t = await createTestApp({ LOG_LEVEL: 'info' }, { logs: logs.stream });
    const tree = await buildTree(t.em());
    username = (await buildAccountWithPassword(t.em(), tree.cell, [Role.REPORTER])).username;
  });
  afterAll(() => t.close());

  it('write one line per request with its id, and never the password, tokens or Authorization header', async () => {
    const signedIn = await post<SignInData>(
      t.url,
      { query: SIGN_IN, variables: { username, password: PASSWORD } },
      { 'x-request-id': 'sign-in-1' },
    );
    const { accessToken, refreshToken } = ok(signedIn.json).signIn;
    expect(signedIn.headers.get('x-request-id')).toBe('sign-in-1');
    const me = await post(t.url, { query: '{ me { id } }' }, { authorization: `Bearer ${accessToken}`, 'x-request-id': 'me-1' });
    expect(me.status).toBe(200);
    const wrong = await post(
      t.url,
      { query: SIGN_IN, variables: { username, password: 'Wrong-password-1' } },
      { cookie: 'session=abc123' },
    );
    expect(wrong.json.errors?.length).toBeGreaterThan(0);

    const text = logs.text();
    for (const secret of [PASSWORD, 'Wrong-password-1', accessToken, refreshToken, 'session=abc123'])
      expect(text).not.toContain(secret);

    const requests = logs.entries().filter((e) => e.msg === 'request completed');
    const signInLine = requests.find((e) => e.requestId === 'sign-in-1');
    expect(signInLine).toMatchObject({ req: { method: 'POST', url: '/graphql' }, res: { statusCode: 200 } });
    expect(typeof signInLine?.responseTime).toBe('number');
    const meLine = requests.find((e) => e.requestId === 'me-1') as { req: { headers: Record<string, string> } } | undefined;
    expect(meLine?.req.headers.authorization).toBe('[redacted]');
    const cookieLine = requests.find((e) => (e.req as { headers: Record<string, string> }).headers.cookie);
    expect((cookieLine?.req as { headers: Record<string, string> }).headers.cookie).toBe('[redacted]');
    // Without an x-request-id the server makes one and logs it.
    expect(cookieLine?.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('createLogger', () => {
  it('redacts secret fields at the top of an entry and one level down', () => {
    const logs = capture();
    const logger = createLogger('info', { destination: logs.stream });
    logger.info('signing in', {
      username: 'canbo.tdp1',
      password: 'p-1',
      refreshToken: 'r-1',
      variables: { password: 'p-2', newPassword: 'p-3', activationCode: 'a-1', token: 't-1' },
    });
    const [entry] = logs.entries();
    expect(entry).toMatchObject({
      msg: 'signing in',
      username: 'canbo.tdp1',
      password: '[redacted]',
      refreshToken: '[redacted]',
      variables: { password: '[redacted]', newPassword: '[redacted]', activationCode: '[redacted]', token: '[redacted]' },
    });
  });

  it('writes an error with its type, message and stack', () => {
    const logs = capture();
    createLogger('info', { destination: logs.stream }).error('sweep failed', { error: new TypeError('no such unit') });
    const [entry] = logs.entries() as [{ level: number; error: { type: string; message: string; stack: string } }];
    expect(entry.level).toBe(50);
    expect(entry.error.type).toBe('TypeError');
    expect(entry.error.message).toBe('no such unit');
    expect(entry.error.stack).toMatch(/TypeError: no such unit\n\s+at /);
  });

  it('writes only entries at or above LOG_LEVEL, and nothing when silent', () => {
    const warn = capture();
    const logger = createLogger('warn', { destination: warn.stream, base: { service: 'resolute' } });
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.child({ requestId: 'r-1' }).error('e');
    expect(warn.entries().map((e) => [e.msg, e.service])).toEqual([
      ['w', 'resolute'],
      ['e', 'resolute'],
    ]);
    expect(warn.entries()[1]!.requestId).toBe('r-1');

    const silent = capture();
    const quiet = createLogger('silent', { destination: silent.stream });
    quiet.error('e');
    quiet.child({ a: 1 }).warn('w');
    expect(silent.text()).toBe('');
  });
});
