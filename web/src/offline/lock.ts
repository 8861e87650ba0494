import type { OfflineDatabase } from './db.js';

interface LockManagerLike {
  request<T>(name: string, options: { ifAvailable: boolean }, cb: (lock: unknown) => Promise<T>): Promise<T>;
}

/**
 * Runs `fn` only if no other tab (or SyncClient on the same database) is syncing, and answers
 * whether it ran. Uses the Web Locks API where the browser has it; elsewhere a lease row in the
 * database, renewed while the sync runs and taken over once it expires (a tab that died).
 */
export async function withSyncLock(
  db: OfflineDatabase,
  holder: string,
  fn: () => Promise<void>,
  options: { useWebLocks?: boolean; leaseMs?: number; now?: () => number } = {},
): Promise<boolean> {
  const locks = (globalThis as unknown as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  const name = `resolute-sync:${db.name}`;
  if (locks && options.useWebLocks !== false) {
    return locks.request(name, { ifAvailable: true }, async (lock) => {
      if (!lock) return false;
      await fn();
      return true;
    });
  }
  const leaseMs = options.leaseMs ?? 30_000;
  const now = options.now ?? Date.now;
  const take = () =>
    db.transaction('rw', db.meta, async () => {
      const lease = (await db.meta.get('syncLease'))?.value as { holder: string; until: number } | undefined;
      if (lease && lease.holder !== holder && lease.until > now()) return false;
      await db.meta.put({ key: 'syncLease', value: { holder, until: now() + leaseMs } });
      return true;
    });
  if (!(await take())) return false;
  const renew = setInterval(() => void take().catch(() => undefined), Math.max(1000, leaseMs / 3));
  try {
    await fn();
  } finally {
    clearInterval(renew);
    await db.transaction('rw', db.meta, async () => {
      const lease = (await db.meta.get('syncLease'))?.value as { holder: string } | undefined;
      if (lease?.holder === holder) await db.meta.delete('syncLease');
    });
  }
  return true;
}
