// Typed operations, written by hand against schema/schema.graphql (a test validates every one
// against that file, so a change in the contract fails the web tests instead of the person).
import type { TypedDocumentNode } from '@apollo/client/core';
import { parse } from 'graphql/language/parser';

export type Role = 'ADMIN' | 'FOCAL' | 'LEADER' | 'REPORTER' | 'VIEWER';

export interface SessionAccount {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  mustChangePassword: boolean;
  unit: { id: string; name: string; kind: string };
}

export interface SessionTokens {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
  account: SessionAccount;
}

const SESSION_FIELDS = `
  accessToken
  accessTokenExpiresAt
  refreshToken
  refreshTokenExpiresAt
  account { id username displayName roles mustChangePassword unit { id name kind } }
`;

function typed<Result, Variables>(source: string): TypedDocumentNode<Result, Variables> {
  return parse(source) as TypedDocumentNode<Result, Variables>;
}

export const SIGN_IN = typed<{ signIn: SessionTokens }, { username: string; password: string }>(
  `mutation SignIn($username: String!, $password: String!) { signIn(username: $username, password: $password) { ${SESSION_FIELDS} } }`,
);

export const REFRESH_SESSION = typed<{ refreshSession: SessionTokens }, { refreshToken: string }>(
  `mutation RefreshSession($refreshToken: String!) { refreshSession(refreshToken: $refreshToken) { ${SESSION_FIELDS} } }`,
);

export const SIGN_OUT = typed<{ signOut: boolean }, Record<string, never>>(`mutation SignOut { signOut }`);

export const ME = typed<{ me: SessionAccount }, Record<string, never>>(
  `query Me { me { id username displayName roles mustChangePassword unit { id name kind } } }`,
);

/** Every document above, for the test that checks them against the schema. */
export const ALL_DOCUMENTS = { SIGN_IN, REFRESH_SESSION, SIGN_OUT, ME };
