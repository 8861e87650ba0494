import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError, NotFoundError } from '../../common/errors.js';
import { decodeCursor, toConnection, type Connection, type PageArgs } from '../../common/pagination.js';
import { Unit } from '../organisations/unit.entity.js';
import { subtreePattern } from '../organisations/unit-path.js';
import { auditScopeSql, canSeeUnit } from '../scope/scope.js';
import type { Viewer } from '../scope/viewer.js';
import { assertUuid } from '../../common/ids.js';
import { AuditEvent } from './audit-event.entity.js';
import type { AuditEventFilter } from './audit.type.js';

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
  /** The unit whose line of command may read this event; defaults to the actor's. */
  unitPath?: string | null;
}

export interface AuditActor {
  accountId: string | null;
  username: string | null;
  unitId: string | null;
  unitPath: string | null;
}

export const GENESIS_HASH = '0'.repeat(64);

export function actorOf(viewer: Viewer): AuditActor {
  return { accountId: viewer.accountId, username: viewer.username, unitId: viewer.unitId, unitPath: viewer.unitPath };
}

/** The chain an event joins: the province-level segment of its unit path, or "central". */
export function chainKeyFor(unitPath: string | null): string {
  const segments = (unitPath ?? '').split('/').filter(Boolean);
  return segments.length >= 2 ? `/${segments[0]}/${segments[1]}/` : 'central';
}

/** Canonical JSON (sorted keys) so the same event always hashes the same. */
export function canonical(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface HashedFields {
  chainKey: string;
  chainSeq: string;
  at: Date;
  actorAccountId: string | null;
  actorUsername: string | null;
  actorUnitId: string | null;
  actorUnitPath: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  prevHash: string;
}

export function eventHash(e: HashedFields): string {
  return createHash('sha256')
    .update(
      canonical({
        chainKey: e.chainKey,
        chainSeq: String(e.chainSeq),
        at: e.at,
        actorAccountId: e.actorAccountId,
        actorUsername: e.actorUsername,
        actorUnitId: e.actorUnitId,
        actorUnitPath: e.actorUnitPath,
        action: e.action,
        entityType: e.entityType,
        entityId: e.entityId,
        before: e.before ?? null,
        after: e.after ?? null,
        prevHash: e.prevHash,
      }),
    )
    .digest('hex');
}

export class AuditService {
  /**
   * One page of the events recorded against units in the viewer's subtree (or below `unitId`),
   * newest first. Events of a unit outside it are never returned or counted.
   */
  async list(em: EntityManager, viewer: Viewer, filter: AuditEventFilter, page: PageArgs): Promise<Connection<AuditEvent>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, ...p: unknown[]) => {
      where.push(sql);
      params.push(...p);
    };
    const scope = auditScopeSql(viewer);
    add(scope.sql, ...scope.params);
    if (filter.unitId) {
      assertUuid('unitId', filter.unitId);
      const unit = await em.findOne(Unit, { id: filter.unitId });
      if (!unit || !canSeeUnit(viewer, unit.path)) throw new NotFoundError('Unit', filter.unitId);
      add('e.actor_unit_path like ?', subtreePattern(unit.path));
    }
    if (filter.actions?.length) {
      const actions = filter.actions.slice(0, 50);
      add(`e.action in (${actions.map(() => '?').join(', ')})`, ...actions);
    }
    if (filter.entityType) add('e.entity_type = ?', filter.entityType);
    if (filter.entityId) add('e.entity_id = ?', filter.entityId);
    if (filter.actorAccountId) {
      assertUuid('actorAccountId', filter.actorAccountId);
      add('e.actor_account_id = ?', filter.actorAccountId);
    }
    if (filter.from) add('e.at >= ?', filter.from);
    if (filter.to) add('e.at < ?', filter.to);
    if (filter.from && filter.to && filter.from > filter.to) throw new BadInputError('to', '"to" comes before "from"');
    const base = where.join(' and ');
    const conn = em.getConnection();
    const [{ n }] = await conn.execute<{ n: string }[]>(`select count(*) as n from audit_event e where ${base}`, params);
    const keyset: string[] = [];
    const keyParams: unknown[] = [];
    if (page.after) {
      const [id] = decodeCursor(page.after, 1);
      if (typeof id !== 'string' || !/^\d{1,19}$/.test(id))
        throw new BadInputError('after', 'The cursor is not one this server issued');
      keyset.push('e.id < ?');
      keyParams.push(id);
    }
    const rows = await conn.execute<Record<string, unknown>[]>(
      `select e.* from audit_event e where ${[base, ...keyset].join(' and ')} order by e.id desc limit ?`,
      [...params, ...keyParams, page.first + 1],
    );
    const events = rows.map((r) => em.map(AuditEvent, r));
    return toConnection(events, page.first, Number(n), (e) => [String(e.id)]);
  }

  /**
   * Appends an event inside the caller's transaction, unsealed: it locks nothing, so writers never
   * wait on one another. The derived-data worker links it into its chain (`sealAuditEvents`).
   */
  async record(em: EntityManager, actor: AuditActor, entry: AuditEntry): Promise<void> {
    await appendAuditEvents(em, actor, [entry]);
  }
}

/** Appends several events of one actor in one statement, unsealed. */
export async function appendAuditEvents(em: EntityManager, actor: AuditActor, entries: AuditEntry[]): Promise<void> {
  if (!entries.length) return;
  // Millisecond precision: what PostgreSQL stores must hash the same when read back.
  const at = new Date(Math.floor(Date.now()));
  const rows = entries.map((entry) => {
    const unitPath = entry.unitPath ?? actor.unitPath;
    const before = normalise(entry.before);
    const after = normalise(entry.after);
    return {
      chain_key: chainKeyFor(unitPath),
      at: at.toISOString(),
      actor_account_id: actor.accountId,
      actor_username: actor.username,
      actor_unit_id: actor.unitId,
      actor_unit_path: unitPath,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId ?? null,
      before,
      after,
    };
  });
  await em.execute(
    `insert into audit_event (chain_key, at, actor_account_id, actor_username, actor_unit_id, actor_unit_path,
       action, entity_type, entity_id, before, after)
     select chain_key, at, actor_account_id, actor_username, actor_unit_id, actor_unit_path,
            action, entity_type, entity_id, before, after
       from jsonb_to_recordset(?::jsonb) as e(chain_key text, at timestamptz, actor_account_id uuid, actor_username text,
         actor_unit_id uuid, actor_unit_path text, action text, entity_type text, entity_id text, before jsonb, after jsonb)`,
    [JSON.stringify(rows)],
  );
}

/** An audit_event row as PostgreSQL gives it back: what its hash covers, before its chain link. */
export interface AuditEventRow {
  id: string;
  chain_key: string;
  at: Date;
  actor_account_id: string | null;
  actor_username: string | null;
  actor_unit_id: string | null;
  actor_unit_path: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  before: unknown;
  after: unknown;
}

/** The hash of a stored event at `chainSeq` after `prevHash`: the one sealing and verifying compute. */
export function rowHash(row: AuditEventRow, chainSeq: string, prevHash: string): string {
  return eventHash({
    chainKey: row.chain_key,
    chainSeq,
    at: new Date(row.at),
    actorAccountId: row.actor_account_id,
    actorUsername: row.actor_username,
    actorUnitId: row.actor_unit_id,
    actorUnitPath: row.actor_unit_path,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    before: row.before,
    after: row.after,
    prevHash,
  });
}

/**
 * Links up to `limit` unsealed events into their chains, oldest id first, in the caller's
 * transaction: each gets the next sequence number of its chain, the previous event's hash and
 * its own. The caller serialises sealing (the derived worker's batch lock). Returns how many.
 */
export async function sealAuditEvents(em: EntityManager, limit: number): Promise<number> {
  const taken = await em.execute<{ id: string }[]>(
    `delete from audit_unsealed where id in (select id from audit_unsealed order by id limit ?) returning id`,
    [limit],
  );
  if (!taken.length) return 0;
  // By id, one index probe each: a join with the big table may be planned as a scan of it.
  const rows = await em.execute<AuditEventRow[]>(
    `select id, chain_key, at, actor_account_id, actor_username, actor_unit_id, actor_unit_path, action, entity_type,
            entity_id, before, after
       from audit_event where id = any(?::bigint[]) and hash is null order by id`,
    [`{${taken.map((t) => t.id).join(',')}}`],
  );
  if (!rows.length) return 0;
  const keys = [...new Set(rows.map((r) => r.chain_key))];
  const heads = await em.execute<{ chain_key: string; last_seq: string; last_hash: string }[]>(
    `insert into audit_chain_head as h (chain_key, last_seq, last_hash)
     select k, 0, ? from unnest(?::text[]) k
     on conflict (chain_key) do update set last_seq = h.last_seq
     returning chain_key, last_seq, last_hash`,
    [GENESIS_HASH, `{${keys.map((k) => JSON.stringify(k)).join(',')}}`],
  );
  const head = new Map(heads.map((h) => [h.chain_key, { seq: BigInt(h.last_seq), hash: h.last_hash }]));
  const sealed: { id: string; chain_seq: string; prev_hash: string; hash: string }[] = [];
  for (const row of rows) {
    const h = head.get(row.chain_key)!;
    const chainSeq = String(h.seq + 1n);
    const hash = rowHash(row, chainSeq, h.hash);
    sealed.push({ id: row.id, chain_seq: chainSeq, prev_hash: h.hash, hash });
    head.set(row.chain_key, { seq: h.seq + 1n, hash });
  }
  await em.execute(
    `update audit_event e set chain_seq = s.chain_seq, prev_hash = s.prev_hash, hash = s.hash
       from jsonb_to_recordset(?::jsonb) as s(id bigint, chain_seq bigint, prev_hash text, hash text)
      where e.id = s.id`,
    [JSON.stringify(sealed)],
  );
  await em.execute(
    `update audit_chain_head h set last_seq = s.last_seq, last_hash = s.last_hash
       from jsonb_to_recordset(?::jsonb) as s(chain_key text, last_seq bigint, last_hash text)
      where h.chain_key = s.chain_key`,
    [JSON.stringify([...head].map(([chain_key, v]) => ({ chain_key, last_seq: String(v.seq), last_hash: v.hash })))],
  );
  return rows.length;
}

/** Plain JSON, as PostgreSQL's jsonb will give it back. */
function normalise(value: unknown): unknown {
  return value === undefined || value === null ? null : JSON.parse(JSON.stringify(value));
}
