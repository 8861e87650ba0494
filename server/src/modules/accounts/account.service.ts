import { randomInt } from 'node:crypto';
import { LockMode, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError } from '../../common/errors.js';
import { decodeCursor, toConnection, type Connection } from '../../common/pagination.js';
import { actorOf, type AuditService } from '../audit/audit.service.js';
import { Unit } from '../organisations/unit.entity.js';
import { subtreePattern } from '../organisations/unit-path.js';
import { assertCanAdminister, assertCanGrantRoles } from '../scope/scope.js';
import type { Viewer } from '../scope/viewer.js';
import { assertUuid } from '../../common/ids.js';
import { Account } from './account.entity.js';
import type { AccountsArgs, CreateAccountInput, UpdateAccountInput } from './account.inputs.js';
import { hashPassword, passwordProblem } from './password.js';
import { RefreshToken } from './refresh-token.entity.js';
import { Role } from './role.js';

const USERNAME = /^[a-z0-9._-]{3,64}$/;
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A temporary password easy to read aloud over the phone: three groups of four. */
export function temporaryPassword(): string {
  for (;;) {
    const groups = Array.from({ length: 3 }, () =>
      Array.from({ length: 4 }, () => ALPHABET[randomInt(ALPHABET.length)]).join(''),
    );
    const password = groups.join('-');
    if (!passwordProblem(password)) return password;
  }
}

/** What the audit trail keeps of an account: never its password hash. */
export function accountSnapshot(a: Account) {
  return {
    username: a.username,
    displayName: a.displayName,
    unitId: a.unit.id,
    roles: [...a.roles],
    disabled: Boolean(a.disabledAt),
    mustChangePassword: a.mustChangePassword,
  };
}

export interface AccountCredentials {
  account: Account;
  temporaryPassword: string;
}

export class AccountService {
  constructor(private readonly audit: AuditService) {}

  /** An account the admin manages; NOT_FOUND for a missing and a forbidden id alike. */
  async get(em: EntityManager, viewer: Viewer, id: string, lock = false): Promise<Account> {
    assertUuid('id', id);
    const account = await em.findOne(
      Account,
      { id },
      { populate: ['unit'], ...(lock ? { lockMode: LockMode.PESSIMISTIC_WRITE, lockTableAliases: ['a0'] } : {}) },
    );
    if (!account) throw new NotFoundError('Account', id);
    assertCanAdminister(viewer, account.unit.getEntity().path, 'Account', id);
    return account;
  }

  /** One page of the accounts of a unit and everything below it, by username. */
  async list(em: EntityManager, viewer: Viewer, args: AccountsArgs): Promise<Connection<Account>> {
    let root = viewer.unitPath;
    if (args.unitId) root = (await this.unitFor(em, viewer, args.unitId, 'unitId', false)).path;
    assertCanAdminister(viewer, root, 'Unit', args.unitId ?? undefined);
    const where: FilterQuery<Account>[] = [{ unit: { path: { $like: subtreePattern(root) } } }];
    if (!args.includeDisabled) where.push({ disabledAt: null });
    for (const word of (args.search ?? '').trim().split(/\s+/).filter(Boolean).slice(0, 8)) {
      const like = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.push({ $or: [{ username: { $ilike: like } }, { displayName: { $ilike: like } }] });
    }
    const page: FilterQuery<Account>[] = [...where];
    if (args.after) {
      const [username] = decodeCursor(args.after, 1) as [string];
      page.push({ username: { $gt: String(username) } });
    }
    const [rows, total] = await Promise.all([
      em.find(Account, { $and: page }, { orderBy: { username: 'asc' }, limit: args.first + 1 }),
      em.count(Account, { $and: where }),
    ]);
    return toConnection(rows, args.first, total, (a) => [a.username]);
  }

  /** Creates an account in the admin's subtree with a temporary password it must change. */
  async create(em: EntityManager, viewer: Viewer, input: CreateAccountInput): Promise<AccountCredentials> {
    const username = input.username.trim().toLowerCase();
    if (!USERNAME.test(username)) {
      throw new BadInputError('username', 'The username needs 3 to 64 letters a–z, digits, dots, dashes or underscores');
    }
    const displayName = this.displayName(input.displayName);
    const roles = this.roles(input.roles);
    const unit = await this.unitFor(em, viewer, input.unitId, 'unitId');
    assertCanGrantRoles(viewer, roles);
    const password = temporaryPassword();
    const passwordHash = await hashPassword(password);
    return em.transactional(async (tx) => {
      if (await tx.count(Account, { username })) throw new ConflictError(`The username "${username}" is already taken`);
      const account = tx.create(Account, {
        username,
        displayName,
        unit: tx.getReference(Unit, unit.id),
        roles,
        passwordHash,
        mustChangePassword: true,
      });
      await tx.flush();
      await this.audit.record(tx, actorOf(viewer), {
        action: 'account.created',
        entityType: 'Account',
        entityId: account.id,
        after: accountSnapshot(account),
        unitPath: unit.path,
      });
      return { account, temporaryPassword: password };
    });
  }

  /** Changes the display name, roles or unit of an account in the admin's subtree. */
  async update(em: EntityManager, viewer: Viewer, id: string, input: UpdateAccountInput): Promise<Account> {
    const displayName = input.displayName == null ? null : this.displayName(input.displayName);
    const roles = input.roles == null ? null : this.roles(input.roles);
    return em.transactional(async (tx) => {
      const account = await this.get(tx, viewer, id, true);
      const before = accountSnapshot(account);
      let unitPath = account.unit.getEntity().path;
      const self = account.id === viewer.accountId;
      if (roles) {
        const changed = [...roles.filter((r) => !account.roles.includes(r)), ...account.roles.filter((r) => !roles.includes(r))];
        if (changed.length && self) throw new ForbiddenError('You cannot change your own roles');
        assertCanGrantRoles(viewer, changed);
        account.roles = roles;
      }
      if (input.unitId && input.unitId !== account.unit.id) {
        if (self) throw new ForbiddenError('You cannot move your own account');
        const unit = await this.unitFor(tx, viewer, input.unitId, 'unitId');
        account.unit = tx.getReference(Unit, unit.id) as unknown as Account['unit'];
        unitPath = unit.path;
      }
      if (displayName) account.displayName = displayName;
      await tx.flush();
      await this.audit.record(tx, actorOf(viewer), {
        action: 'account.updated',
        entityType: 'Account',
        entityId: account.id,
        before,
        after: accountSnapshot(account),
        unitPath,
      });
      return account;
    });
  }

  /** Disables an account and ends all its sign-ins at once. */
  async disable(em: EntityManager, viewer: Viewer, id: string): Promise<Account> {
    return em.transactional(async (tx) => {
      const account = await this.get(tx, viewer, id, true);
      if (account.id === viewer.accountId) throw new ForbiddenError('You cannot disable your own account');
      const before = accountSnapshot(account);
      if (!account.disabledAt) account.disabledAt = new Date();
      await tx.nativeUpdate(RefreshToken, { account: account.id, revokedAt: null }, { revokedAt: new Date() });
      await tx.flush();
      await this.audit.record(tx, actorOf(viewer), {
        action: 'account.disabled',
        entityType: 'Account',
        entityId: account.id,
        before,
        after: accountSnapshot(account),
        unitPath: account.unit.getEntity().path,
      });
      return account;
    });
  }

  /** Enables a disabled account again and lifts any lockout. */
  async enable(em: EntityManager, viewer: Viewer, id: string): Promise<Account> {
    return em.transactional(async (tx) => {
      const account = await this.get(tx, viewer, id, true);
      const before = accountSnapshot(account);
      account.disabledAt = null;
      account.failedAttempts = 0;
      account.lockedUntil = null;
      await tx.flush();
      await this.audit.record(tx, actorOf(viewer), {
        action: 'account.enabled',
        entityType: 'Account',
        entityId: account.id,
        before,
        after: accountSnapshot(account),
        unitPath: account.unit.getEntity().path,
      });
      return account;
    });
  }

  /**
   * Gives an account a new temporary password (shown once), to be changed at next sign-in;
   * ends its sign-ins and lifts any lockout.
   */
  async resetPassword(em: EntityManager, viewer: Viewer, id: string): Promise<AccountCredentials> {
    const password = temporaryPassword();
    const passwordHash = await hashPassword(password);
    return em.transactional(async (tx) => {
      const account = await this.get(tx, viewer, id, true);
      if (account.id === viewer.accountId) throw new ForbiddenError('Change your own password with changePassword');
      const before = accountSnapshot(account);
      account.passwordHash = passwordHash;
      account.mustChangePassword = true;
      account.failedAttempts = 0;
      account.lockedUntil = null;
      await tx.nativeUpdate(RefreshToken, { account: account.id, revokedAt: null }, { revokedAt: new Date() });
      await tx.flush();
      await this.audit.record(tx, actorOf(viewer), {
        action: 'account.password_reset',
        entityType: 'Account',
        entityId: account.id,
        before,
        after: accountSnapshot(account),
        unitPath: account.unit.getEntity().path,
      });
      return { account, temporaryPassword: password };
    });
  }

  private async unitFor(em: EntityManager, viewer: Viewer, id: string, field: string, mustBeActive = true): Promise<Unit> {
    assertUuid(field, id);
    const unit = await em.findOne(Unit, { id });
    if (!unit) throw new NotFoundError('Unit', id);
    assertCanAdminister(viewer, unit.path, 'Unit', id);
    if (mustBeActive && !unit.active) throw new BadInputError(field, 'That unit has been deactivated');
    return unit;
  }

  private displayName(raw: string): string {
    const name = raw.trim();
    if (!name || name.length > 255) throw new BadInputError('displayName', 'The display name needs 1 to 255 characters');
    return name;
  }

  private roles(raw: Role[]): Role[] {
    const roles = [...new Set(raw)];
    if (!roles.length) throw new BadInputError('roles', 'An account needs at least one role');
    if (roles.some((r) => !Object.values(Role).includes(r))) throw new BadInputError('roles', 'Unknown role');
    return roles;
  }
}
