import type { EntityManager } from '@mikro-orm/postgresql';
import { rowLoader } from '../../common/rows.js';

/** What the read paths show of an account: its name and unit. */
export interface AccountRow {
  id: string;
  displayName: string;
  unit: { id: string };
}

/** Accounts by id as plain rows (name and unit only), one statement per batch. */
export function accountRowLoader(em: EntityManager) {
  return rowLoader<AccountRow>(em, 'select a.id, a.display_name, a.unit_id from account a where a.id = any(?::uuid[])', (r) => ({
    id: r.id as string,
    displayName: r.display_name as string,
    unit: { id: r.unit_id as string },
  }));
}
