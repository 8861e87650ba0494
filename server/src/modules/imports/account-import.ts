import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { hashActivationCode, newActivationCode } from '../accounts/activation-code.js';
import { Role } from '../accounts/role.js';
import { actorOf, appendAuditEvents, type AuditEntry } from '../audit/audit.service.js';
import { isWithin } from '../organisations/unit-path.js';
import type { Viewer } from '../scope/viewer.js';
import { ImportOutcome, ImportReason } from './import-columns.js';
import { KEYS, refuse, required, type SourceRow } from './import-plan.js';
import {
  refuseDuplicates,
  refusedInto,
  settleStaged,
  stagePages,
  stagedRow,
  type StageColumns,
  type StagedRow,
} from './import-stage.js';

const USERNAME = /^[a-z0-9._-]{3,64}$/;

/** Role names as written in Vietnamese templates, beside the English ones. */
const ROLE_WORDS: Record<string, Role> = {
  'quản trị': Role.ADMIN,
  'lãnh đạo': Role.LEADER,
  'đầu mối': Role.FOCAL,
  'báo cáo': Role.REPORTER,
  xem: Role.VIEWER,
};

/** A password hash no password matches: the account opens only with its activation code. */
export const NO_PASSWORD = '!activation-pending';

interface ExistingAccount {
  id: string;
  username: string;
  display_name: string;
  unit_id: string;
  unit_code: string;
  path: string;
  roles: Role[];
  disabled: boolean;
  must_change_password: boolean;
}

interface UnitRef {
  id: string;
  code: string;
  path: string;
  active: boolean;
}

/** A code handed to one new account, for the administrator's one-time download. */
export interface IssuedCode {
  username: string;
  displayName: string;
  unitCode: string;
  code: string;
}

function parseRoles(raw: string): Role[] {
  const roles = new Set<Role>();
  for (const word of raw
    .split(/[,;]/)
    .map((w) => w.trim())
    .filter(Boolean)) {
    const role = (Object.values(Role) as string[]).includes(word.toUpperCase())
      ? (word.toUpperCase() as Role)
      : ROLE_WORDS[word.toLowerCase()];
    if (!role) refuse('roles', ImportReason.BAD_VALUE, word.slice(0, 40));
    roles.add(role!);
  }
  if (!roles.size) refuse('roles', ImportReason.MISSING_VALUE);
  return [...roles].sort();
}

/** An account row's values in the staging table (the username is its key). */
export const ACCOUNT_VALUES: StageColumns = [
  ['display_name', 'text'],
  ['unit_code', 'text'],
  ['roles', 'text[]'],
];

/** What the checks find out: the unit, and the account the username already names. */
export const ACCOUNT_WORK: StageColumns = [
  ['unit_id', 'uuid'],
  ['unit_path', 'text'],
  ['existing', 'jsonb'],
];

/** The checks of one row alone, as it is read. */
export function stageAccount(src: SourceRow): StagedRow {
  const username = String(src.values.username ?? '')
    .trim()
    .toLowerCase();
  const staged = stagedRow(src.row, username);
  try {
    required(src.values, 'username', 64);
    if (!USERNAME.test(username))
      refuse('username', ImportReason.BAD_VALUE, '3 to 64 letters a–z, digits, dots, dashes or underscores');
    // Compared with the other rows before the rest is checked: a later row repeating it is a duplicate either way.
    staged.dup_key = username;
    staged.display_name = required(src.values, 'displayName', 255);
    required(src.values, 'unitCode', 64);
    staged.unit_code = String(src.values.unitCode).trim();
    staged.roles = parseRoles(required(src.values, 'roles', 200));
  } catch (e) {
    refusedInto(staged, e);
  }
  return staged;
}

interface LiveAccount {
  row: number;
  key: string;
  display_name: string;
  unit_code: string;
  roles: Role[];
}

/**
 * Accounts: matched by username. New ones and changes go only to units of the importer's subtree,
 * with roles it holds; a username taken outside the subtree is refused, never updated. Duplicates
 * within the file are found set-based; the rest a page of staged rows at a time.
 */
export async function checkAccounts(tx: EntityManager, viewer: Viewer, progress: (n: number) => void): Promise<void> {
  await refuseDuplicates(tx, 'username');
  for await (const page of stagePages<LiveAccount>(
    tx,
    `s.row, s.key, s.display_name, s.unit_code, s.roles`,
    `s.outcome is null`,
  )) {
    const units = new Map(
      (
        await tx.execute<UnitRef[]>(`select id, code, path, active from unit where code = any(${KEYS})`, [
          JSON.stringify([...new Set(page.map((i) => i.unit_code))]),
        ])
      ).map((u) => [u.code, u]),
    );
    const accounts = new Map(
      (
        await tx.execute<ExistingAccount[]>(
          `select a.id, a.username, a.display_name, a.unit_id, u.code as unit_code, u.path, a.roles,
                  a.disabled_at is not null as disabled, a.must_change_password
             from account a join unit u on u.id = a.unit_id where a.username = any(${KEYS})`,
          [JSON.stringify(page.map((i) => i.key))],
        )
      ).map((a) => [a.username, a]),
    );
    const settled = page.map((item) => {
      const staged = stagedRow(item.row, item.key);
      try {
        const unit = units.get(item.unit_code);
        if (!unit) refuse('unitCode', ImportReason.UNKNOWN_UNIT, item.unit_code);
        if (!isWithin(unit!.path, viewer.unitPath)) refuse('unitCode', ImportReason.OUTSIDE_SUBTREE, item.unit_code);
        if (!unit!.active) refuse('unitCode', ImportReason.INACTIVE_UNIT, item.unit_code);
        Object.assign(staged, { unit_id: unit!.id, unit_path: unit!.path });
        const found = accounts.get(item.key);
        if (!found) {
          const missing = item.roles.filter((r) => !viewer.roles.includes(r));
          if (missing.length) refuse('roles', ImportReason.ROLE_NOT_HELD, missing.join(', '));
          staged.outcome = ImportOutcome.CREATE;
          return staged;
        }
        if (!isWithin(found.path, viewer.unitPath)) refuse('username', ImportReason.DUPLICATE_USERNAME, item.key);
        staged.existing = found;
        const roles = [...found.roles].sort();
        const changedRoles = [...item.roles.filter((r) => !roles.includes(r)), ...roles.filter((r) => !item.roles.includes(r))];
        if (found.display_name === item.display_name && found.unit_id === unit!.id && !changedRoles.length) {
          staged.outcome = ImportOutcome.UNCHANGED;
          return staged;
        }
        if (found.id === viewer.accountId) refuse('username', ImportReason.OWN_ACCOUNT);
        const missing = changedRoles.filter((r) => !viewer.roles.includes(r));
        if (missing.length) refuse('roles', ImportReason.ROLE_NOT_HELD, missing.join(', '));
        staged.outcome = ImportOutcome.UPDATE;
      } catch (e) {
        refusedInto(staged, e);
      }
      return staged;
    });
    await settleStaged(tx, ACCOUNT_WORK, settled);
    progress(page.length);
  }
}

interface NewAccount {
  row: number;
  key: string;
  display_name: string;
  unit_id: string;
  unit_code: string;
  unit_path: string;
  roles: Role[];
}

interface ChangedAccount extends NewAccount {
  existing: ExistingAccount;
}

/**
 * Writes the checked rows in the caller's transaction: new accounts with a fresh activation code
 * each (only its SHA-256 is stored; the clear codes go to `issue`, for the administrator's sheet),
 * changed accounts, audit events.
 */
export async function writeAccounts(
  tx: EntityManager,
  viewer: Viewer,
  expiresAt: Date,
  progress: (n: number) => void,
  issue: (codes: IssuedCode[]) => void,
): Promise<void> {
  const actor = actorOf(viewer);
  for await (const page of stagePages<NewAccount>(
    tx,
    `s.row, s.key, s.display_name, s.unit_id, s.unit_code, s.unit_path, s.roles`,
    `s.outcome = 'CREATE'`,
  )) {
    const codes: IssuedCode[] = [];
    const rows = page.map((c) => {
      const code = newActivationCode();
      codes.push({ username: c.key, displayName: c.display_name, unitCode: c.unit_code, code });
      return {
        id: randomUUID(),
        username: c.key,
        display_name: c.display_name,
        unit_id: c.unit_id,
        roles: c.roles,
        activation_code_hash: hashActivationCode(code),
      };
    });
    await tx.execute(
      `insert into account (id, username, display_name, unit_id, roles, password_hash, must_change_password,
                            activation_code_hash, activation_expires_at)
       select id, username, display_name, unit_id, roles, ?, true, activation_code_hash, ?::timestamptz
         from jsonb_to_recordset(?::jsonb) as r(id uuid, username text, display_name text, unit_id uuid, roles text[],
                                                 activation_code_hash text)`,
      [NO_PASSWORD, expiresAt.toISOString(), JSON.stringify(rows)],
    );
    await appendAuditEvents(
      tx,
      actor,
      rows.map((r, i): AuditEntry => ({
        action: 'account.created',
        entityType: 'Account',
        entityId: r.id,
        after: {
          username: r.username,
          displayName: r.display_name,
          unitId: r.unit_id,
          roles: r.roles,
          disabled: false,
          mustChangePassword: true,
          imported: true,
          activationExpiresAt: expiresAt.toISOString(),
        },
        unitPath: page[i]!.unit_path,
      })),
    );
    issue(codes);
    progress(page.length);
  }
  for await (const page of stagePages<ChangedAccount>(
    tx,
    `s.row, s.key, s.display_name, s.unit_id, s.unit_code, s.unit_path, s.roles, s.existing`,
    `s.outcome = 'UPDATE'`,
  )) {
    await tx.execute(
      `update account a set display_name = r.display_name, unit_id = r.unit_id, roles = r.roles, updated_at = now()
         from jsonb_to_recordset(?::jsonb) as r(id uuid, display_name text, unit_id uuid, roles text[]) where a.id = r.id`,
      [
        JSON.stringify(
          page.map((c) => ({ id: c.existing.id, display_name: c.display_name, unit_id: c.unit_id, roles: c.roles })),
        ),
      ],
    );
    await appendAuditEvents(
      tx,
      actor,
      page.map((c): AuditEntry => {
        const e = c.existing;
        const common = { username: e.username, disabled: e.disabled, mustChangePassword: e.must_change_password };
        return {
          action: 'account.updated',
          entityType: 'Account',
          entityId: e.id,
          before: { ...common, displayName: e.display_name, unitId: e.unit_id, roles: e.roles },
          after: { ...common, displayName: c.display_name, unitId: c.unit_id, roles: c.roles, imported: true },
          unitPath: c.unit_path,
        };
      }),
    );
    progress(page.length);
  }
}
