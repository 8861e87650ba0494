import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { groupBy, uuidArray } from '../../common/loaders.js';
import { rowLoader } from '../../common/rows.js';
import type { UnitRow } from '../organisations/unit.row.js';
import { taskColumns, toTaskRow, type TaskRow } from './task.row.js';

/** A task above, with the unit paths its visibility is decided on. */
export interface AncestorRow {
  id: string;
  title: string;
  depth: number;
  leadUnitPath: string;
  assignerUnitPath: string;
}

/** Tasks by id as plain rows, one statement per batch (the review queue's and evaluations' tasks). */
export function taskRowLoader(em: EntityManager) {
  return rowLoader<TaskRow>(em, `select ${taskColumns('t')} from task t where t.id = any(?::uuid[])`, toTaskRow);
}

export function taskLoaders(em: EntityManager, unitLoader: DataLoader<string, UnitRow | null>) {
  return {
    /** Titles of every task above each task, root first. */
    ancestors: new DataLoader<string, AncestorRow[]>(async (ids) => {
      const rows = await em.getConnection().execute<(AncestorRow & { of: string })[]>(
        `with recursive up(of, id, parent_id, title, depth) as (
           select t.id, p.id, p.parent_id, p.title, p.depth from task t join task p on p.id = t.parent_id where t.id = any(?::uuid[])
           union all
           select up.of, p.id, p.parent_id, p.title, p.depth from up join task p on p.id = up.parent_id
         ) select up.of, up.id, up.title, up.depth, p.lead_unit_path "leadUnitPath", p.assigner_unit_path "assignerUnitPath"
             from up join task p on p.id = up.id order by up.depth`,
        [uuidArray(ids)],
      );
      return groupBy(ids, rows, (r) => r.of).map((list) =>
        list.map(({ id, title, depth, leadUnitPath, assignerUnitPath }) => ({
          id,
          title,
          depth,
          leadUnitPath,
          assignerUnitPath,
        })),
      );
    }),
    /** Each task's coordinating units, through the request's unit loader (plain rows). */
    coordinatingUnits: new DataLoader<string, UnitRow[]>(async (ids) => {
      const links = await em
        .getConnection()
        .execute<{ task_id: string; unit_id: string }[]>(
          'select task_id, unit_id from task_coordinator where task_id = any(?::uuid[])',
          [uuidArray(ids)],
        );
      const units = await unitLoader.loadMany([...new Set(links.map((l) => l.unit_id))]);
      const byId = new Map(units.filter((u): u is UnitRow => !!u && !(u instanceof Error)).map((u) => [u.id, u]));
      return groupBy(ids, links, (l) => l.task_id).map((ls) => ls.map((l) => byId.get(l.unit_id)!).filter(Boolean));
    }),
    childCount: new DataLoader<string, number>(async (ids) => {
      const rows = await em
        .getConnection()
        .execute<{ parent_id: string; n: string }[]>(
          'select parent_id, count(*) as n from task where parent_id = any(?::uuid[]) group by parent_id',
          [uuidArray(ids)],
        );
      const byId = new Map(rows.map((r) => [r.parent_id, Number(r.n)]));
      return ids.map((id) => byId.get(id) ?? 0);
    }),
  };
}
