import { randomUUID } from 'node:crypto';
import { hashActivationCode, newActivationCode } from '../../../src/modules/accounts/activation-code.js';
import { Role } from '../../../src/modules/accounts/role.js';
import { anyone, lineOfCommand, onlyRoles, type Fixture, type MatrixEntry, type MatrixViewer } from './matrix.js';

/**
 * Imports. An upload belongs to the account that sent it (another's id answers NOT_FOUND, tested
 * in imports.test.ts with the rows' own scope, OUTSIDE_SUBTREE); here each viewer imports a new
 * unit below its own unit, so the operation's roles are what the matrix shows.
 */
async function ownUpload(fx: Fixture, viewer: MatrixViewer): Promise<string> {
  const id = randomUUID();
  const csv = `Mã đơn vị,Tên đơn vị,Cấp,Mã đơn vị cấp trên\r\n${fx.unique('NK')},Chi bộ nhập,CELL,${viewer.unit.code}\r\n`;
  await fx
    .em()
    .getConnection()
    .execute(
      `insert into import_upload (id, account_id, kind, format, file_name, size, content) values (?, ?, 'UNITS', 'csv', 'm.csv', ?, ?)`,
      [id, viewer.account.id, csv.length, Buffer.from(csv)],
    );
  return id;
}

/** A new account at the fixture's unit waiting for activation, and its code. */
async function pendingAccount(fx: Fixture): Promise<{ id: string; username: string; code: string }> {
  const account = await fx.newAccount(fx.units.unit);
  const code = newActivationCode();
  await fx
    .em()
    .getConnection()
    .execute(`update account set activation_code_hash = ?, activation_expires_at = now() + interval '1 day' where id = ?`, [
      hashActivationCode(code),
      account.id,
    ]);
  return { id: account.id, username: account.username, code };
}

export const entries: MatrixEntry[] = [
  {
    operation: 'Mutation.previewImport',
    document: `mutation($id: ID!) { previewImport(uploadId: $id) { totalRows } }`,
    variables: async (fx, viewer) => ({ id: await ownUpload(fx, viewer) }),
    expect: onlyRoles([Role.ADMIN], anyone),
  },
  {
    operation: 'Mutation.applyImport',
    document: `mutation($id: ID!) { applyImport(uploadId: $id) { created } }`,
    variables: async (fx, viewer) => ({ id: await ownUpload(fx, viewer) }),
    expect: onlyRoles([Role.ADMIN], anyone),
  },
  {
    operation: 'Query.importProgress',
    document: `query($id: ID!) { importProgress(uploadId: $id) { state } }`,
    variables: async (fx, viewer) => ({ id: await ownUpload(fx, viewer) }),
    expect: onlyRoles([Role.ADMIN, Role.FOCAL], anyone),
  },
  {
    operation: 'Mutation.reissueActivationCodes',
    document: `mutation($ids: [ID!]!) { reissueActivationCodes(accountIds: $ids) { count } }`,
    variables: async (fx) => ({ ids: [(await pendingAccount(fx)).id] }),
    expect: onlyRoles([Role.ADMIN], lineOfCommand),
  },
  {
    operation: 'Mutation.activateAccount',
    document: `mutation($u: String!, $c: String!) { activateAccount(username: $u, code: $c, newPassword: "Ma-tran-kich-hoat-2027") { accessToken } }`,
    variables: async (fx) => {
      const a = await pendingAccount(fx);
      return { u: a.username, c: a.code };
    },
    expect: anyone,
    anonymous: 'ALLOW',
  },
];
