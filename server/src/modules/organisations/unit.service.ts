import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError } from '../../common/errors.js';
import { canSeeUnit } from '../scope/scope.js';
import type { Viewer } from '../scope/viewer.js';
import { assertUuid } from '../tasks/task.service.js';
import { Unit } from './unit.entity.js';

export class UnitService {
  /** A unit in the viewer's subtree; NOT_FOUND for a missing and a forbidden id alike. */
  async get(em: EntityManager, viewer: Viewer, id: string): Promise<Unit> {
    assertUuid('id', id);
    const unit = await em.findOne(Unit, { id });
    if (!unit || !canSeeUnit(viewer, unit.path)) throw new NotFoundError('Unit', id);
    return unit;
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
  async pathFromViewer(em: EntityManager, viewer: Viewer, unit: Unit): Promise<Unit[]> {
    const seqs = unit.path
      .split('/')
      .filter(Boolean)
      .map((s) => parseInt(s, 36));
    const units = await em.find(Unit, { seq: { $in: seqs } }, { orderBy: { depth: 'asc' } });
    return units.filter((u) => canSeeUnit(viewer, u.path));
  }
}
