// The sign-in kept on this device. Plain TypeScript (no Vue) so the Apollo links, the sync client
// and the tests share one source of truth.
import type { SessionAccount, SessionTokens } from './documents';

const STORAGE_KEY = 'resolute.session';
/** Refresh this long before the access token runs out, so a slow network does not race it. */
const EARLY_MS = 60_000;

export type SessionEndReason = 'signed-out' | 'ended-by-server';
type Listener = (session: SessionTokens | null, reason?: SessionEndReason) => void;

let current: SessionTokens | null = read();
const listeners = new Set<Listener>();

function read(): SessionTokens | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const value = JSON.parse(raw) as Partial<SessionTokens>;
    if (typeof value.refreshToken !== 'string' || typeof value.accessToken !== 'string' || !value.account?.id) return null;
    return value as SessionTokens;
  } catch {
    return null;
  }
}

export function getSession(): SessionTokens | null {
  return current;
}

export function currentAccount(): SessionAccount | null {
  return current?.account ?? null;
}

/** Stores a new pair of tokens (after sign-in or a refresh) and tells every listener. */
export function saveSession(session: SessionTokens): void {
  current = session;
  localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  for (const listener of listeners) listener(session);
}

/** Forgets the tokens on this device; local data is the caller's business. */
export function clearSession(reason: SessionEndReason = 'signed-out'): void {
  current = null;
  localStorage.removeItem(STORAGE_KEY);
  for (const listener of listeners) listener(null, reason);
}

export function onSessionChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function accessTokenIsFresh(session: SessionTokens | null, now = Date.now()): boolean {
  return !!session && Date.parse(session.accessTokenExpiresAt) - EARLY_MS > now;
}

/** The refresh token itself has run out: only a new sign-in helps. */
export function refreshTokenExpired(session: SessionTokens | null, now = Date.now()): boolean {
  return !session || Date.parse(session.refreshTokenExpiresAt) <= now;
}

/** Another tab may have changed the tokens. */
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (event) => {
    if (event.key !== STORAGE_KEY) return;
    current = read();
    for (const listener of listeners) listener(current, current ? undefined : 'signed-out');
  });
}

/**
 * Runs `refresh` with a lock shared by every tab. Refresh tokens rotate and reusing an old one ends
 * the sign-in, so two tabs must never trade the same token: the second one waits, re-reads the
 * stored session and uses what the first obtained.
 */
export async function withRefreshLock<T>(work: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) return work();
  return locks.request('resolute-session-refresh', () => work());
}

/** Re-reads storage: inside the lock, another tab may have refreshed already. */
export function reloadSession(): SessionTokens | null {
  current = read();
  return current;
}
