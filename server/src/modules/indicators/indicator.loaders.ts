import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { groupBy, uuidArray } from '../../common/loaders.js';
import type { ReportFrequency } from '../tasks/report-schedule.js';
import type { IndicatorDirection } from './indicator.entity.js';

/** An indicator as the `Indicator` type shows it. */
export interface IndicatorRow {
  id: string;
  taskId: string;
  name: string;
  unitOfMeasure: string;
  baseline: number;
  target: number;
  direction: IndicatorDirection;
  dueOn: string | null;
  currentValue: number | null;
  version: number;
  reportFrequency: ReportFrequency | null;
  reportDueDays: number | null;
}

export function indicatorLoaders(em: EntityManager) {
  return {
    /** Each task's indicators in the order they were made, as plain rows. */
    byTask: new DataLoader<string, IndicatorRow[]>(async (taskIds) => {
      const rows = await em.getConnection().execute<Record<string, unknown>[]>(
        `select i.id, i.task_id, i.name, i.unit_of_measure, i.baseline, i.target, i.direction, i.due_on::text as due_on,
                i.current_value, i.version, i.report_frequency, i.report_due_days
           from indicator i where i.task_id = any(?::uuid[]) order by i.created_at, i.id`,
        [uuidArray(taskIds)],
      );
      const list = rows.map((i) => ({
        id: i.id as string,
        taskId: i.task_id as string,
        name: i.name as string,
        unitOfMeasure: i.unit_of_measure as string,
        baseline: Number(i.baseline),
        target: Number(i.target),
        direction: i.direction as IndicatorDirection,
        dueOn: (i.due_on as string | null) ?? null,
        currentValue: i.current_value === null ? null : Number(i.current_value),
        version: Number(i.version),
        reportFrequency: (i.report_frequency as ReportFrequency | null) ?? null,
        reportDueDays: i.report_due_days === null ? null : Number(i.report_due_days),
      }));
      return groupBy(taskIds, list, (i) => i.taskId);
    }),
  };
}
