import { Role } from '../../../src/modules/accounts/role.js';
import { PASSWORD } from '../../support/auth-helpers.js';
import { anyone, lineOfCommand, onlyRoles, type MatrixEntry } from './matrix.js';

const adminInLine = onlyRoles([Role.ADMIN], lineOfCommand);

/** Sign-in and account management. */
export const entries: MatrixEntry[] = [
  {
    operation: 'Mutation.signIn',
    document: `mutation($u: String!, $p: String!) { signIn(username: $u, password: $p) { accessToken } }`,
    variables: async (fx) => ({ u: (await fx.newAccount(fx.units.unit)).username, p: PASSWORD }),
    expect: anyone,
    anonymous: 'ALLOW',
  },
  {
    operation: 'Mutation.refreshSession',
    document: `mutation($r: String!) { refreshSession(refreshToken: $r) { accessToken } }`,
    variables: async (fx, viewer) => ({
      r: (await fx.t.app.services.auth.startSession(fx.em(), await fx.newAccount(viewer.unit))).refreshToken,
    }),
    expect: anyone,
    anonymous: 'ALLOW',
  },
  { operation: 'Mutation.signOut', document: `mutation { signOut }`, expect: anyone, freshViewer: true },
  {
    operation: 'Mutation.changePassword',
    document: `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { id } }`,
    variables: () => ({ c: PASSWORD, n: 'Ma-trận-mới-2027' }),
    expect: anyone,
    freshViewer: true,
  },
  {
    operation: 'Query.accounts',
    document: `query($unitId: ID) { accounts(unitId: $unitId) { totalCount } }`,
    variables: (fx) => ({ unitId: fx.units.unit.id }),
    expect: adminInLine,
  },
  {
    operation: 'Query.account',
    document: `query($id: ID!) { account(id: $id) { id } }`,
    variables: (fx) => ({ id: fx.account.id }),
    expect: adminInLine,
  },
  {
    operation: 'Mutation.createAccount',
    document: `mutation($input: CreateAccountInput!) { createAccount(input: $input) { account { id } } }`,
    // ADMIN is the one role every admin viewer holds, so it is the role it may grant.
    variables: (fx) => ({
      input: { username: fx.unique('ma.tran'), displayName: 'Cán bộ ma trận', unitId: fx.units.unit.id, roles: ['ADMIN'] },
    }),
    expect: adminInLine,
  },
  {
    operation: 'Mutation.updateAccount',
    document: `mutation($id: ID!) { updateAccount(id: $id, input: { displayName: "Tên đã sửa" }) { id } }`,
    variables: async (fx) => ({ id: (await fx.newAccount(fx.units.unit)).id }),
    expect: adminInLine,
  },
  {
    operation: 'Mutation.disableAccount',
    document: `mutation($id: ID!) { disableAccount(id: $id) { id } }`,
    variables: async (fx) => ({ id: (await fx.newAccount(fx.units.unit)).id }),
    expect: adminInLine,
  },
  {
    operation: 'Mutation.enableAccount',
    document: `mutation($id: ID!) { enableAccount(id: $id) { id } }`,
    variables: async (fx) => ({ id: (await fx.newAccount(fx.units.unit)).id }),
    expect: adminInLine,
  },
  {
    operation: 'Mutation.resetPassword',
    document: `mutation($id: ID!) { resetPassword(id: $id) { temporaryPassword } }`,
    variables: async (fx) => ({ id: (await fx.newAccount(fx.units.unit)).id }),
    expect: adminInLine,
  },
];
