import type { OfflineDatabase } from './db.js';

export interface UnsentSummary {
  entries: number;
  photos: number;
  conflicts: number;
  rejected: number;
}

/** Signing out would lose these: the app warns and asks for an explicit choice. */
export class UnsentEntriesError extends Error {
  constructor(readonly unsent: UnsentSummary) {
    super(`${unsent.entries} unsent entries and ${unsent.photos} unsent photos would be lost`);
    this.name = 'UnsentEntriesError';
  }
}

export async function unsentSummary(db: OfflineDatabase): Promise<UnsentSummary> {
  const [entries, photos, conflicts, rejected] = await Promise.all([
    db.outbox.count(),
    db.photos.filter((p) => p.status !== 'VERIFIED').count(),
    db.conflicts.count(),
    db.rejected.count(),
  ]);
  return { entries, photos, conflicts, rejected };
}

/**
 * Clears this account's data from the device. Refuses (UnsentEntriesError) while entries,
 * photos, conflicts or rejected entries are still here, unless `force` is set. The client id
 * stays: it names the installation, not the person.
 */
export async function signOutLocally(db: OfflineDatabase, options: { force?: boolean } = {}): Promise<void> {
  await db.transaction('rw', db.tables, async () => {
    const unsent = await unsentSummary(db);
    if (!options.force && (unsent.entries || unsent.photos || unsent.conflicts || unsent.rejected)) {
      throw new UnsentEntriesError(unsent);
    }
    for (const table of db.tables) {
      if (table.name === 'meta') continue;
      await table.clear();
    }
    const clientId = await db.meta.get('clientId');
    await db.meta.clear();
    if (clientId) await db.meta.put(clientId);
  });
}
