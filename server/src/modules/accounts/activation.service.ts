import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError, NotFoundError, UnauthenticatedError } from '../../common/errors.js';
import { assertUuid } from '../../common/ids.js';
import type { RateLimits } from '../../config.js';
import { actorOf, appendAuditEvents, type AuditService } from '../audit/audit.service.js';
import { consume, type RateLimiter } from '../rate-limit/rate-limiter.js';
import { assertCanAdminister } from '../scope/scope.js';
import type { Viewer } from '../scope/viewer.js';
import { Account } from './account.entity.js';
import { activationCodeMatches, hashActivationCode, newActivationCode } from './activation-code.js';
import type { AuthService, ClientInfo, Session } from './auth.service.js';
import { hashPassword, passwordProblem } from './password.js';

const WRONG = 'Wrong username or activation code, or the code has expired';

export interface ReissuedCode {
  username: string;
  displayName: string;
  unitCode: string;
  code: string;
}

/**
 * One-time activation codes of imported accounts (docs/SECURITY.md, "Activation codes"): the
 * officer signs in with username and code once, choosing a password; an administrator reissues
 * codes that expired or were lost.
 */
export class ActivationService {
  constructor(
    private readonly auth: AuthService,
    private readonly audit: AuditService,
    private readonly limiter: RateLimiter,
    private readonly options: { limits: RateLimits; activationCodeDays: number },
  ) {}

  /**
   * Activates an imported account: the code must be its current one and unexpired; the new
   * password replaces it and the code is spent. Rate-limited like a sign-in; a wrong username,
   * a wrong code and an expired one answer alike.
   */
  async activate(em: EntityManager, username: string, code: string, newPassword: string, client: ClientInfo): Promise<Session> {
    const name = username.trim().toLowerCase();
    const { limits } = this.options;
    await consume(this.limiter, em, `signin:ip:${client.ip}`, limits.signInPerIp, limits.windowSeconds);
    await consume(this.limiter, em, `signin:user:${name}`, limits.signInPerUsername, limits.windowSeconds);
    const problem = passwordProblem(newPassword);
    if (problem) throw new BadInputError('newPassword', problem);
    const account = await em.findOne(Account, { username: name }, { populate: ['activationCodeHash', 'unit'] });
    const now = new Date();
    if (
      !account ||
      account.disabledAt ||
      !account.activationExpiresAt ||
      account.activationExpiresAt <= now ||
      !activationCodeMatches(account.activationCodeHash, code)
    ) {
      await em.transactional((tx) =>
        this.audit.record(
          tx,
          {
            accountId: account?.id ?? null,
            username: name.slice(0, 64),
            unitId: account?.unit.id ?? null,
            unitPath: account?.unit.getEntity().path ?? null,
          },
          { action: 'auth.activation_failed', entityType: 'Account', entityId: account?.id ?? null, after: { ip: client.ip } },
        ),
      );
      throw new UnauthenticatedError(WRONG);
    }
    const passwordHash = await hashPassword(newPassword);
    const spent = await em.transactional(async (tx) => {
      // Spent in the statement that checks it: two activations with one code, only one wins.
      const rows = await tx.execute<{ id: string }[]>(
        `update account set password_hash = ?, must_change_password = false, activation_code_hash = null,
                activation_expires_at = null, failed_attempts = 0, locked_until = null, updated_at = now()
          where id = ? and activation_code_hash = ? returning id`,
        [passwordHash, account.id, hashActivationCode(code)],
      );
      if (!rows.length) return false;
      await this.audit.record(
        tx,
        { accountId: account.id, username: account.username, unitId: account.unit.id, unitPath: account.unit.getEntity().path },
        { action: 'account.activated', entityType: 'Account', entityId: account.id, after: { ip: client.ip } },
      );
      return true;
    });
    if (!spent) throw new UnauthenticatedError(WRONG);
    const fresh = await em.fork().findOneOrFail(Account, { id: account.id });
    return this.auth.startSession(em.fork(), fresh, client.userAgent);
  }

  /**
   * New codes for accounts of the administrator's subtree that have not set a password yet
   * (their old codes stop working); returned once, for the administrator's download.
   */
  async reissue(em: EntityManager, viewer: Viewer, accountIds: string[]): Promise<{ codes: ReissuedCode[]; expiresAt: Date }> {
    const ids = [...new Set(accountIds)];
    if (!ids.length) throw new BadInputError('accountIds', 'Choose at least one account');
    if (ids.length > 10_000) throw new BadInputError('accountIds', 'At most 10,000 accounts at a time');
    ids.forEach((id) => assertUuid('accountIds', id));
    const expiresAt = new Date(Date.now() + this.options.activationCodeDays * 86_400_000);
    return em.transactional(async (tx) => {
      const accounts = await tx.find(
        Account,
        { id: { $in: ids } },
        { populate: ['unit', 'activationCodeHash'], lockMode: LockMode.PESSIMISTIC_WRITE, lockTableAliases: ['a0'] },
      );
      const byId = new Map(accounts.map((a) => [a.id, a]));
      const codes: ReissuedCode[] = [];
      for (const id of ids) {
        const account = byId.get(id);
        if (!account) throw new NotFoundError('Account', id);
        assertCanAdminister(viewer, account.unit.getEntity().path, 'Account', id);
        if (!account.activationCodeHash)
          throw new BadInputError('accountIds', `${account.username} has already set a password; reset it instead`);
        const code = newActivationCode();
        account.activationCodeHash = hashActivationCode(code);
        account.activationExpiresAt = expiresAt;
        codes.push({
          username: account.username,
          displayName: account.displayName,
          unitCode: account.unit.getEntity().code,
          code,
        });
      }
      await tx.flush();
      await appendAuditEvents(
        tx,
        actorOf(viewer),
        accounts.map((a) => ({
          action: 'account.activation_reissued',
          entityType: 'Account',
          entityId: a.id,
          after: { activationExpiresAt: expiresAt.toISOString() },
          unitPath: a.unit.getEntity().path,
        })),
      );
      return { codes, expiresAt };
    });
  }
}
