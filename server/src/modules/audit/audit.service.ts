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
   * Appends an event to its chain inside the caller's transaction: the chain head row is
   * locked until that transaction ends, so events of one province are strictly ordered while
   * other provinces write in parallel.
   */
  async record(em: EntityManager, actor: AuditActor, entry: AuditEntry): Promise<void> {
    const unitPath = entry.unitPath ?? actor.unitPath;
    const chainKey = chainKeyFor(unitPath);
    const conn = em.getConnection();
    const ctx = em.getTransactionContext();
    // Creates the head if needed and locks it, in one round trip: the no-op update takes the row
    // lock and returns the head as it is.
    const [head] = await conn.execute<{ last_seq: string; last_hash: string }[]>(
      `insert into audit_chain_head as h (chain_key, last_seq, last_hash) values (?, 0, ?)
       on conflict (chain_key) do update set last_seq = h.last_seq
       returning last_seq, last_hash`,
      [chainKey, GENESIS_HASH],
      'all',
      ctx,
    );
    const fields: HashedFields = {
      chainKey,
      chainSeq: String(BigInt(head.last_seq) + 1n),
      // Millisecond precision: what PostgreSQL stores must hash the same when read back.
      at: new Date(Math.floor(Date.now())),
      actorAccountId: actor.accountId,
      actorUsername: actor.username,
      actorUnitId: actor.unitId,
      actorUnitPath: unitPath,
      action: entry.action,
      entityType: entry.entityType,
      entityId: entry.entityId ?? null,
      before: normalise(entry.before),
      after: normalise(entry.after),
      prevHash: head.last_hash,
    };
    const hash = eventHash(fields);
    await conn.execute(
      `with event as (
         insert into audit_event (chain_key, chain_seq, at, actor_account_id, actor_username, actor_unit_id, actor_unit_path,
           action, entity_type, entity_id, before, after, prev_hash, hash)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?)
         returning chain_key, chain_seq, hash
       )
       update audit_chain_head h set last_seq = e.chain_seq, last_hash = e.hash from event e where h.chain_key = e.chain_key`,
      [
        fields.chainKey,
        fields.chainSeq,
        fields.at,
        fields.actorAccountId,
        fields.actorUsername,
        fields.actorUnitId,
        fields.actorUnitPath,
        fields.action,
        fields.entityType,
        fields.entityId,
        fields.before === null ? null : JSON.stringify(fields.before),
        fields.after === null ? null : JSON.stringify(fields.after),
        fields.prevHash,
        hash,
      ],
      'run',
      ctx,
    );
  }
}

/** Plain JSON, as PostgreSQL's jsonb will give it back. */
function normalise(value: unknown): unknown {
  return value === undefined || value === null ? null : JSON.parse(JSON.stringify(value));
}
