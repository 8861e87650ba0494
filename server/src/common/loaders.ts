import DataLoader from 'dataloader';
import type { EntityClass, EntityManager } from '@mikro-orm/postgresql';

/** Loads rows of `entity` by id, one query per batch. */
export function byIdLoader<T extends { id: string }>(em: EntityManager, entity: EntityClass<T>) {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = await em.find(entity, { id: { $in: [...ids] } } as never);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** Groups rows fetched for many keys by `keyOf`, in the order of `keys`. */
export function groupBy<K, T>(keys: readonly K[], rows: T[], keyOf: (row: T) => K): T[][] {
  const groups = new Map<K, T[]>(keys.map((k) => [k, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((k) => groups.get(k) ?? []);
}

/** A PostgreSQL array literal of UUIDs, bound as one parameter (`= any(?::uuid[])`). */
export function uuidArray(ids: readonly string[]): string {
  return `{${ids.join(',')}}`;
}
