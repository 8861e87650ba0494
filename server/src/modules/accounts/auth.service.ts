import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, BadInputError, ErrorCode, UnauthenticatedError } from '../../common/errors.js';
import type { RateLimits } from '../../config.js';
import { actorOf, type AuditService } from '../audit/audit.service.js';
import { consume, type RateLimiter } from '../rate-limit/rate-limiter.js';
import type { Viewer } from '../scope/viewer.js';
import { Account } from './account.entity.js';
import { hashPassword, passwordProblem, verifyPassword } from './password.js';
import { RefreshToken } from './refresh-token.entity.js';
import { PushSubscription } from '../push/push-subscription.entity.js';
import { hashRefreshToken, newRefreshToken, type TokenSigner } from './tokens.js';

export const MAX_FAILED_ATTEMPTS = 5;
export const LOCK_MINUTES = 15;
const WRONG_CREDENTIALS = 'Wrong username or password';
const LOCKED = 'Too many failed attempts; try again later';

export interface Session {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  account: Account;
}

/** Where a sign-in or refresh comes from: counted by the rate limits, kept with the tokens. */
export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}

export interface AuthOptions {
  refreshTtlDays: number;
  refreshMaxDays: number;
  limits: RateLimits;
}

/** How long to hold the answer to the `failures`-th failed attempt in a row: doubles, capped at 8×. */
export function failureDelayMs(baseMs: number, failures: number): number {
  if (failures < 1 || baseMs <= 0) return 0;
  return baseMs * 2 ** Math.min(failures - 1, 3);
}

// Verifying against a real hash keeps a wrong username as slow as a wrong password.
let decoyHash: Promise<string> | null = null;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class AuthService {
  constructor(
    private readonly tokens: TokenSigner,
    private readonly audit: AuditService,
    private readonly limiter: RateLimiter,
    private readonly options: AuthOptions,
  ) {}

  /**
   * Signs in with username and password. A wrong username and a wrong password answer alike and
   * equally slowly; answers slow down with each failure; repeated failures lock the account for
   * a while; attempts are rate-limited per client address and per username across processes.
   */
  async signIn(em: EntityManager, username: string, password: string, client: ClientInfo): Promise<Session> {
    const name = username.trim().toLowerCase();
    const { limits } = this.options;
    await consume(this.limiter, em, `signin:ip:${client.ip}`, limits.signInPerIp, limits.windowSeconds);
    await consume(this.limiter, em, `signin:user:${name}`, limits.signInPerUsername, limits.windowSeconds);
    const failKey = `signin:fail:${name}`;

    const account = await em.findOne(Account, { username: name }, { populate: ['passwordHash', 'unit'] });
    const now = new Date();
    if (!account) {
      // An unknown name behaves like a known one: verified as slowly, locked after as many failures.
      if ((await this.limiter.peek(em, failKey)) >= MAX_FAILED_ATTEMPTS)
        throw this.locked(new Date(now.getTime() + LOCK_MINUTES * 60_000));
      await verifyPassword(await (decoyHash ??= hashPassword(randomUUID())), password);
      const fail = await this.limiter.hit(em, failKey, LOCK_MINUTES * 60);
      await em.transactional((tx) =>
        this.audit.record(
          tx,
          { accountId: null, username: name.slice(0, 64), unitId: null, unitPath: null },
          {
            action: fail.hits >= MAX_FAILED_ATTEMPTS ? 'auth.locked' : 'auth.sign_in_failed',
            entityType: 'Account',
            after: { ip: client.ip },
          },
        ),
      );
      await sleep(failureDelayMs(limits.signInDelayMs, fail.hits));
      throw new UnauthenticatedError(WRONG_CREDENTIALS);
    }
    const actor = {
      accountId: account.id,
      username: account.username,
      unitId: account.unit.id,
      unitPath: account.unit.getEntity().path,
    };
    if (account.lockedUntil && account.lockedUntil > now) throw this.locked(account.lockedUntil);
    const ok = await verifyPassword(account.passwordHash, password);
    if (!ok || account.disabledAt) {
      const fail = await this.limiter.hit(em, failKey, LOCK_MINUTES * 60);
      await em.transactional(async (tx) => {
        // Counted in the row itself, so two processes failing at once both count.
        const [row] = await tx
          .getConnection()
          .execute<{ failed_attempts: number }[]>(
            `update account set failed_attempts = failed_attempts + 1 where id = ? returning failed_attempts`,
            [account.id],
            'all',
            tx.getTransactionContext(),
          );
        const lock = row.failed_attempts >= MAX_FAILED_ATTEMPTS;
        if (lock) {
          await tx.nativeUpdate(
            Account,
            { id: account.id },
            { failedAttempts: 0, lockedUntil: new Date(now.getTime() + LOCK_MINUTES * 60_000) },
          );
        }
        await this.audit.record(tx, actor, {
          action: lock ? 'auth.locked' : 'auth.sign_in_failed',
          entityType: 'Account',
          entityId: account.id,
          after: { ip: client.ip, failedAttempts: row.failed_attempts, ...(account.disabledAt ? { disabled: true } : {}) },
        });
      });
      await sleep(failureDelayMs(limits.signInDelayMs, fail.hits));
      throw new UnauthenticatedError(WRONG_CREDENTIALS);
    }
    await this.limiter.reset(em, failKey);
    return em.transactional(async (tx) => {
      await tx.nativeUpdate(Account, { id: account.id }, { failedAttempts: 0, lockedUntil: null, lastSignInAt: now });
      const session = await this.issue(tx, account, randomUUID(), now, client.userAgent);
      await this.audit.record(tx, actor, {
        action: 'auth.sign_in',
        entityType: 'Account',
        entityId: account.id,
        after: { ip: client.ip, userAgent: client.userAgent?.slice(0, 255) ?? null },
      });
      return session;
    });
  }

  /**
   * Trades a refresh token for a new pair. A token that was already rotated is being reused,
   * which means it leaked: the whole sign-in is revoked. The new token lives `refreshTtlDays`
   * from now, but never past `refreshMaxDays` after the sign-in began.
   */
  async refresh(em: EntityManager, token: string, client: ClientInfo): Promise<Session> {
    const { limits } = this.options;
    await consume(this.limiter, em, `refresh:ip:${client.ip}`, limits.refreshPerIp, limits.windowSeconds);
    const outcome = await em.transactional(async (tx) => {
      const stored = await tx.findOne(
        RefreshToken,
        { tokenHash: hashRefreshToken(token) },
        { populate: ['account', 'account.unit'], lockMode: LockMode.PESSIMISTIC_WRITE, lockTableAliases: ['r0'] },
      );
      const now = new Date();
      if (!stored || stored.revokedAt || stored.expiresAt <= now) return null;
      const account = stored.account.getEntity();
      if (stored.rotatedAt) {
        await tx.nativeUpdate(RefreshToken, { familyId: stored.familyId, revokedAt: null }, { revokedAt: now });
        await this.audit.record(
          tx,
          { accountId: account.id, username: account.username, unitId: account.unit.id, unitPath: account.unit.getEntity().path },
          { action: 'auth.refresh_reused', entityType: 'Account', entityId: account.id, after: { ip: client.ip } },
        );
        return 'reused' as const;
      }
      if (account.disabledAt) return null;
      stored.rotatedAt = now;
      return this.issue(tx, account, stored.familyId, stored.signedInAt, client.userAgent);
    });
    if (!outcome || outcome === 'reused') throw new UnauthenticatedError('Your session has ended; sign in again');
    return outcome;
  }

  /**
   * Revokes the viewer's sign-in: its refresh tokens and, at once, its access tokens; the device
   * it registered for pushes gets no more.
   */
  async signOut(em: EntityManager, viewer: Viewer): Promise<void> {
    await em.transactional(async (tx) => {
      await tx.nativeUpdate(
        RefreshToken,
        { familyId: viewer.familyId, account: viewer.accountId, revokedAt: null },
        { revokedAt: new Date() },
      );
      await tx.nativeDelete(PushSubscription, { familyId: viewer.familyId, account: viewer.accountId });
      await this.audit.record(tx, actorOf(viewer), {
        action: 'auth.sign_out',
        entityType: 'Account',
        entityId: viewer.accountId,
      });
    });
  }

  /**
   * Replaces the viewer's password after checking the current one; clears "must change" and
   * ends the account's other sign-ins, keeping this one.
   */
  async changePassword(em: EntityManager, viewer: Viewer, currentPassword: string, newPassword: string): Promise<Account> {
    const { limits } = this.options;
    await consume(this.limiter, em, `password:account:${viewer.accountId}`, limits.signInPerUsername, limits.windowSeconds);
    const account = await em.findOneOrFail(Account, { id: viewer.accountId }, { populate: ['passwordHash'] });
    if (!(await verifyPassword(account.passwordHash, currentPassword))) {
      throw new BadInputError('currentPassword', 'The current password is wrong');
    }
    const problem = passwordProblem(newPassword);
    if (problem) throw new BadInputError('newPassword', problem);
    if (newPassword === currentPassword)
      throw new BadInputError('newPassword', 'The new password must differ from the current one');
    const passwordHash = await hashPassword(newPassword);
    return em.transactional(async (tx) => {
      const fresh = await tx.findOneOrFail(Account, { id: account.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const before = { mustChangePassword: fresh.mustChangePassword };
      fresh.passwordHash = passwordHash;
      fresh.mustChangePassword = false;
      await tx.nativeUpdate(
        RefreshToken,
        { account: account.id, familyId: { $ne: viewer.familyId }, revokedAt: null },
        { revokedAt: new Date() },
      );
      await this.audit.record(tx, actorOf(viewer), {
        action: 'account.password_changed',
        entityType: 'Account',
        entityId: account.id,
        before,
        after: { mustChangePassword: false },
      });
      return fresh;
    });
  }

  /** A new sign-in for `account` without a password check: for tests and trusted tools. */
  startSession(em: EntityManager, account: Account, userAgent: string | null = null): Promise<Session> {
    return em.transactional((tx) => this.issue(tx, tx.merge(account), randomUUID(), new Date(), userAgent));
  }

  private locked(until: Date): AppError {
    return new AppError(ErrorCode.RATE_LIMITED, LOCKED, { retryAt: until.toISOString() });
  }

  private async issue(
    em: EntityManager,
    account: Account,
    familyId: string,
    signedInAt: Date,
    userAgent: string | null,
  ): Promise<Session> {
    const refresh = newRefreshToken();
    const sliding = Date.now() + this.options.refreshTtlDays * 86_400_000;
    const cap = signedInAt.getTime() + this.options.refreshMaxDays * 86_400_000;
    const refreshTokenExpiresAt = new Date(Math.min(sliding, cap));
    em.create(RefreshToken, {
      id: randomUUID(),
      tokenHash: refresh.hash,
      familyId,
      account,
      signedInAt,
      expiresAt: refreshTokenExpiresAt,
      userAgent: userAgent?.slice(0, 255) ?? null,
      issuedAt: new Date(),
    });
    await em.flush();
    const access = await this.tokens.sign({ accountId: account.id, familyId });
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken: refresh.token,
      refreshTokenExpiresAt,
      account,
    };
  }
}
