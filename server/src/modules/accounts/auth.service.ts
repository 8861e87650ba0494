import { randomUUID } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, ErrorCode, UnauthenticatedError } from '../../common/errors.js';
import type { AuditService } from '../audit/audit.service.js';
import { Account } from './account.entity.js';
import { hashPassword, verifyPassword } from './password.js';
import { RefreshToken } from './refresh-token.entity.js';
import { hashRefreshToken, newRefreshToken, type TokenSigner } from './tokens.js';

export const MAX_FAILED_ATTEMPTS = 5;
export const LOCK_MINUTES = 15;
const WRONG_CREDENTIALS = 'Wrong username or password';

export interface Session {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  account: Account;
}

// Verifying against a real hash keeps a wrong username as slow as a wrong password.
let decoyHash: Promise<string> | null = null;

export class AuthService {
  constructor(
    private readonly tokens: TokenSigner,
    private readonly audit: AuditService,
    private readonly refreshTtlDays: number,
  ) {}

  /**
   * Signs in with username and password. A wrong username and a wrong password answer alike;
   * repeated failures lock the account for a while.
   */
  async signIn(em: EntityManager, username: string, password: string, userAgent: string | null): Promise<Session> {
    const name = username.trim().toLowerCase();
    const account = await em.findOne(Account, { username: name }, { populate: ['passwordHash', 'unit'] });
    if (!account) {
      await verifyPassword(await (decoyHash ??= hashPassword(randomUUID())), password);
      await em.transactional((tx) =>
        this.audit.record(
          tx,
          { accountId: null, username: name.slice(0, 64), unitId: null, unitPath: null },
          { action: 'auth.sign_in_failed', entityType: 'Account' },
        ),
      );
      throw new UnauthenticatedError(WRONG_CREDENTIALS);
    }
    const actor = {
      accountId: account.id,
      username: account.username,
      unitId: account.unit.id,
      unitPath: account.unit.getEntity().path,
    };
    const now = new Date();
    if (account.lockedUntil && account.lockedUntil > now) {
      throw new AppError(ErrorCode.RATE_LIMITED, 'Too many failed attempts; try again later', {
        retryAt: account.lockedUntil.toISOString(),
      });
    }
    const ok = await verifyPassword(account.passwordHash, password);
    if (!ok || account.disabledAt) {
      await em.transactional(async (tx) => {
        const failed = account.failedAttempts + 1;
        const lock = failed >= MAX_FAILED_ATTEMPTS;
        await tx.nativeUpdate(
          Account,
          { id: account.id },
          {
            failedAttempts: lock ? 0 : failed,
            lockedUntil: lock ? new Date(now.getTime() + LOCK_MINUTES * 60_000) : account.lockedUntil,
          },
        );
        await this.audit.record(tx, actor, {
          action: lock ? 'auth.locked' : 'auth.sign_in_failed',
          entityType: 'Account',
          entityId: account.id,
          unitPath: actor.unitPath,
        });
      });
      throw new UnauthenticatedError(WRONG_CREDENTIALS);
    }
    return em.transactional(async (tx) => {
      await tx.nativeUpdate(Account, { id: account.id }, { failedAttempts: 0, lockedUntil: null, lastSignInAt: now });
      const session = await this.issue(tx, account, randomUUID(), userAgent);
      await this.audit.record(tx, actor, { action: 'auth.sign_in', entityType: 'Account', entityId: account.id });
      return session;
    });
  }

  /**
   * Trades a refresh token for a new pair. A token that was already rotated is being reused,
   * which means it leaked: the whole sign-in is revoked.
   */
  async refresh(em: EntityManager, token: string, userAgent: string | null): Promise<Session> {
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
          { action: 'auth.refresh_reused', entityType: 'Account', entityId: account.id },
        );
        return 'reused' as const;
      }
      if (account.disabledAt) return null;
      stored.rotatedAt = now;
      return this.issue(tx, account, stored.familyId, userAgent);
    });
    if (!outcome || outcome === 'reused') throw new UnauthenticatedError('Your session has ended; sign in again');
    return outcome;
  }

  /** Revokes the sign-in behind `familyId`: its refresh tokens and, at once, its access tokens. */
  async signOut(em: EntityManager, accountId: string, familyId: string): Promise<void> {
    await em.nativeUpdate(RefreshToken, { familyId, account: accountId, revokedAt: null }, { revokedAt: new Date() });
  }

  /** A new sign-in for `account` without a password check: for tests and trusted tools. */
  startSession(em: EntityManager, account: Account, userAgent: string | null = null): Promise<Session> {
    return em.transactional((tx) => this.issue(tx, tx.merge(account), randomUUID(), userAgent));
  }

  private async issue(em: EntityManager, account: Account, familyId: string, userAgent: string | null): Promise<Session> {
    const refresh = newRefreshToken();
    const refreshTokenExpiresAt = new Date(Date.now() + this.refreshTtlDays * 86_400_000);
    em.create(RefreshToken, {
      id: randomUUID(),
      tokenHash: refresh.hash,
      familyId,
      account,
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
