import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { hashActivationCode, newActivationCode } from '../accounts/activation-code.js';
import { Role } from '../accounts/role.js';
import { actorOf, appendAuditEvents, type AuditEntry } from '../audit/audit.service.js';
import { isWithin } from '../organisations/unit-path.js';
import type { Viewer } from '../scope/viewer.js';
import { ImportOutcome, ImportReason } from './import-columns.js';
import { KEYS, RowRefusal, inSlices, refuse, required, selectByKeys, type RowResult, type SourceRow } from './import-plan.js';

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

interface AccountRow {
  src: SourceRow;
  username: string;
  displayName: string;
  unit: UnitRef | null;
  roles: Role[];
  result: RowResult;
  existing: ExistingAccount | null;
}

export interface AccountPlan {
  creates: AccountRow[];
  updates: AccountRow[];
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

/**
 * Accounts: matched by username. New ones and changes go only to units of the importer's subtree,
 * with roles it holds; a username taken outside the subtree is refused, never updated.
 */
export async function planAccounts(
  em: EntityManager,
  viewer: Viewer,
  rows: SourceRow[],
): Promise<{ results: RowResult[]; plan: AccountPlan }> {
  const items: AccountRow[] = [];
  const seen = new Map<string, number>();
  for (const src of rows) {
    const username = String(src.values.username ?? '')
      .trim()
      .toLowerCase();
    const result: RowResult = {
      row: src.row,
      outcome: ImportOutcome.CREATE,
      key: username,
      column: null,
      reason: null,
      detail: null,
    };
    const item: AccountRow = { src, username, displayName: '', unit: null, roles: [], result, existing: null };
    items.push(item);
    try {
      required(src.values, 'username', 64);
      if (!USERNAME.test(username))
        refuse('username', ImportReason.BAD_VALUE, '3 to 64 letters a–z, digits, dots, dashes or underscores');
      const earlier = seen.get(username);
      if (earlier !== undefined) refuse('username', ImportReason.DUPLICATE_IN_FILE, String(earlier));
      seen.set(username, src.row);
      item.displayName = required(src.values, 'displayName', 255);
      required(src.values, 'unitCode', 64);
      item.roles = parseRoles(required(src.values, 'roles', 200));
    } catch (e) {
      settle(item, e);
    }
  }
  const live = items.filter((i) => i.result.outcome !== ImportOutcome.REFUSED);
  const units = new Map(
    (
      await selectByKeys<UnitRef>(
        em,
        `select id, code, path, active from unit where code = any(${KEYS})`,
        live.map((i) => String(i.src.values.unitCode).trim()),
      )
    ).map((u) => [u.code, u]),
  );
  const accounts = new Map(
    (
      await selectByKeys<ExistingAccount>(
        em,
        `select a.id, a.username, a.display_name, a.unit_id, u.code as unit_code, u.path, a.roles,
                a.disabled_at is not null as disabled, a.must_change_password
           from account a join unit u on u.id = a.unit_id where a.username = any(${KEYS})`,
        live.map((i) => i.username),
      )
    ).map((a) => [a.username, a]),
  );
  for (const item of live) {
    try {
      const code = String(item.src.values.unitCode).trim();
      const unit = units.get(code);
      if (!unit) refuse('unitCode', ImportReason.UNKNOWN_UNIT, code);
      if (!isWithin(unit!.path, viewer.unitPath)) refuse('unitCode', ImportReason.OUTSIDE_SUBTREE, code);
      if (!unit!.active) refuse('unitCode', ImportReason.INACTIVE_UNIT, code);
      item.unit = unit!;
      const found = accounts.get(item.username);
      if (!found) {
        const missing = item.roles.filter((r) => !viewer.roles.includes(r));
        if (missing.length) refuse('roles', ImportReason.ROLE_NOT_HELD, missing.join(', '));
        continue;
      }
      if (!isWithin(found.path, viewer.unitPath)) refuse('username', ImportReason.DUPLICATE_USERNAME, item.username);
      item.existing = found;
      const roles = [...found.roles].sort();
      const changedRoles = [...item.roles.filter((r) => !roles.includes(r)), ...roles.filter((r) => !item.roles.includes(r))];
      const same = found.display_name === item.displayName && found.unit_id === unit!.id && !changedRoles.length;
      if (same) {
        item.result.outcome = ImportOutcome.UNCHANGED;
        continue;
      }
      if (found.id === viewer.accountId) refuse('username', ImportReason.OWN_ACCOUNT);
      const missing = changedRoles.filter((r) => !viewer.roles.includes(r));
      if (missing.length) refuse('roles', ImportReason.ROLE_NOT_HELD, missing.join(', '));
      item.result.outcome = ImportOutcome.UPDATE;
    } catch (e) {
      settle(item, e);
    }
  }
  return {
    results: items.map((i) => i.result),
    plan: {
      creates: live.filter((i) => i.result.outcome === ImportOutcome.CREATE),
      updates: live.filter((i) => i.result.outcome === ImportOutcome.UPDATE),
    },
  };
}

function settle(item: AccountRow, e: unknown): void {
  if (!(e instanceof RowRefusal)) throw e;
  Object.assign(item.result, { outcome: ImportOutcome.REFUSED, column: e.column, reason: e.reason, detail: e.detail });
}

/**
 * Writes the plan in the caller's transaction: new accounts with a fresh activation code each
 * (only its SHA-256 is stored; the codes are returned once), changed accounts, audit events.
 */
export async function writeAccounts(
  tx: EntityManager,
  viewer: Viewer,
  plan: AccountPlan,
  expiresAt: Date,
  progress: (n: number) => void,
): Promise<IssuedCode[]> {
  const actor = actorOf(viewer);
  const issued: IssuedCode[] = [];
  await inSlices(
    plan.creates,
    5_000,
    async (slice) => {
      const rows = slice.map((c) => {
        const code = newActivationCode();
        issued.push({ username: c.username, displayName: c.displayName, unitCode: c.unit!.code, code });
        return {
          id: randomUUID(),
          username: c.username,
          display_name: c.displayName,
          unit_id: c.unit!.id,
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
          unitPath: slice[i]!.unit!.path,
        })),
      );
    },
    progress,
  );
  await inSlices(
    plan.updates,
    5_000,
    async (slice) => {
      await tx.execute(
        `update account a set display_name = r.display_name, unit_id = r.unit_id, roles = r.roles, updated_at = now()
           from jsonb_to_recordset(?::jsonb) as r(id uuid, display_name text, unit_id uuid, roles text[]) where a.id = r.id`,
        [
          JSON.stringify(
            slice.map((c) => ({ id: c.existing!.id, display_name: c.displayName, unit_id: c.unit!.id, roles: c.roles })),
          ),
        ],
      );
      await appendAuditEvents(
        tx,
        actor,
        slice.map((c): AuditEntry => {
          const e = c.existing!;
          const common = { username: e.username, disabled: e.disabled, mustChangePassword: e.must_change_password };
          return {
            action: 'account.updated',
            entityType: 'Account',
            entityId: e.id,
            before: { ...common, displayName: e.display_name, unitId: e.unit_id, roles: e.roles },
            after: { ...common, displayName: c.displayName, unitId: c.unit!.id, roles: c.roles, imported: true },
            unitPath: c.unit!.path,
          };
        }),
      );
    },
    progress,
  );
  return issued;
}
