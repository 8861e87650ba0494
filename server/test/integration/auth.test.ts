import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Account } from '../../src/modules/accounts/account.entity.js';
import { failureDelayMs, LOCK_MINUTES, MAX_FAILED_ATTEMPTS } from '../../src/modules/accounts/auth.service.js';
import { RefreshToken } from '../../src/modules/accounts/refresh-token.entity.js';
import { Role } from '../../src/modules/accounts/role.js';
import { buildAccountWithPassword, PASSWORD, REFRESH, SIGN_IN, type SignInData } from '../support/auth-helpers.js';
import { buildTree, tokenFor } from '../support/factories.js';
import { createTestApp, errorCode, ok, type TestApp } from '../support/test-app.js';

let t: TestApp;
let tree: Awaited<ReturnType<typeof buildTree>>;

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_DELAY_MS: '1', RATE_LIMIT_SIGNIN_PER_IP: '1000', RATE_LIMIT_SIGNIN_PER_USERNAME: '100' });
  tree = await buildTree(t.em());
});
afterAll(() => t.close());

const ME = `{ me { id username } }`;

async function signIn(username: string, password = PASSWORD) {
  return t.gql<SignInData>(SIGN_IN, { username, password });
}

describe('failureDelayMs', () => {
  it('doubles with each failure and stops growing at eight times the base', () => {
    expect([0, 1, 2, 3, 4, 5, 9].map((n) => failureDelayMs(250, n))).toEqual([0, 250, 500, 1000, 2000, 2000, 2000]);
  });
});

describe('signIn', () => {
  it('opens a session that reaches the API, for a username typed in any case', async () => {
    const account = await buildAccountWithPassword(t.em(), tree.commune, [Role.REPORTER]);
    const session = ok(await signIn(account.username.toUpperCase())).signIn;
    expect(session.account.id).toBe(account.id);
    expect(ok(await t.gql<{ me: { id: string } }>(ME, {}, session.accessToken)).me.id).toBe(account.id);
  });

  it('answers a wrong username and a wrong password with the same message', async () => {
    const account = await buildAccountWithPassword(t.em(), tree.commune, [Role.REPORTER]);
    const wrongPassword = await signIn(account.username, 'not-the-password-1');
    const wrongUser = await signIn('nobody.here', PASSWORD);
    expect(errorCode(wrongPassword)).toBe('UNAUTHENTICATED');
    expect(errorCode(wrongUser)).toBe('UNAUTHENTICATED');
    expect(wrongPassword.errors![0]!.message).toBe(wrongUser.errors![0]!.message);
  });

  it(`locks the account for ${LOCK_MINUTES} minutes after ${MAX_FAILED_ATTEMPTS} failures, even for the right password`, async () => {
    const account = await buildAccountWithPassword(t.em(), tree.commune, [Role.REPORTER]);
    for (let i = 0; i < MAX_FAILED_ATTEMPTS; i++)
      expect(errorCode(await signIn(account.username, `wrong-${i}-password`))).toBe('UNAUTHENTICATED');
    const locked = await signIn(account.username);
    expect(errorCode(locked)).toBe('RATE_LIMITED');
    const retryAt = new Date(locked.errors![0]!.extensions!.retryAt as string).getTime();
    expect(retryAt - Date.now()).toBeGreaterThan((LOCK_MINUTES - 1) * 60_000);
    const row = await t.em().findOneOrFail(Account, { id: account.id });
    expect(row.lockedUntil).not.toBeNull();
    const events = await t
      .em()
      .getConnection()
      .execute<{ action: string }[]>(`select action from audit_event where entity_id = ? order by id`, [account.id]);
    expect(events.map((e) => e.action)).toEqual([...Array(MAX_FAILED_ATTEMPTS - 1).fill('auth.sign_in_failed'), 'auth.locked']);
  });

  it('lets the right password in once the lock has expired', async () => {
    const account = await buildAccountWithPassword(t.em(), tree.commune, [Role.REPORTER]);
    await t.em().nativeUpdate(Account, { id: account.id }, { lockedUntil: new Date(Date.now() - 1000) });
    expect(ok(await signIn(account.username)).signIn.account.id).toBe(account.id);
  });

  it('locks an unknown username after as many failures, so a lock reveals nothing', async () => {
    for (let i = 0; i < MAX_FAILED_ATTEMPTS; i++) await signIn('ghost.user', `wrong-${i}-password`);
    expect(errorCode(await signIn('ghost.user'))).toBe('RATE_LIMITED');
  });

  it('refuses a disabled account with the usual message', async () => {
    const account = await buildAccountWithPassword(t.em(), tree.commune, [Role.REPORTER]);
    await t.em().nativeUpdate(Account, { id: account.id }, { disabledAt: new Date() });
    const res = await signIn(account.username);
    expect(errorCode(res)).toBe('UNAUTHENTICATED');
    expect(res.errors![0]!.message).toBe('Wrong username or password');
  });
});

describe('refreshSession', () => {
  it('rotates the refresh token: the new pair works and the old token is spent', async () => {
    const account = await buildAccountWithPassword(t.em(), tree.commune, [Role.REPORTER]);
    const first = ok(await signIn(account.username)).signIn;
    const second = ok(
      await t.gql<{ refreshSession: SignInData['signIn'] }>(REFRESH, { refreshToken: first.refreshToken }),
    ).refreshSession;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(ok(await t.gql<{ me: { id: string } }>(ME, {}, second.accessToken)).me.id).toBe(account.id);
  });

  it('revokes the whole sign-in when a rotated token is used again', async () => {
    const account = await buildAccountWithPassword(t.em(), tree.commune, [Role.REPORTER]);
    const first = ok(await signIn(account.username)).signIn;
    const second = ok(
      await t.gql<{ refreshSession: SignInData['signIn'] }>(REFRESH, { refreshToken: first.refreshToken }),
    ).refreshSession;
    expect(errorCode(await t.gql(REFRESH, { refreshToken: first.refreshToken }))).toBe('UNAUTHENTICATED');
    // The thief's replay ended the legitimate holder's sign-in as well: both tokens are dead.
    expect(errorCode(await t.gql(REFRESH, { refreshToken: second.refreshToken }))).toBe('UNAUTHENTICATED');
    expect(errorCode(await t.gql(ME, {}, second.accessToken))).toBe('UNAUTHENTICATED');
    const [reuse] = await t
      .em()
      .getConnection()
      .execute<{ n: string }[]>(`select count(*) as n from audit_event where entity_id = ? and action = 'auth.refresh_reused'`, [
        account.id,
      ]);
    expect(Number(reuse!.n)).toBe(1);
  });

  it('slides the expiry with each use but never past the absolute cap from sign-in', async () => {
    const account = await buildAccountWithPassword(t.em(), tree.commune, [Role.REPORTER]);
    const first = ok(await signIn(account.username)).signIn;
    const slid = new Date(first.refreshTokenExpiresAt).getTime() - Date.now();
    expect(Math.round(slid / 86_400_000)).toBe(t.config.refreshTokenTtlDays);
    // Pretend the sign-in began long ago: the next token ends at the cap, not 30 days from now.
    const startedAt = new Date(Date.now() - (t.config.refreshTokenMaxDays - 2) * 86_400_000);
    await t.em().nativeUpdate(RefreshToken, { account: account.id }, { signedInAt: startedAt });
    const next = ok(
      await t.gql<{ refreshSession: SignInData['signIn'] }>(REFRESH, { refreshToken: first.refreshToken }),
    ).refreshSession;
    const cap = startedAt.getTime() + t.config.refreshTokenMaxDays * 86_400_000;
    expect(new Date(next.refreshTokenExpiresAt).getTime()).toBe(cap);
  });

  it('refuses a refresh token past its expiry', async () => {
    const account = await buildAccountWithPassword(t.em(), tree.commune, [Role.REPORTER]);
    const first = ok(await signIn(account.username)).signIn;
    await t.em().nativeUpdate(RefreshToken, { account: account.id }, { expiresAt: new Date(Date.now() - 1000) });
    expect(errorCode(await t.gql(REFRESH, { refreshToken: first.refreshToken }))).toBe('UNAUTHENTICATED');
  });
});

describe('revocation', () => {
  it('signOut ends this sign-in at once, access token included, and leaves the others', async () => {
    const account = await buildAccountWithPassword(t.em(), tree.commune, [Role.REPORTER]);
    const phone = ok(await signIn(account.username)).signIn;
    const laptop = ok(await signIn(account.username)).signIn;
    expect(ok(await t.gql<{ signOut: boolean }>(`mutation { signOut }`, {}, phone.accessToken)).signOut).toBe(true);
    expect(errorCode(await t.gql(ME, {}, phone.accessToken))).toBe('UNAUTHENTICATED');
    expect(errorCode(await t.gql(REFRESH, { refreshToken: phone.refreshToken }))).toBe('UNAUTHENTICATED');
    expect(ok(await t.gql<{ me: { id: string } }>(ME, {}, laptop.accessToken)).me.id).toBe(account.id);
  });

  it('disabling an account ends all its sign-ins at once', async () => {
    const { token: admin } = await tokenFor(t, tree.province, [Role.ADMIN]);
    const account = await buildAccountWithPassword(t.em(), tree.commune, [Role.REPORTER]);
    const session = ok(await signIn(account.username)).signIn;
    ok(await t.gql(`mutation($id: ID!) { disableAccount(id: $id) { id disabledAt } }`, { id: account.id }, admin));
    expect(errorCode(await t.gql(ME, {}, session.accessToken))).toBe('UNAUTHENTICATED');
    expect(errorCode(await t.gql(REFRESH, { refreshToken: session.refreshToken }))).toBe('UNAUTHENTICATED');
  });
});

describe('changePassword', () => {
  const CHANGE = `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { id mustChangePassword } }`;

  it('while a first password must be changed, refuses everything but me, changePassword and signOut', async () => {
    const account = await buildAccountWithPassword(t.em(), tree.commune, [Role.REPORTER], { mustChangePassword: true });
    const session = ok(await signIn(account.username)).signIn;
    expect(session.account.mustChangePassword).toBe(true);
    expect(ok(await t.gql<{ me: { id: string } }>(ME, {}, session.accessToken)).me.id).toBe(account.id);
    expect(errorCode(await t.gql(`{ myUnit { id } }`, {}, session.accessToken))).toBe('PASSWORD_CHANGE_REQUIRED');
    expect(errorCode(await t.gql(`{ tasks { totalCount } }`, {}, session.accessToken))).toBe('PASSWORD_CHANGE_REQUIRED');

    const changed = ok(
      await t.gql<{ changePassword: { mustChangePassword: boolean } }>(
        CHANGE,
        { c: PASSWORD, n: 'Mới-hơn-2027' },
        session.accessToken,
      ),
    );
    expect(changed.changePassword.mustChangePassword).toBe(false);
    expect(ok(await t.gql<{ myUnit: { id: string } }>(`{ myUnit { id } }`, {}, session.accessToken)).myUnit.id).toBe(
      tree.commune.id,
    );
    expect(errorCode(await signIn(account.username))).toBe('UNAUTHENTICATED');
    expect(ok(await signIn(account.username, 'Mới-hơn-2027')).signIn.account.mustChangePassword).toBe(false);
  });

  it('refuses a wrong current password and a weak new one, changing nothing', async () => {
    const account = await buildAccountWithPassword(t.em(), tree.commune, [Role.REPORTER]);
    const session = ok(await signIn(account.username)).signIn;
    const wrong = await t.gql(CHANGE, { c: 'not-it-at-all-1', n: 'Mới-hơn-2027' }, session.accessToken);
    expect(errorCode(wrong)).toBe('BAD_USER_INPUT');
    expect(wrong.errors![0]!.extensions!.field).toBe('currentPassword');
    const weak = await t.gql(CHANGE, { c: PASSWORD, n: 'short' }, session.accessToken);
    expect(weak.errors![0]!.extensions!.field).toBe('newPassword');
    expect(ok(await signIn(account.username)).signIn.accessToken).toEqual(expect.any(String));
  });

  it("ends the account's other sign-ins and keeps this one", async () => {
    const account = await buildAccountWithPassword(t.em(), tree.commune, [Role.REPORTER]);
    const here = ok(await signIn(account.username)).signIn;
    const elsewhere = ok(await signIn(account.username)).signIn;
    ok(await t.gql(CHANGE, { c: PASSWORD, n: 'Khác-hẳn-2028' }, here.accessToken));
    expect(ok(await t.gql<{ me: { id: string } }>(ME, {}, here.accessToken)).me.id).toBe(account.id);
    expect(errorCode(await t.gql(ME, {}, elsewhere.accessToken))).toBe('UNAUTHENTICATED');
    const events = await t
      .em()
      .getConnection()
      .execute<{ before: unknown; after: unknown }[]>(
        `select before, after from audit_event where entity_id = ? and action = 'account.password_changed'`,
        [account.id],
      );
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events)).not.toMatch(/argon2|passwordHash/i);
  });
});
