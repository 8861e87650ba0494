import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Account } from '../../src/modules/accounts/account.entity.js';
import { Role } from '../../src/modules/accounts/role.js';
import { SIGN_IN, type SignInData } from '../support/auth-helpers.js';
import { buildAccount, buildTree, tokenFor } from '../support/factories.js';
import { createTestApp, errorCode, ok, type TestApp } from '../support/test-app.js';

let t: TestApp;
let tree: Awaited<ReturnType<typeof buildTree>>;
let admin: { token: string; account: Account };

beforeAll(async () => {
  t = await createTestApp({ SIGNIN_DELAY_MS: '1', RATE_LIMIT_SIGNIN_PER_IP: '1000' });
  tree = await buildTree(t.em());
  admin = await tokenFor(t, tree.commune, [Role.ADMIN, Role.FOCAL, Role.REPORTER]);
});
afterAll(() => t.close());

const CREATE = `mutation($input: CreateAccountInput!) {
  createAccount(input: $input) { temporaryPassword account { id username roles mustChangePassword unit { id } } }
}`;
const UPDATE = `mutation($id: ID!, $input: UpdateAccountInput!) { updateAccount(id: $id, input: $input) { id displayName roles unit { id } } }`;
const DISABLE = `mutation($id: ID!) { disableAccount(id: $id) { id disabledAt } }`;
const ENABLE = `mutation($id: ID!) { enableAccount(id: $id) { id disabledAt lockedUntil } }`;
const RESET = `mutation($id: ID!) { resetPassword(id: $id) { temporaryPassword account { mustChangePassword } } }`;
const ACCOUNTS = `query($unitId: ID, $search: String, $includeDisabled: Boolean, $first: Int, $after: String) {
  accounts(unitId: $unitId, search: $search, includeDisabled: $includeDisabled, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { id username }
  }
}`;

interface Created {
  createAccount: {
    temporaryPassword: string;
    account: { id: string; username: string; roles: string[]; mustChangePassword: boolean };
  };
}

describe('createAccount', () => {
  it('creates an account below the admin with a temporary password that must be changed', async () => {
    const res = ok(
      await t.gql<Created>(
        CREATE,
        { input: { username: 'Can.Bo.Moi', displayName: 'Cán bộ mới', unitId: tree.cell.id, roles: ['REPORTER'] } },
        admin.token,
      ),
    ).createAccount;
    expect(res.account.username).toBe('can.bo.moi');
    expect(res.account.mustChangePassword).toBe(true);
    const session = ok(await t.gql<SignInData>(SIGN_IN, { username: 'can.bo.moi', password: res.temporaryPassword })).signIn;
    expect(session.account.mustChangePassword).toBe(true);
    const [event] = await t
      .em()
      .getConnection()
      .execute<{ after: Record<string, unknown> }[]>(
        `select after from audit_event where entity_id = ? and action = 'account.created'`,
        [res.account.id],
      );
    expect(event!.after).toMatchObject({ username: 'can.bo.moi', roles: ['REPORTER'] });
    expect(JSON.stringify(event)).not.toMatch(/argon2|hash|temporary/i);
  });

  it('refuses a role the admin does not hold', async () => {
    const res = await t.gql(
      CREATE,
      { input: { username: 'lanh.dao.x', displayName: 'X', unitId: tree.cell.id, roles: ['LEADER'] } },
      admin.token,
    );
    expect(errorCode(res)).toBe('FORBIDDEN');
    expect(res.errors![0]!.message).toContain('LEADER');
    expect(await t.em().count(Account, { username: 'lanh.dao.x' })).toBe(0);
  });

  it('answers NOT_FOUND for a unit above or beside the admin', async () => {
    for (const unit of [tree.province, tree.siblingCommune, tree.otherCommune]) {
      const res = await t.gql(
        CREATE,
        { input: { username: `ngoai.${unit.seq}`, displayName: 'X', unitId: unit.id, roles: ['REPORTER'] } },
        admin.token,
      );
      expect(errorCode(res)).toBe('NOT_FOUND');
    }
  });

  it('refuses a taken username with CONFLICT and a bad one naming the field', async () => {
    expect(
      errorCode(
        await t.gql(
          CREATE,
          { input: { username: admin.account.username, displayName: 'X', unitId: tree.cell.id, roles: ['REPORTER'] } },
          admin.token,
        ),
      ),
    ).toBe('CONFLICT');
    const bad = await t.gql(
      CREATE,
      { input: { username: 'a b', displayName: 'X', unitId: tree.cell.id, roles: ['REPORTER'] } },
      admin.token,
    );
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors![0]!.extensions!.field).toBe('username');
  });
});

describe('updateAccount', () => {
  it('changes the name, roles and unit of an account below', async () => {
    const target = await buildAccount(t.em(), tree.cell, [Role.REPORTER]);
    const res = ok(
      await t.gql<{ updateAccount: { displayName: string; roles: string[]; unit: { id: string } } }>(
        UPDATE,
        { id: target.id, input: { displayName: 'Tên mới', roles: ['FOCAL', 'REPORTER'], unitId: tree.siblingCell.id } },
        admin.token,
      ),
    ).updateAccount;
    expect(res).toMatchObject({ displayName: 'Tên mới', roles: ['FOCAL', 'REPORTER'], unit: { id: tree.siblingCell.id } });
  });

  it('neither grants nor removes a role the admin does not hold', async () => {
    const leader = await buildAccount(t.em(), tree.cell, [Role.LEADER]);
    expect(errorCode(await t.gql(UPDATE, { id: leader.id, input: { roles: ['REPORTER'] } }, admin.token))).toBe('FORBIDDEN');
    const reporter = await buildAccount(t.em(), tree.cell, [Role.REPORTER]);
    expect(errorCode(await t.gql(UPDATE, { id: reporter.id, input: { roles: ['REPORTER', 'VIEWER'] } }, admin.token))).toBe(
      'FORBIDDEN',
    );
    // A role it does not hold may stay as it is while others change.
    ok(await t.gql(UPDATE, { id: leader.id, input: { roles: ['LEADER', 'REPORTER'] } }, admin.token));
  });

  it('answers NOT_FOUND for an account above or beside, and for a move out of the subtree', async () => {
    for (const unit of [tree.province, tree.siblingCommune, tree.otherCommune]) {
      const other = await buildAccount(t.em(), unit, [Role.REPORTER]);
      expect(errorCode(await t.gql(UPDATE, { id: other.id, input: { displayName: 'X' } }, admin.token))).toBe('NOT_FOUND');
      expect(errorCode(await t.gql(DISABLE, { id: other.id }, admin.token))).toBe('NOT_FOUND');
      expect(errorCode(await t.gql(RESET, { id: other.id }, admin.token))).toBe('NOT_FOUND');
    }
    const mine = await buildAccount(t.em(), tree.cell, [Role.REPORTER]);
    expect(errorCode(await t.gql(UPDATE, { id: mine.id, input: { unitId: tree.province.id } }, admin.token))).toBe('NOT_FOUND');
  });

  it('does not let an admin change its own roles', async () => {
    expect(errorCode(await t.gql(UPDATE, { id: admin.account.id, input: { roles: ['ADMIN'] } }, admin.token))).toBe('FORBIDDEN');
  });
});

describe('disableAccount and enableAccount', () => {
  it('disables and re-enables an account below, recording both', async () => {
    const target = await buildAccount(t.em(), tree.cell, [Role.REPORTER]);
    expect(
      ok(await t.gql<{ disableAccount: { disabledAt: string | null } }>(DISABLE, { id: target.id }, admin.token)).disableAccount
        .disabledAt,
    ).not.toBeNull();
    expect(
      ok(await t.gql<{ enableAccount: { disabledAt: string | null } }>(ENABLE, { id: target.id }, admin.token)).enableAccount
        .disabledAt,
    ).toBeNull();
    const events = await t
      .em()
      .getConnection()
      .execute<{ action: string; before: { disabled: boolean }; after: { disabled: boolean } }[]>(
        `select action, before, after from audit_event where entity_id = ? order by id`,
        [target.id],
      );
    expect(events.map((e) => [e.action, e.before.disabled, e.after.disabled])).toEqual([
      ['account.disabled', false, true],
      ['account.enabled', true, false],
    ]);
  });

  it('does not let an admin disable itself', async () => {
    expect(errorCode(await t.gql(DISABLE, { id: admin.account.id }, admin.token))).toBe('FORBIDDEN');
    expect(ok(await t.gql<{ me: { id: string } }>(`{ me { id } }`, {}, admin.token)).me.id).toBe(admin.account.id);
  });
});

describe('resetPassword', () => {
  it("gives a new temporary password and ends the account's sign-ins", async () => {
    const target = await buildAccount(t.em(), tree.cell, [Role.REPORTER]);
    const session = await t.app.services.auth.startSession(t.em(), target);
    const reset = ok(
      await t.gql<{ resetPassword: { temporaryPassword: string; account: { mustChangePassword: boolean } } }>(
        RESET,
        { id: target.id },
        admin.token,
      ),
    ).resetPassword;
    expect(reset.account.mustChangePassword).toBe(true);
    expect(errorCode(await t.gql(`{ me { id } }`, {}, session.accessToken))).toBe('UNAUTHENTICATED');
    expect(
      ok(await t.gql<SignInData>(SIGN_IN, { username: target.username, password: reset.temporaryPassword })).signIn.account.id,
    ).toBe(target.id);
  });
});

describe('accounts', () => {
  it('lists the subtree of a unit page by page, with search and disabled accounts on request', async () => {
    const unit = tree.siblingCell;
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await buildAccount(t.em(), unit, [Role.VIEWER], { username: `tdp2.can.bo.${i}` }));
    await t.em().nativeUpdate(Account, { id: made[4]!.id }, { disabledAt: new Date() });
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: {
        accounts: {
          totalCount: number;
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
          nodes: { username: string }[];
        };
      } = ok(await t.gql(ACCOUNTS, { unitId: unit.id, search: 'tdp2', first: 2, after }, admin.token));
      expect(page.accounts.totalCount).toBe(4);
      seen.push(...page.accounts.nodes.map((n) => n.username));
      if (!page.accounts.pageInfo.hasNextPage) break;
      after = page.accounts.pageInfo.endCursor;
    }
    expect(seen).toEqual(['tdp2.can.bo.0', 'tdp2.can.bo.1', 'tdp2.can.bo.2', 'tdp2.can.bo.3']);
    const all = ok(
      await t.gql<{ accounts: { totalCount: number } }>(
        ACCOUNTS,
        { unitId: unit.id, search: 'tdp2', includeDisabled: true },
        admin.token,
      ),
    );
    expect(all.accounts.totalCount).toBe(5);
  });

  it('never lists accounts above or beside the admin', async () => {
    const outside = await buildAccount(t.em(), tree.siblingCommune, [Role.VIEWER], { username: 'ben.canh.x' });
    const res = ok(
      await t.gql<{ accounts: { nodes: { id: string }[] } }>(ACCOUNTS, { search: 'ben.canh', first: 50 }, admin.token),
    );
    expect(res.accounts.nodes.map((n) => n.id)).not.toContain(outside.id);
    expect(errorCode(await t.gql(ACCOUNTS, { unitId: tree.province.id }, admin.token))).toBe('NOT_FOUND');
    const { token } = await tokenFor(t, tree.commune, [Role.LEADER]);
    expect(errorCode(await t.gql(ACCOUNTS, {}, token))).toBe('FORBIDDEN');
  });
});
