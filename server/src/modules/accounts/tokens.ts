import { createHash, randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import { LRUCache } from 'lru-cache';
import { UnauthenticatedError } from '../../common/errors.js';

export interface AccessClaims {
  accountId: string;
  familyId: string;
}

const ISSUER = 'resolute';

/** Signs and verifies short-lived access tokens (HS256 JWT). */
export class TokenSigner {
  private readonly key: Uint8Array;
  // A device sends one token with every request until it expires: its signature is checked once.
  private readonly verified = new LRUCache<string, AccessClaims & { exp: number }>({ max: 50_000 });

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async sign(claims: AccessClaims): Promise<{ token: string; expiresAt: Date }> {
    const expiresAt = new Date(Date.now() + this.ttlSeconds * 1000);
    const token = await new SignJWT({ fam: claims.familyId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.accountId)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.key);
    return { token, expiresAt };
  }

  async verify(token: string): Promise<AccessClaims> {
    const known = this.verified.get(token);
    if (known && known.exp * 1000 > Date.now()) return { accountId: known.accountId, familyId: known.familyId };
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || typeof payload.fam !== 'string' || typeof payload.exp !== 'number')
        throw new Error('claims');
      const claims = { accountId: payload.sub, familyId: payload.fam };
      this.verified.set(token, { ...claims, exp: payload.exp });
      return claims;
    } catch {
      this.verified.delete(token);
      throw new UnauthenticatedError('Your session has expired; sign in again');
    }
  }
}

/** A new opaque refresh token and the hash under which it is stored. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
