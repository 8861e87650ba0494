import { openOfflineDatabase, type OfflineDatabase } from '../offline/db';

let database: OfflineDatabase | null = null;

/** The app's one local database, opened on first use. */
export function useDatabase(): OfflineDatabase {
  database ??= openOfflineDatabase();
  return database;
}

/** Tests start each case from an empty database. */
export async function resetDatabaseForTests(): Promise<void> {
  if (database) {
    database.close();
    await database.delete();
  }
  database = null;
}
