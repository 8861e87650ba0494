import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { groupBy } from '../../common/loaders.js';
import { Indicator } from './indicator.entity.js';

export function indicatorLoaders(em: EntityManager) {
  return {
    byTask: new DataLoader<string, Indicator[]>(async (taskIds) => {
      const rows = await em.find(Indicator, { task: { $in: [...taskIds] } }, { orderBy: { createdAt: 'asc', id: 'asc' } });
      return groupBy(taskIds, rows, (i) => i.task.id);
    }),
  };
}
