import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { uuidArray } from './loaders.js';

/**
 * Loads plain rows by id with `sql` (which selects `id` and binds the ids as its one parameter,
 * `where x.id = any(?::uuid[])`), one statement per batch, shaped by `shape`. For the read paths:
 * no entity is hydrated into the request's identity map.
 */
export function rowLoader<T>(em: EntityManager, sql: string, shape: (row: Record<string, unknown>) => T) {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows = await em.getConnection().execute<Record<string, unknown>[]>(sql, [uuidArray(ids)]);
    const byId = new Map(rows.map((r) => [r.id as string, shape(r)]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** A timestamp column as a Date (the driver may give a Date or its text), null kept. */
export function toDate(v: unknown): Date | null {
  return v === null || v === undefined ? null : v instanceof Date ? v : new Date(v as string);
}
