import type { EntityManager } from '@mikro-orm/postgresql';
import { actorOf, appendAuditEvents, type AuditEntry } from '../audit/audit.service.js';
import { unitPath } from '../organisations/unit-path.js';
import type { Viewer } from '../scope/viewer.js';
import { ImportReason } from './import-columns.js';
import { refuse, required, type SourceRow } from './import-plan.js';
import {
  STAGE,
  refuseDuplicates,
  refusedInto,
  stagePages,
  stagedRow,
  type StageColumns,
  type StagedRow,
} from './import-stage.js';

const CODE = /^[A-Za-z0-9._-]{1,64}$/;
const KIND = /^[A-Z][A-Z0-9_]{0,31}$/;

/** A unit row's values in the staging table (the code is its key). */
export const UNIT_VALUES: StageColumns = [
  ['name', 'text'],
  ['kind', 'text'],
  ['parent_code', 'text'],
];

/** What the checks find out: the existing unit of the code, the parent (in the file or not), the new unit's id and depth. */
export const UNIT_WORK: StageColumns = [
  ['in_file', 'boolean'],
  ['existing_id', 'uuid'],
  ['ex_name', 'text'],
  ['ex_kind', 'text'],
  ['ex_path', 'text'],
  ['ex_active', 'boolean'],
  ['ex_parent_id', 'uuid'],
  ['file_parent', 'int'],
  ['root', 'boolean'],
  ['id', 'uuid'],
  ['parent_id', 'uuid'],
  ['depth', 'int'],
];

function snapshot(u: { code: string; name: string; kind: string; parentId: string | null; path: string; active: boolean }) {
  return { code: u.code, name: u.name, kind: u.kind, parentId: u.parentId, path: u.path, active: u.active };
}

/** The checks of one row alone, as it is read. */
export function stageUnit(src: SourceRow): StagedRow {
  const code = String(src.values.code ?? '').trim();
  const staged = stagedRow(src.row, code);
  try {
    required(src.values, 'code', 64);
    if (!CODE.test(code)) refuse('code', ImportReason.BAD_VALUE, 'letters, digits, dots, dashes or underscores');
    staged.name = required(src.values, 'name', 255);
    const kind = required(src.values, 'kind', 32).toUpperCase();
    if (!KIND.test(kind)) refuse('kind', ImportReason.BAD_VALUE, 'a short upper-case word such as PROVINCE');
    staged.kind = kind;
    staged.parent_code = required(src.values, 'parentCode', 64);
    staged.dup_key = code;
  } catch (e) {
    refusedInto(staged, e);
  }
  return staged;
}

/**
 * Units: matched by code. A new unit's parent is an existing unit of the importer's subtree or
 * another row of the file, in any order; an existing unit of the subtree may be renamed or
 * change kind, not moved. Checked set-based over the staging table.
 */
export async function checkUnits(tx: EntityManager, viewer: Viewer): Promise<void> {
  await refuseDuplicates(tx, 'code');
  // The rows a new unit may name as its parent: the first of each code whose values are right.
  await tx.execute(`update ${STAGE} set in_file = true where outcome is null`);
  const outside = `not starts_with(u.path, v.path) or u.path = v.path`;
  const moved = `p.code is distinct from s.parent_code`;
  await tx.execute(
    `update ${STAGE} s set existing_id = u.id, ex_name = u.name, ex_kind = u.kind, ex_path = u.path, ex_active = u.active,
            ex_parent_id = u.parent_id,
            outcome = case when ${outside} or ${moved} then 'REFUSED'
                           when u.name = s.name and u.kind = s.kind then 'UNCHANGED' else 'UPDATE' end,
            col = case when ${outside} then 'code' when ${moved} then 'parentCode' end,
            reason = case when ${outside} then 'OUTSIDE_SUBTREE' when ${moved} then 'NOT_IMPORTABLE_CHANGE' end,
            detail = case when ${outside} then s.key when ${moved} then 'moving a unit' end
       from (select ?::text as path) v, unit u left join unit p on p.id = u.parent_id
      where s.outcome is null and u.code = s.key`,
    [viewer.unitPath],
  );
  // A new unit's parent is a new unit of the file when there is one, else an existing unit.
  await tx.execute(
    `update ${STAGE} c set file_parent = p.row from ${STAGE} p
      where c.outcome is null and c.existing_id is null and p.in_file and p.existing_id is null
        and p.key = c.parent_code and p.row <> c.row`,
  );
  await tx.execute(`create index on ${STAGE} (file_parent)`);
  await tx.execute(`analyze ${STAGE}`);
  const missing = `x.id is null`;
  const outsideParent = `not starts_with(x.path, v.path)`;
  await tx.execute(
    `update ${STAGE} s set root = true, parent_id = x.id, depth = x.depth + 1,
            outcome = case when ${missing} or ${outsideParent} or not x.active then 'REFUSED' else 'CREATE' end,
            col = case when ${missing} or ${outsideParent} or not x.active then 'parentCode' end,
            reason = case when ${missing} then 'UNKNOWN_PARENT' when ${outsideParent} then 'OUTSIDE_SUBTREE'
                          when not x.active then 'INACTIVE_UNIT' end,
            detail = case when ${missing} or ${outsideParent} or not x.active then s.parent_code end
       from (select ?::text as path) v,
            (select c.row, u.id, u.path, u.depth, u.active from ${STAGE} c left join unit u on u.code = c.parent_code
              where c.outcome is null and c.existing_id is null and c.file_parent is null) x
      where s.row = x.row`,
    [viewer.unitPath],
  );
  // Down from those rows through the parents within the file: a refused parent refuses its children.
  await tx.execute(
    `with recursive walk(row, ok, depth) as (
       select row, outcome = 'CREATE', depth from ${STAGE} where root
       union all
       select c.row, w.ok, w.depth + 1 from walk w join ${STAGE} c on c.file_parent = w.row
     )
     update ${STAGE} s set depth = w.depth, outcome = case when w.ok then 'CREATE' else 'REFUSED' end,
            col = case when not w.ok then 'parentCode' end, reason = case when not w.ok then 'PARENT_REFUSED' end,
            detail = case when not w.ok then s.file_parent::text end
       from walk w where s.row = w.row and s.root is not true`,
  );
  // What no walk reached has a loop among its parents.
  await tx.execute(`update ${STAGE} set outcome = 'REFUSED', col = 'parentCode', reason = 'PARENT_CYCLE' where outcome is null`);
}

interface NewUnit {
  row: number;
  id: string;
  code: string;
  name: string;
  kind: string;
  parent_id: string;
  parent_path: string;
  depth: number;
}

interface ChangedUnit {
  row: number;
  id: string;
  code: string;
  name: string;
  kind: string;
  ex_name: string;
  ex_kind: string;
  ex_path: string;
  ex_active: boolean;
  ex_parent_id: string | null;
}

/** Writes the checked rows in the caller's transaction: inserts a depth at a time (parents first), then updates, with audit events. */
export async function writeUnits(tx: EntityManager, viewer: Viewer, progress: (n: number) => void): Promise<void> {
  await tx.execute(`update ${STAGE} set id = gen_random_uuid() where outcome = 'CREATE'`);
  await tx.execute(`update ${STAGE} c set parent_id = p.id from ${STAGE} p where c.file_parent = p.row and c.outcome = 'CREATE'`);
  const actor = actorOf(viewer);
  const depths = await tx.execute<{ depth: number }[]>(
    `select distinct depth from ${STAGE} where outcome = 'CREATE' order by depth`,
  );
  for (const { depth } of depths) {
    // The parents, a depth above, are units by now: their paths are read from the unit table.
    for await (const page of stagePages<NewUnit>(
      tx,
      `s.row, s.id, s.key as code, s.name, s.kind, s.parent_id, (select path from unit where id = s.parent_id) as parent_path, s.depth`,
      `s.outcome = 'CREATE' and s.depth = ?`,
      [depth],
    )) {
      const seqs = await tx.execute<{ seq: number }[]>(`select nextval('unit_seq')::int as seq from generate_series(1, ?::int)`, [
        page.length,
      ]);
      const rows = page.map((c, i) => ({ ...c, seq: seqs[i]!.seq, path: unitPath(c.parent_path, seqs[i]!.seq) }));
      await tx.execute(
        `insert into unit (id, seq, code, name, kind, parent_id, path, depth, active)
         select id, seq, code, name, kind, parent_id, path, depth, true
           from jsonb_to_recordset(?::jsonb) as r(id uuid, seq int, code text, name text, kind text, parent_id uuid, path text, depth int)`,
        [JSON.stringify(rows.map(({ row: _row, parent_path: _p, ...r }) => r))],
      );
      await appendAuditEvents(
        tx,
        actor,
        rows.map((c): AuditEntry => ({
          action: 'unit.created',
          entityType: 'Unit',
          entityId: c.id,
          after: { ...snapshot({ ...c, parentId: c.parent_id, active: true }), imported: true },
          unitPath: c.path,
        })),
      );
      progress(page.length);
    }
  }
  for await (const page of stagePages<ChangedUnit>(
    tx,
    `s.row, s.existing_id as id, s.key as code, s.name, s.kind, s.ex_name, s.ex_kind, s.ex_path, s.ex_active, s.ex_parent_id`,
    `s.outcome = 'UPDATE'`,
  )) {
    await tx.execute(
      `update unit u set name = r.name, kind = r.kind, updated_at = now()
         from jsonb_to_recordset(?::jsonb) as r(id uuid, name text, kind text) where u.id = r.id`,
      [JSON.stringify(page.map((c) => ({ id: c.id, name: c.name, kind: c.kind })))],
    );
    await appendAuditEvents(
      tx,
      actor,
      page.map((c): AuditEntry => {
        const parentId = c.ex_parent_id;
        return {
          action: 'unit.updated',
          entityType: 'Unit',
          entityId: c.id,
          before: { code: c.code, name: c.ex_name, kind: c.ex_kind, path: c.ex_path, active: c.ex_active, parentId },
          after: { code: c.code, name: c.name, kind: c.kind, path: c.ex_path, active: c.ex_active, parentId, imported: true },
          unitPath: c.ex_path,
        };
      }),
    );
    progress(page.length);
  }
}
