import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { hashActivationCode, newActivationCode } from '../accounts/activation-code.js';
import { Role } from '../accounts/role.js';
import { actorOf, appendAuditEvents, type AuditEntry } from '../audit/audit.service.js';
import type { Viewer } from '../scope/viewer.js';
import { ImportReason } from './import-columns.js';
import { refuse, required, type SourceRow } from './import-plan.js';
import {
  STAGE,
  refuseDuplicates,
  refusedInto,
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
  ['existing_id', 'uuid'],
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

const REFUSALS: Record<string, string> = {
  UNKNOWN_UNIT: 'unitCode',
  OUTSIDE_SUBTREE: 'unitCode',
  INACTIVE_UNIT: 'unitCode',
  ROLE_NOT_HELD: 'roles',
  DUPLICATE_USERNAME: 'username',
  OWN_ACCOUNT: 'username',
};

/**
 * Accounts: matched by username. New ones and changes go only to units of the importer's subtree,
 * with roles it holds; a username taken outside the subtree is refused, never updated. Checked
 * set-based over the staging table, the first failing check of a row giving its reason.
 */
export async function checkAccounts(tx: EntityManager, viewer: Viewer): Promise<void> {
  await refuseDuplicates(tx, 'username');
  // The roles a row adds or removes, in the order the reason names them: its own (sorted), then the account's (sorted).
  const notHeld = (roles: string) => `array_to_string(array(${roles}), ', ')`;
  await tx.execute(
    `with v as (select ?::text as path, ?::text[] as roles, ?::uuid as account_id),
     x as (
       select s.row, u.id as unit_id, u.path as unit_path, a.id as account_id,
              case when u.id is null then 'UNKNOWN_UNIT'
                   when not starts_with(u.path, v.path) then 'OUTSIDE_SUBTREE'
                   when not u.active then 'INACTIVE_UNIT'
                   when a.id is null then case when m.create_missing <> '' then 'ROLE_NOT_HELD' else 'CREATE' end
                   when not starts_with(ap.path, v.path) then 'DUPLICATE_USERNAME'
                   when a.display_name = s.display_name and a.unit_id = u.id and s.roles <@ a.roles::text[]
                        and a.roles::text[] <@ s.roles then 'UNCHANGED'
                   when a.id = v.account_id then 'OWN_ACCOUNT'
                   when m.change_missing <> '' then 'ROLE_NOT_HELD'
                   else 'UPDATE' end as verdict,
              case when a.id is null then m.create_missing else m.change_missing end as missing
         from ${STAGE} s cross join v
         left join unit u on u.code = s.unit_code
         left join account a on a.username = s.key
         left join unit ap on ap.id = a.unit_id
         cross join lateral (
           select ${notHeld(`select r from unnest(s.roles) with ordinality t(r, i) where r <> all(v.roles) order by i`)} as create_missing,
                  ${notHeld(`select r from (
                      select r, 1 as k, i from unnest(s.roles) with ordinality t(r, i) where r <> all(coalesce(a.roles::text[], '{}'))
                      union all
                      select r, 2, i from unnest(array(select r from unnest(a.roles::text[]) r order by r collate "C")) with ordinality t(r, i)
                       where r <> all(s.roles)) c
                     where r <> all(v.roles) order by k, i`)} as change_missing
         ) m
        where s.outcome is null
     )
     update ${STAGE} s set unit_id = x.unit_id, unit_path = x.unit_path, existing_id = x.account_id,
            outcome = case when x.verdict in ('CREATE', 'UPDATE', 'UNCHANGED') then x.verdict else 'REFUSED' end,
            col = (?::jsonb)->>x.verdict,
            reason = case when x.verdict not in ('CREATE', 'UPDATE', 'UNCHANGED') then x.verdict end,
            detail = case x.verdict when 'ROLE_NOT_HELD' then x.missing when 'DUPLICATE_USERNAME' then s.key
                                    when 'OWN_ACCOUNT' then null else s.unit_code end
       from x where s.row = x.row`,
    [viewer.unitPath, `{${viewer.roles.join(',')}}`, viewer.accountId, JSON.stringify(REFUSALS)],
  );
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
  existing: Omit<ExistingAccount, 'unit_code' | 'path'>;
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
    `s.row, s.key, s.display_name, s.unit_id, s.unit_code, s.unit_path, s.roles,
     (select json_build_object('id', a.id, 'username', a.username, 'display_name', a.display_name, 'unit_id', a.unit_id,
                               'roles', a.roles, 'disabled', a.disabled_at is not null, 'must_change_password', a.must_change_password)
        from account a where a.id = s.existing_id) as existing`,
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
