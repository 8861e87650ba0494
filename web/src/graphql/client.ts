// The one Apollo Client of the app: bearer token, refresh with the rotating refresh token,
// retries on a bad network, and errors in one shape. Loaded lazily (see useApi) to keep the
// first paint small: the field screens read IndexedDB, not this.
import {
  ApolloClient,
  ApolloLink,
  HttpLink,
  InMemoryCache,
  Observable,
  type FetchResult,
  type Operation,
} from '@apollo/client/core';
import { RetryLink } from '@apollo/client/link/retry';
import { print } from 'graphql/language/printer';
import { REFRESH_SESSION, type SessionTokens } from './documents';
import { ApiError, toApiError } from './errors';
import type { RefreshSessionMutation } from './generated/graphql';
import {
  accessTokenIsFresh,
  clearSession,
  getSession,
  refreshTokenExpired,
  reloadSession,
  saveSession,
  withRefreshLock,
} from './session';

const ENDPOINT = '/graphql';
/** Operations that must not carry a token or trigger a refresh. */
const ANONYMOUS = new Set(['SignIn', 'RefreshSession']);

/**
 * Trades the refresh token for a new pair. UNAUTHENTICATED means the sign-in was ended on the
 * server (revoked, disabled, token reused): the device signs out. A network failure keeps the
 * session: the person goes on working offline.
 */
export async function refreshSession(force = false): Promise<SessionTokens> {
  return withRefreshLock(async () => {
    const session = reloadSession();
    if (!session) throw new ApiError('UNAUTHENTICATED', 'not signed in');
    if (!force && accessTokenIsFresh(session)) return session;
    if (refreshTokenExpired(session)) {
      clearSession('ended-by-server');
      throw new ApiError('UNAUTHENTICATED', 'refresh token expired');
    }
    let body: { data?: RefreshSessionMutation | null; errors?: unknown[] };
    try {
      const response = await fetch(ENDPOINT, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          operationName: 'RefreshSession',
          query: print(REFRESH_SESSION),
          variables: { refreshToken: session.refreshToken },
        }),
      });
      body = await response.json();
    } catch (error) {
      throw new ApiError('NETWORK', (error as Error).message);
    }
    const next = body.data?.refreshSession;
    if (!next) {
      const error = toApiError({ errors: body.errors });
      if (error.code === 'UNAUTHENTICATED') clearSession('ended-by-server');
      throw error;
    }
    saveSession(next);
    return next;
  });
}

export async function accessToken(): Promise<string | null> {
  const session = getSession();
  if (!session) return null;
  if (accessTokenIsFresh(session)) return session.accessToken;
  return (await refreshSession()).accessToken;
}

function isUnauthenticated(result: FetchResult): boolean {
  return !!result.errors?.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
}

/** Adds the bearer token; on UNAUTHENTICATED refreshes once and replays the operation. */
const authLink = new ApolloLink(
  (operation: Operation, forward) =>
    new Observable<FetchResult>((observer) => {
      let subscription: { unsubscribe(): void } | undefined;
      let cancelled = false;
      const run = (token: string | null, retried: boolean) => {
        operation.setContext(({ headers = {} }: { headers?: Record<string, string> }) => ({
          headers: token ? { ...headers, authorization: `Bearer ${token}` } : headers,
        }));
        subscription = forward(operation).subscribe({
          next: (result) => {
            if (!retried && token && isUnauthenticated(result)) {
              refreshSession(true).then(
                (session) => !cancelled && run(session.accessToken, true),
                () => observer.next(result),
              );
              return;
            }
            observer.next(result);
            observer.complete();
          },
          error: (error) => observer.error(error),
        });
      };
      if (ANONYMOUS.has(operation.operationName)) run(null, true);
      else
        accessToken().then(
          (token) => !cancelled && run(token, false),
          (error) => observer.error(error),
        );
      return () => {
        cancelled = true;
        subscription?.unsubscribe();
      };
    }),
);

/**
 * Network failures and overloaded servers (5xx) only, with backoff and jitter. An answer from the
 * server (GraphQL errors, a 4xx) is not retried: it would say the same again, and neither is a
 * request made while the browser says it is offline: it fails at once, and the sync waits for
 * the 'online' event instead.
 */
const retryLink = new RetryLink({
  delay: { initial: 500, max: 8_000, jitter: true },
  attempts: {
    max: 4,
    retryIf: (error: { statusCode?: number } | undefined) =>
      !!error &&
      !(error instanceof ApiError) &&
      (error.statusCode === undefined || error.statusCode >= 500) &&
      (typeof navigator === 'undefined' || navigator.onLine !== false),
  },
});

export const apolloClient = new ApolloClient({
  link: ApolloLink.from([retryLink, authLink, new HttpLink({ uri: ENDPOINT })]),
  cache: new InMemoryCache(),
  defaultOptions: {
    query: { fetchPolicy: 'network-only', errorPolicy: 'none' },
    watchQuery: { fetchPolicy: 'cache-and-network' },
    mutate: { errorPolicy: 'none' },
  },
});

/** Forgets everything cached, for sign-out on a shared phone. */
export async function resetApolloCache(): Promise<void> {
  await apolloClient.clearStore();
}
