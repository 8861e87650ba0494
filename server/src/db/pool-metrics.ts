import type { MikroORM } from '@mikro-orm/postgresql';
import type { Metrics } from '../common/metrics.js';

/** The parts of knex's (tarn) pool the gauges read. */
interface Pool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  max: number;
}

/** Gauges over the ORM's connection pool, read at each scrape (0 while no pool exists). */
export function registerPoolMetrics(metrics: Metrics, orm: MikroORM): void {
  const pool = () => (orm.em.getConnection().getKnex().client as { pool?: Pool }).pool;
  metrics.registerGauge(
    'resolute_db_pool_in_use',
    'Database connections lent to a query or transaction',
    () => pool()?.numUsed() ?? 0,
  );
  metrics.registerGauge('resolute_db_pool_idle', 'Open database connections waiting for work', () => pool()?.numFree() ?? 0);
  metrics.registerGauge(
    'resolute_db_pool_waiting',
    'Requests waiting for a database connection',
    () => pool()?.numPendingAcquires() ?? 0,
  );
  metrics.registerGauge('resolute_db_pool_max', 'Most database connections the pool opens', () => pool()?.max ?? 0);
}
