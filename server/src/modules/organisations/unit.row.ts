import type { EntityManager } from '@mikro-orm/postgresql';
import { rowLoader } from '../../common/rows.js';

/** A unit as the read paths hand it to the `Unit` type's resolvers; a `Unit` entity has the same shape. */
export interface UnitRow {
  id: string;
  seq: number;
  code: string;
  name: string;
  kind: string;
  path: string;
  depth: number;
  active: boolean;
  parent?: { id: string } | null;
}

/** Units by id as plain rows, one statement per batch. */
export function unitRowLoader(em: EntityManager) {
  return rowLoader<UnitRow>(
    em,
    'select u.id, u.seq, u.code, u.name, u.kind, u.path, u.depth, u.active, u.parent_id from unit u where u.id = any(?::uuid[])',
    (r) => ({
      id: r.id as string,
      seq: Number(r.seq),
      code: r.code as string,
      name: r.name as string,
      kind: r.kind as string,
      path: r.path as string,
      depth: Number(r.depth),
      active: Boolean(r.active),
      parent: r.parent_id ? { id: r.parent_id as string } : null,
    }),
  );
}
