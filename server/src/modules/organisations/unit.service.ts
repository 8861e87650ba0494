import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError, ConflictError, NotFoundError } from '../../common/errors.js';
import { decodeCursor, toConnection, type Connection, type PageArgs } from '../../common/pagination.js';
import { actorOf, type AuditService } from '../audit/audit.service.js';
import { assertCanAdminister, assertCanManageUnit, canSeeUnit } from '../scope/scope.js';
import type { Viewer } from '../scope/viewer.js';
import { assertUuid } from '../../common/ids.js';
import { Unit } from './unit.entity.js';
import type { CreateUnitInput, UpdateUnitInput } from './unit.inputs.js';
import { isWithin, subtreePattern, unitPath } from './unit-path.js';

const KIND = /^[A-Z][A-Z0-9_]{0,31}$/;

/** What the audit trail keeps of a unit. */
function unitSnapshot(u: Unit) {
  return { code: u.code, name: u.name, kind: u.kind, parentId: u.parent?.id ?? null, path: u.path, active: u.active };
}

export class UnitService {
  constructor(private readonly audit: AuditService) {}

  /** A unit in the viewer's subtree; NOT_FOUND for a missing and a forbidden id alike. */
  async get(em: EntityManager, viewer: Viewer, id: string): Promise<Unit> {
    assertUuid('id', id);
    const unit = await em.findOne(Unit, { id });
    if (!unit || !canSeeUnit(viewer, unit.path)) throw new NotFoundError('Unit', id);
    return unit;
  }

  /**
   * Active units of a visible unit's subtree (the viewer's own by default), the unit itself
   * included, nearest levels first and by name; `search` matches words of the name or the code.
   */
  async search(
    em: EntityManager,
    viewer: Viewer,
    args: { unitId: string | null; search: string | null },
    page: PageArgs,
  ): Promise<Connection<Unit>> {
    const root = await this.get(em, viewer, args.unitId ?? viewer.unitId);
    const where: string[] = ['u.active', 'u.path like ?'];
    const params: unknown[] = [subtreePattern(root.path)];
    if ((args.search ?? '').length > 200) throw new BadInputError('search', 'search is longer than 200 characters');
    const words = (args.search ?? '').trim().split(/\s+/).filter(Boolean).slice(0, 8);
    for (const w of words) {
      where.push(`(u.name ilike ? or u.code ilike ?)`);
      const like = `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      params.push(like, like);
    }
    const base = where.join(' and ');
    const keyset: string[] = [];
    const keyParams: unknown[] = [];
    if (page.after) {
      const [depth, name, id] = decodeCursor(page.after, 3) as [number, string, string];
      keyset.push('(u.depth, u.name, u.id) > (?::int, ?, ?::uuid)');
      keyParams.push(depth, name, id);
    }
    const conn = em.getConnection();
    const [rows, [{ n }]] = await Promise.all([
      conn.execute<Record<string, unknown>[]>(
        `select u.* from unit u where ${[base, ...keyset].join(' and ')} order by u.depth, u.name, u.id limit ?`,
        [...params, ...keyParams, page.first + 1],
      ),
      conn.execute<{ n: string }[]>(`select count(*) as n from unit u where ${base}`, params),
    ]);
    const units = rows.map((r) => em.map(Unit, r));
    return toConnection(units, page.first, Number(n), (u) => [u.depth, u.name, u.id]);
  }

  /** The direct children of a visible unit, by name. */
  async children(em: EntityManager, viewer: Viewer, parentId: string, includeInactive = false): Promise<Unit[]> {
    const parent = await this.get(em, viewer, parentId);
    return em.find(
      Unit,
      { parent: parent.id, ...(includeInactive ? {} : { active: true }) },
      { orderBy: { name: 'asc', id: 'asc' } },
    );
  }

  /** The units between the viewer's unit and `unit`, the viewer's own first. */
  async pathFromViewer(em: EntityManager, viewer: Viewer, unit: Pick<Unit, 'path'>): Promise<Unit[]> {
    const seqs = unit.path
      .split('/')
      .filter(Boolean)
      .map((s) => parseInt(s, 36));
    const units = await em.find(Unit, { seq: { $in: seqs } }, { orderBy: { depth: 'asc' } });
    return units.filter((u) => canSeeUnit(viewer, u.path));
  }

  /** Creates a unit below the admin's own unit or below any active unit of its subtree. */
  async create(em: EntityManager, viewer: Viewer, input: CreateUnitInput): Promise<Unit> {
    const code = this.code(input.code);
    const name = this.name(input.name);
    const kind = this.kind(input.kind);
    return em.transactional(async (tx) => {
      const parent = await this.load(tx, viewer, input.parentId, 'parentId', true);
      assertCanAdminister(viewer, parent.path, 'Unit', parent.id);
      if (!parent.active) throw new BadInputError('parentId', 'Units cannot be added under a deactivated unit');
      if (await tx.count(Unit, { code })) throw new ConflictError(`The unit code "${code}" is already in use`);
      const [{ seq }] = await tx
        .getConnection()
        .execute<{ seq: number }[]>(`select nextval('unit_seq')::int as seq`, [], 'all', tx.getTransactionContext());
      const unit = tx.create(Unit, {
        seq,
        code,
        name,
        kind,
        parent,
        path: unitPath(parent.path, seq),
        depth: parent.depth + 1,
      });
      await tx.flush();
      await this.audit.record(tx, actorOf(viewer), {
        action: 'unit.created',
        entityType: 'Unit',
        entityId: unit.id,
        after: unitSnapshot(unit),
        unitPath: unit.path,
      });
      return unit;
    });
  }

  /** Renames a unit below the admin's own, or changes its kind. */
  async update(em: EntityManager, viewer: Viewer, id: string, input: UpdateUnitInput): Promise<Unit> {
    const name = input.name == null ? null : this.name(input.name);
    const kind = input.kind == null ? null : this.kind(input.kind);
    return em.transactional(async (tx) => {
      const unit = await this.load(tx, viewer, id, 'id', true);
      assertCanManageUnit(viewer, unit);
      const before = unitSnapshot(unit);
      if (name) unit.name = name;
      if (kind) unit.kind = kind;
      await tx.flush();
      await this.audit.record(tx, actorOf(viewer), {
        action: 'unit.updated',
        entityType: 'Unit',
        entityId: unit.id,
        before,
        after: unitSnapshot(unit),
        unitPath: unit.path,
      });
      return unit;
    });
  }

  /**
   * Moves a unit (with everything below it) under a new parent in the admin's subtree, in one
   * transaction: unit paths and depths, the paths copied onto tasks and onto progress reports.
   * Refused when a task would end up led by a unit outside its assigner's subtree.
   */
  async move(em: EntityManager, viewer: Viewer, id: string, newParentId: string): Promise<Unit> {
    return em.transactional(async (tx) => {
      const unit = await this.load(tx, viewer, id, 'id', true);
      assertCanManageUnit(viewer, unit);
      const parent = await this.load(tx, viewer, newParentId, 'newParentId', true);
      assertCanAdminister(viewer, parent.path, 'Unit', parent.id);
      if (isWithin(parent.path, unit.path)) {
        throw new BadInputError('newParentId', 'A unit cannot be moved under itself or one of its own units');
      }
      if (!parent.active) throw new BadInputError('newParentId', 'Units cannot be moved under a deactivated unit');
      if (unit.parent?.id === parent.id) return unit;

      const before = unitSnapshot(unit);
      const oldPath = unit.path;
      const newPath = unitPath(parent.path, unit.seq);
      const depthDelta = parent.depth + 1 - unit.depth;
      const like = subtreePattern(oldPath);
      const conn = tx.getConnection();
      const ctx = tx.getTransactionContext();
      const repath = (column: string) => `(? || substr(${column}, ?))`;
      const cut = oldPath.length + 1;

      // Tasks led from inside the moved subtree but assigned from outside it must stay inside
      // their assigner's subtree after the move.
      const stranded = await conn.execute<{ id: string; title: string }[]>(
        `select id, title from task
          where lead_unit_path like ? and assigner_unit_path not like ?
            and not starts_with(${repath('lead_unit_path')}, assigner_unit_path)
          order by created_at limit 3`,
        [like, like, newPath, cut],
        'all',
        ctx,
      );
      if (stranded.length) {
        const [{ n }] = await conn.execute<{ n: string }[]>(
          `select count(*) as n from task
            where lead_unit_path like ? and assigner_unit_path not like ?
              and not starts_with(${repath('lead_unit_path')}, assigner_unit_path)`,
          [like, like, newPath, cut],
          'all',
          ctx,
        );
        throw new ConflictError(
          `Moving this unit would place ${n} task(s) outside the subtree of the unit that assigned them (for example "${stranded[0]!.title}"); reassign them first`,
          { taskIds: stranded.map((t) => t.id) },
        );
      }

      await conn.execute(
        `update unit set path = ${repath('path')}, depth = depth + ?, updated_at = now() where path like ?`,
        [newPath, cut, depthDelta, like],
        'run',
        ctx,
      );
      await conn.execute(`update unit set parent_id = ? where id = ?`, [parent.id, unit.id], 'run', ctx);
      // Both copied paths in one statement, so the lead-within-assigner check sees only the end state.
      await conn.execute(
        `update task set
           lead_unit_path = case when lead_unit_path like ? then ${repath('lead_unit_path')} else lead_unit_path end,
           assigner_unit_path = case when assigner_unit_path like ? then ${repath('assigner_unit_path')} else assigner_unit_path end,
           updated_at = now()
         where lead_unit_path like ? or assigner_unit_path like ?`,
        [like, newPath, cut, like, newPath, cut, like, like],
        'run',
        ctx,
      );
      await conn.execute(
        `update sync_client set unit_path = ${repath('unit_path')} where unit_path like ?`,
        [newPath, cut, like],
        'run',
        ctx,
      );
      // Reports are append-only; the trigger lets unit_path change only inside a unit move.
      await conn.execute(`select set_config('resolute.unit_move', 'on', true)`, [], 'all', ctx);
      await conn.execute(
        `update progress_report set unit_path = ${repath('unit_path')} where unit_path like ?`,
        [newPath, cut, like],
        'run',
        ctx,
      );
      await conn.execute(`select set_config('resolute.unit_move', 'off', true)`, [], 'all', ctx);

      await tx.refresh(unit);
      await this.audit.record(tx, actorOf(viewer), {
        action: 'unit.moved',
        entityType: 'Unit',
        entityId: unit.id,
        before,
        after: unitSnapshot(unit),
        unitPath: unit.path,
      });
      // The old line of command also sees that the unit left it.
      const oldParentPath = parentPathOf(oldPath);
      if (!isWithin(unit.path, oldParentPath)) {
        await this.audit.record(tx, actorOf(viewer), {
          action: 'unit.moved',
          entityType: 'Unit',
          entityId: unit.id,
          before,
          after: unitSnapshot(unit),
          unitPath: oldParentPath,
        });
      }
      return unit;
    });
  }

  /** Deactivates a unit below the admin's own; refused while it has active units or enabled accounts. */
  async deactivate(em: EntityManager, viewer: Viewer, id: string): Promise<Unit> {
    return em.transactional(async (tx) => {
      const unit = await this.load(tx, viewer, id, 'id', true);
      assertCanManageUnit(viewer, unit);
      const conn = tx.getConnection();
      const ctx = tx.getTransactionContext();
      const [{ children, accounts }] = await conn.execute<{ children: string; accounts: string }[]>(
        `select (select count(*) from unit where parent_id = ? and active) as children,
                (select count(*) from account where unit_id = ? and disabled_at is null) as accounts`,
        [unit.id, unit.id],
        'all',
        ctx,
      );
      if (Number(children) > 0) {
        throw new ConflictError(`This unit still has ${children} active unit(s) below it; deactivate or move them first`);
      }
      if (Number(accounts) > 0) {
        throw new ConflictError(`This unit still has ${accounts} enabled account(s); disable or move them first`);
      }
      const before = unitSnapshot(unit);
      unit.active = false;
      await tx.flush();
      await this.audit.record(tx, actorOf(viewer), {
        action: 'unit.deactivated',
        entityType: 'Unit',
        entityId: unit.id,
        before,
        after: unitSnapshot(unit),
        unitPath: unit.path,
      });
      return unit;
    });
  }

  /**
   * The inverse of `deactivate`: the unit takes tasks, accounts and units again. Refused under a
   * deactivated parent (deactivation never leaves an active unit below an inactive one). Accounts
   * disabled before the unit was deactivated stay disabled: enabling them is a separate decision.
   */
  async reactivate(em: EntityManager, viewer: Viewer, id: string): Promise<Unit> {
    return em.transactional(async (tx) => {
      const unit = await this.load(tx, viewer, id, 'id', true);
      assertCanManageUnit(viewer, unit);
      if (unit.active) throw new ConflictError('This unit is already active');
      if (unit.parent) {
        const parent = await tx.findOneOrFail(Unit, { id: unit.parent.id }, { lockMode: LockMode.PESSIMISTIC_READ });
        if (!parent.active) {
          throw new ConflictError('The unit above this one is deactivated; re-activate it first');
        }
      }
      const before = unitSnapshot(unit);
      unit.active = true;
      await tx.flush();
      await this.audit.record(tx, actorOf(viewer), {
        action: 'unit.reactivated',
        entityType: 'Unit',
        entityId: unit.id,
        before,
        after: unitSnapshot(unit),
        unitPath: unit.path,
      });
      return unit;
    });
  }

  /** A unit by id for a change, row-locked; NOT_FOUND when missing or outside the viewer's subtree. */
  private async load(em: EntityManager, viewer: Viewer, id: string, field: string, lock: boolean): Promise<Unit> {
    assertUuid(field, id);
    const unit = await em.findOne(Unit, { id }, lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
    if (!unit || !canSeeUnit(viewer, unit.path)) throw new NotFoundError('Unit', id);
    return unit;
  }

  private code(raw: string): string {
    const code = raw.trim();
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(code)) {
      throw new BadInputError('code', 'The code needs 1 to 64 letters, digits, dots, dashes or underscores');
    }
    return code;
  }

  private name(raw: string): string {
    const name = raw.trim();
    if (!name || name.length > 255) throw new BadInputError('name', 'The name needs 1 to 255 characters');
    return name;
  }

  private kind(raw: string): string {
    const kind = raw.trim().toUpperCase();
    if (!KIND.test(kind)) throw new BadInputError('kind', 'The kind is a short upper-case word such as PROVINCE or COMMUNE');
    return kind;
  }
}

function parentPathOf(path: string): string {
  return path.replace(/[0-9a-z]+\/$/, '');
}
