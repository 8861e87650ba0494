import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { useDatabase } from '../composables/useDatabase';
import type { SessionAccount } from '../graphql/documents';
import { toApiError } from '../graphql/errors';
import { clearSession, getSession, onSessionChange, saveSession, type SessionEndReason } from '../graphql/session';
import { getMeta, setMeta } from '../offline/db';
import { PUSH_KEY } from '../offline/push-notice';
import { signOutLocally, unsentSummary, type UnsentSummary } from '../offline/session';

const OWNER_KEY = 'ownerAccountId';

/** Loaded on demand so the first screen does not wait for the GraphQL client. */
const api = () => import('../graphql/client');

export type SignOutOutcome = { done: true } | { done: false; unsent: UnsentSummary };

/**
 * Who is signed in on this device. The sign-in needs the network once; after that the session
 * lives in this browser until sign-out, and the app works offline with it.
 */
export const useAuthStore = defineStore('auth', () => {
  const account = shallowRef<SessionAccount | null>(getSession()?.account ?? null);
  /** Why the last session ended without the person asking, shown on the sign-in page. */
  const endReason = ref<SessionEndReason | null>(null);
  const signedIn = computed(() => account.value !== null);

  onSessionChange((session, reason) => {
    account.value = session?.account ?? null;
    if (!session && reason === 'ended-by-server') endReason.value = 'ended-by-server';
  });

  /** Signs in online. Data left by another account on this phone is cleared first. */
  async function signIn(username: string, password: string): Promise<void> {
    const { apolloClient } = await api();
    const { SIGN_IN } = await import('../graphql/documents');
    let session;
    try {
      const result = await apolloClient.mutate({ mutation: SIGN_IN, variables: { username, password }, fetchPolicy: 'no-cache' });
      session = result.data?.signIn;
    } catch (error) {
      throw toApiError(error);
    }
    await begin(session);
  }

  /** First sign-in of an imported account: its one-time activation code and the password it chooses. */
  async function activate(username: string, code: string, newPassword: string): Promise<void> {
    const { apolloClient } = await api();
    const { ACTIVATE_ACCOUNT } = await import('../graphql/imports');
    let session;
    try {
      const result = await apolloClient.mutate({
        mutation: ACTIVATE_ACCOUNT,
        variables: { username, code, newPassword },
        fetchPolicy: 'no-cache',
      });
      session = result.data?.activateAccount;
    } catch (error) {
      throw toApiError(error);
    }
    await begin(session);
  }

  async function begin(session: Parameters<typeof saveSession>[0] | undefined): Promise<void> {
    if (!session) throw toApiError(new Error('no session'));
    const db = useDatabase();
    const owner = await getMeta<string>(db, OWNER_KEY);
    // Someone else's unsent entries cannot be sent by this account; they stayed here only
    // because that session ended on the server side. A new person starts clean.
    if (owner && owner !== session.account.id) await signOutLocally(db, { force: true });
    await setMeta(db, OWNER_KEY, session.account.id);
    endReason.value = null;
    saveSession(session);
  }

  /** What would be lost by signing out now. */
  function unsent(): Promise<UnsentSummary> {
    return unsentSummary(useDatabase());
  }

  /**
   * Signs out and clears this device's data (shared phones). With unsent entries it refuses and
   * reports them, unless the person explicitly chose to discard them (`discardUnsent`).
   */
  async function signOut(options: { discardUnsent?: boolean } = {}): Promise<SignOutOutcome> {
    const db = useDatabase();
    const summary = await unsentSummary(db);
    const hasUnsent = summary.entries + summary.photos + summary.conflicts + summary.rejected > 0;
    if (hasUnsent && !options.discardUnsent) return { done: false, unsent: summary };
    // The browser's subscription goes too, so even offline the push service stops taking pushes
    // for this device (the server removes its record at SIGN_OUT, or at the push service's 410).
    await import('../composables/usePush').then((m) => m.dropPushSubscription()).catch(() => undefined);
    if (navigator.onLine && getSession()) {
      // Best effort: the server ends the refresh token; offline, it simply expires there.
      try {
        const { apolloClient, resetApolloCache } = await api();
        const { SIGN_OUT } = await import('../graphql/documents');
        await apolloClient.mutate({ mutation: SIGN_OUT, fetchPolicy: 'no-cache' });
        await resetApolloCache();
      } catch {
        // signed out locally all the same
      }
    }
    await signOutLocally(db, { force: true });
    clearSession('signed-out');
    endReason.value = null;
    return { done: true };
  }

  /**
   * The server ended this sign-in (account disabled, sign-in revoked): forget the tokens. The
   * local data and outbox stay until someone signs in again, so the same person loses nothing.
   */
  function endedByServer(): void {
    // The server no longer honours the service worker's notice key either; it goes all the same.
    void useDatabase()
      .meta.delete(PUSH_KEY)
      .catch(() => undefined);
    clearSession('ended-by-server');
  }

  return { account, endReason, signedIn, signIn, activate, signOut, unsent, endedByServer };
});
