import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { actorOf, appendAuditEvents, type AuditEntry } from '../audit/audit.service.js';
import { isWithin, unitPath } from '../organisations/unit-path.js';
import type { Viewer } from '../scope/viewer.js';
import { ImportOutcome, ImportReason } from './import-columns.js';
import { KEYS, RowRefusal, inSlices, refuse, required, selectByKeys, type RowResult, type SourceRow } from './import-plan.js';

const CODE = /^[A-Za-z0-9._-]{1,64}$/;
const KIND = /^[A-Z][A-Z0-9_]{0,31}$/;

interface ExistingUnit {
  id: string;
  code: string;
  name: string;
  kind: string;
  path: string;
  depth: number;
  active: boolean;
  parent_code: string | null;
  parent_id: string | null;
}

interface UnitRow {
  src: SourceRow;
  code: string;
  name: string;
  kind: string;
  parentCode: string;
  result: RowResult;
  existing: ExistingUnit | null;
  /** For a new unit, once resolved: its id, parent id, depth and (when applied) seq and path. */
  id?: string;
  parentId?: string;
  parentRow?: UnitRow | null;
  parentPath?: string;
  depth?: number;
}

export interface UnitPlan {
  creates: UnitRow[];
  updates: UnitRow[];
}

function snapshot(u: { code: string; name: string; kind: string; parentId: string | null; path: string; active: boolean }) {
  return { code: u.code, name: u.name, kind: u.kind, parentId: u.parentId, path: u.path, active: u.active };
}

/**
 * Units: matched by code. A new unit's parent is an existing unit of the importer's subtree or
 * another row of the file, in any order; an existing unit of the subtree may be renamed or
 * change kind, not moved.
 */
export async function planUnits(
  em: EntityManager,
  viewer: Viewer,
  rows: SourceRow[],
): Promise<{ results: RowResult[]; plan: UnitPlan }> {
  const items: UnitRow[] = [];
  const byCode = new Map<string, UnitRow>();
  for (const src of rows) {
    const code = String(src.values.code ?? '').trim();
    const result: RowResult = {
      row: src.row,
      outcome: ImportOutcome.CREATE,
      key: code,
      column: null,
      reason: null,
      detail: null,
    };
    const item: UnitRow = { src, code, name: '', kind: '', parentCode: '', result, existing: null };
    items.push(item);
    try {
      required(src.values, 'code', 64);
      if (!CODE.test(code)) refuse('code', ImportReason.BAD_VALUE, 'letters, digits, dots, dashes or underscores');
      item.name = required(src.values, 'name', 255);
      item.kind = required(src.values, 'kind', 32).toUpperCase();
      if (!KIND.test(item.kind)) refuse('kind', ImportReason.BAD_VALUE, 'a short upper-case word such as PROVINCE');
      item.parentCode = required(src.values, 'parentCode', 64);
      const earlier = byCode.get(code);
      if (earlier) refuse('code', ImportReason.DUPLICATE_IN_FILE, String(earlier.src.row));
      byCode.set(code, item);
    } catch (e) {
      settle(item, e);
    }
  }
  const codes = items.flatMap((i) => [i.code, i.parentCode]).filter((c) => CODE.test(c));
  const existing = new Map(
    (
      await selectByKeys<ExistingUnit>(
        em,
        `select u.id, u.code, u.name, u.kind, u.path, u.depth, u.active, p.code as parent_code, u.parent_id
           from unit u left join unit p on p.id = u.parent_id where u.code = any(${KEYS})`,
        codes,
      )
    ).map((u) => [u.code, u]),
  );

  for (const item of items) {
    if (item.result.outcome === ImportOutcome.REFUSED) continue;
    const found = existing.get(item.code);
    if (!found) continue;
    item.existing = found;
    try {
      if (!isWithin(found.path, viewer.unitPath) || found.path === viewer.unitPath)
        refuse('code', ImportReason.OUTSIDE_SUBTREE, item.code);
      if (found.parent_code !== item.parentCode) refuse('parentCode', ImportReason.NOT_IMPORTABLE_CHANGE, 'moving a unit');
      item.result.outcome = found.name === item.name && found.kind === item.kind ? ImportOutcome.UNCHANGED : ImportOutcome.UPDATE;
    } catch (e) {
      settle(item, e);
    }
  }

  // New units: resolve each parent, within the file first, then among existing units.
  const resolving = new Set<UnitRow>();
  const resolve = (item: UnitRow): void => {
    if (item.existing || item.result.outcome === ImportOutcome.REFUSED || item.depth !== undefined) return;
    if (resolving.has(item)) refuse('parentCode', ImportReason.PARENT_CYCLE);
    resolving.add(item);
    try {
      const inFile = byCode.get(item.parentCode);
      if (inFile && inFile !== item && !inFile.existing) {
        try {
          resolve(inFile);
        } catch (e) {
          settle(inFile, e);
        }
        if (inFile.result.outcome === ImportOutcome.REFUSED) {
          if (inFile.result.reason === ImportReason.PARENT_CYCLE) refuse('parentCode', ImportReason.PARENT_CYCLE);
          refuse('parentCode', ImportReason.PARENT_REFUSED, String(inFile.src.row));
        }
        item.parentId = inFile.id!;
        item.parentRow = inFile;
        item.depth = inFile.depth! + 1;
      } else {
        // An existing unit, whether or not the file also lists it (its own row may be refused: it can still be a parent).
        const parent = existing.get(item.parentCode);
        if (!parent || inFile === item) refuse('parentCode', ImportReason.UNKNOWN_PARENT, item.parentCode);
        if (!isWithin(parent!.path, viewer.unitPath)) refuse('parentCode', ImportReason.OUTSIDE_SUBTREE, item.parentCode);
        if (!parent!.active) refuse('parentCode', ImportReason.INACTIVE_UNIT, item.parentCode);
        item.parentId = parent!.id;
        item.parentPath = parent!.path;
        item.parentRow = null;
        item.depth = parent!.depth + 1;
      }
      item.id = randomUUID();
    } finally {
      resolving.delete(item);
    }
  };
  for (const item of items) {
    try {
      resolve(item);
    } catch (e) {
      settle(item, e);
    }
  }
  const creates = items.filter((i) => !i.existing && i.result.outcome === ImportOutcome.CREATE);
  const updates = items.filter((i) => i.result.outcome === ImportOutcome.UPDATE);
  return { results: items.map((i) => i.result), plan: { creates, updates } };
}

function settle(item: UnitRow, e: unknown): void {
  if (!(e instanceof RowRefusal)) throw e;
  if (item.result.outcome === ImportOutcome.REFUSED) return;
  Object.assign(item.result, { outcome: ImportOutcome.REFUSED, column: e.column, reason: e.reason, detail: e.detail });
}

/** Writes the plan in the caller's transaction: set-based inserts parents first, then updates, then audit events. */
export async function writeUnits(
  tx: EntityManager,
  viewer: Viewer,
  plan: UnitPlan,
  progress: (n: number) => void,
): Promise<void> {
  const creates = [...plan.creates].sort((a, b) => a.depth! - b.depth!);
  if (creates.length) {
    const seqs = await tx.execute<{ seq: number }[]>(`select nextval('unit_seq')::int as seq from generate_series(1, ?::int)`, [
      creates.length,
    ]);
    creates.forEach((c, i) => {
      const parentPath = c.parentRow ? unitPathOf(c.parentRow) : c.parentPath!;
      (c as UnitRow & { seq: number; path: string }).seq = seqs[i]!.seq;
      (c as UnitRow & { path: string }).path = unitPath(parentPath, seqs[i]!.seq);
    });
  }
  const actor = actorOf(viewer);
  await inSlices(
    creates as (UnitRow & { seq: number; path: string })[],
    5_000,
    async (slice) => {
      await tx.execute(
        `insert into unit (id, seq, code, name, kind, parent_id, path, depth, active)
         select id, seq, code, name, kind, parent_id, path, depth, true
           from jsonb_to_recordset(?::jsonb) as r(id uuid, seq int, code text, name text, kind text, parent_id uuid, path text, depth int)`,
        [
          JSON.stringify(
            slice.map((c) => ({
              id: c.id,
              seq: c.seq,
              code: c.code,
              name: c.name,
              kind: c.kind,
              parent_id: c.parentId,
              path: c.path,
              depth: c.depth,
            })),
          ),
        ],
      );
      await appendAuditEvents(
        tx,
        actor,
        slice.map((c): AuditEntry => ({
          action: 'unit.created',
          entityType: 'Unit',
          entityId: c.id!,
          after: { ...snapshot({ ...c, parentId: c.parentId!, active: true }), imported: true },
          unitPath: c.path,
        })),
      );
    },
    progress,
  );
  await inSlices(
    plan.updates,
    5_000,
    async (slice) => {
      await tx.execute(
        `update unit u set name = r.name, kind = r.kind, updated_at = now()
           from jsonb_to_recordset(?::jsonb) as r(id uuid, name text, kind text) where u.id = r.id`,
        [JSON.stringify(slice.map((c) => ({ id: c.existing!.id, name: c.name, kind: c.kind })))],
      );
      await appendAuditEvents(
        tx,
        actor,
        slice.map((c): AuditEntry => {
          const e = c.existing!;
          const parentId = e.parent_id;
          return {
            action: 'unit.updated',
            entityType: 'Unit',
            entityId: e.id,
            before: { code: e.code, name: e.name, kind: e.kind, path: e.path, active: e.active, parentId },
            after: { code: e.code, name: c.name, kind: c.kind, path: e.path, active: e.active, parentId, imported: true },
            unitPath: e.path,
          };
        }),
      );
    },
    progress,
  );
}

/** The path given to a new unit of the file (its parent's path is known once its seq is). */
function unitPathOf(item: UnitRow): string {
  return (item as UnitRow & { path: string }).path;
}
