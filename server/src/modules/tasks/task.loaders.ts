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

/** Where a task's approval levels come from: its own setting, a task above's, or its plan's. */
export enum ApprovalLevelsSource {
  OWN = 'OWN',
  INHERITED = 'INHERITED',
  PLAN = 'PLAN',
}

/** The levels a new report of a task needs, and where they are set. */
export interface EffectiveApprovalLevels {
  levels: number;
  source: ApprovalLevelsSource;
  /** The task whose setting applies (the task itself for OWN); null for PLAN. */
  fromTaskId: string | null;
  fromTaskTitle: string | null;
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
    /**
     * The approval levels a new report of each task gets: `task_approval_levels` (the SQL the
     * report trigger uses) gives the number; the same walk up names the task it comes from.
     */
    approvalLevels: new DataLoader<string, EffectiveApprovalLevels>(async (ids) => {
      const rows = await em
        .getConnection()
        .execute<{ id: string; levels: number; from_id: string | null; from_title: string | null; d: number | null }[]>(
          `with recursive up as (
           select t.id as of, t.id, t.parent_id, t.approval_levels, 0 as d from task t where t.id = any(?::uuid[])
           union all
           select up.of, p.id, p.parent_id, p.approval_levels, up.d + 1 from task p join up on p.id = up.parent_id
            where up.approval_levels is null and up.d < 64
         )
         select s.id, task_approval_levels(s.id) as levels, f.id as from_id, f.title as from_title, f.d
           from unnest(?::uuid[]) s(id)
           left join lateral (select up.id, p.title, up.d from up join task p on p.id = up.id
                               where up.of = s.id and up.approval_levels is not null order by up.d limit 1) f on true`,
          [uuidArray(ids), uuidArray(ids)],
        );
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id): EffectiveApprovalLevels => {
        const r = byId.get(id);
        const source = r?.from_id
          ? Number(r.d) === 0
            ? ApprovalLevelsSource.OWN
            : ApprovalLevelsSource.INHERITED
          : ApprovalLevelsSource.PLAN;
        return { levels: Number(r?.levels ?? 1), source, fromTaskId: r?.from_id ?? null, fromTaskTitle: r?.from_title ?? null };
      });
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
