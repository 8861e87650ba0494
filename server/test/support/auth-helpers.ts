import type { EntityManager } from '@mikro-orm/postgresql';
import type { Account } from '../../src/modules/accounts/account.entity.js';
import { hashPassword } from '../../src/modules/accounts/password.js';
import type { Role } from '../../src/modules/accounts/role.js';
import type { Unit } from '../../src/modules/organisations/unit.entity.js';
import { buildAccount } from './factories.js';
import type { GraphQLResponse } from './test-app.js';

export const PASSWORD = 'Mật-khẩu-2026';

let known: Promise<string> | null = null;

/** An account whose password is PASSWORD (hashed once per test file: Argon2 is slow on purpose). */
export async function buildAccountWithPassword(
  em: EntityManager,
  unit: Unit,
  roles: Role[],
  over: Partial<{ username: string; mustChangePassword: boolean }> = {},
): Promise<Account> {
  return buildAccount(em, unit, roles, { ...over, passwordHash: await (known ??= hashPassword(PASSWORD)) });
}

export const SIGN_IN = `mutation($username: String!, $password: String!) {
  signIn(username: $username, password: $password) {
    accessToken refreshToken refreshTokenExpiresAt account { id username mustChangePassword }
  }
}`;

export const REFRESH = `mutation($refreshToken: String!) {
  refreshSession(refreshToken: $refreshToken) { accessToken refreshToken refreshTokenExpiresAt }
}`;

export type SignInData = {
  signIn: {
    accessToken: string;
    refreshToken: string;
    refreshTokenExpiresAt: string;
    account: { id: string; username: string; mustChangePassword: boolean };
  };
};

/** POST /graphql with extra headers (an X-Forwarded-For, an Origin…); the status comes back too. */
export async function post<T = Record<string, unknown>>(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; json: GraphQLResponse<T> }> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, json: (await res.json()) as GraphQLResponse<T> };
}
