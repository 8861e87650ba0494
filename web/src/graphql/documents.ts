// The session's operations. Their types are generated from schema/schema.graphql
// (`npm run codegen`), so a query that no longer matches the contract fails lint and typecheck.
import { graphql } from './generated';
import type { Role as SchemaRole, SessionAccountFieldsFragment, SessionFieldsFragment } from './generated/graphql';

export type Role = SchemaRole;
export type SessionAccount = SessionAccountFieldsFragment;
export type SessionTokens = SessionFieldsFragment;

graphql(`
  fragment SessionAccountFields on Account {
    id
    username
    displayName
    roles
    mustChangePassword
    unit {
      id
      name
      kind
    }
  }
`);

graphql(`
  fragment SessionFields on Session {
    accessToken
    accessTokenExpiresAt
    refreshToken
    refreshTokenExpiresAt
    account {
      ...SessionAccountFields
    }
  }
`);

export const SIGN_IN = graphql(`
  mutation SignIn($username: String!, $password: String!) {
    signIn(username: $username, password: $password) {
      ...SessionFields
    }
  }
`);

export const REFRESH_SESSION = graphql(`
  mutation RefreshSession($refreshToken: String!) {
    refreshSession(refreshToken: $refreshToken) {
      ...SessionFields
    }
  }
`);

export const SIGN_OUT = graphql(`
  mutation SignOut {
    signOut
  }
`);

export const ME = graphql(`
  query Me {
    me {
      ...SessionAccountFields
    }
  }
`);
