import type { EntityManager } from '@mikro-orm/postgresql';
import { loadConfig, type WarningThresholds } from '../../config.js';
import { localDay } from '../../common/dates.js';
import { countRows, reviewClockRows, reviewWarningRows, taskWarningRows } from '../warnings/warning-sql.js';

export interface DerivedDifference {
  check: string;
  /** How many rows differ. */
  count: number;
  /** A few of them, as "key: stored → expected". */
  examples: string[];
}

export interface DerivedVerification {
  checks: number;
  differences: DerivedDifference[];
}

// Ten significant digits: sums of many float8 values kept incrementally and recomputed at once
// differ in their last digits only by the order of addition.
const sig = (x: string) => `(select round(v, 9 - floor(log(greatest(abs(v), 1e-6)))::int) from (select (${x})::numeric as v) r)`;

const TASK_ROLLUP_EXPECTED = `
  select p as unit_path, resolution_id, kind, due_month, started, done_week, count(*)::int as n, ${sig('sum(progress)')} as progress_sum
    from (select unnest(rollup_paths(lead_unit_path)) p, resolution_id, progress,
            case when state = 'CANCELLED' then 'CANCELLED'
                 when state = 'COMPLETED' then case when on_time_due_on is not null and (completed_at at time zone 'Asia/Ho_Chi_Minh')::date > on_time_due_on then 'LATE' else 'ON_TIME' end
                 else 'OPEN' end kind,
            case when state = 'OPEN' then date_trunc('month', due_on)::date end due_month,
            state = 'OPEN' and (progress > 0 or last_report_at is not null) started,
            case when state = 'COMPLETED' then date_trunc('week', completed_at at time zone 'Asia/Ho_Chi_Minh')::date end done_week
          from task) x
   group by 1, 2, 3, 4, 5, 6`;

const TASK_ROLLUP_STORED = `
  select unit_path, resolution_id, kind, due_month, started, done_week, n, ${sig('progress_sum')} as progress_sum
    from task_rollup where n <> 0`;

const TASK_DUE_ROLLUP_EXPECTED = `
  select p as unit_path, resolution_id, due_on, progress > 0 or last_report_at is not null as started, count(*)::int as n,
         ${sig('sum(progress)')} as progress_sum
    from task cross join lateral unnest(rollup_paths(lead_unit_path)) p
   where state = 'OPEN' and due_on is not null
   group by 1, 2, 3, 4`;

const TASK_DUE_ROLLUP_STORED = `
  select unit_path, resolution_id, due_on, started, n, ${sig('progress_sum')} as progress_sum from task_due_rollup where n <> 0`;

const EVALUATION_ROLLUP_EXPECTED = `
  select p as unit_path, resolution_id, period, rating::text as rating, count(*)::int as n
    from task_evaluation cross join lateral unnest(rollup_paths(lead_unit_path)) p
   group by 1, 2, 3, 4`;

const EVALUATION_ROLLUP_STORED = `select unit_path, resolution_id, period, rating, n from evaluation_rollup where n <> 0`;

const INDICATOR_ROLLUP_EXPECTED = `
  select p as unit_path, resolution_id, count(*)::int as n, count(a)::int as n_with_value, (count(*) filter (where ok))::int as n_achieved,
         ${sig('coalesce(sum(a), 0)')} as achievement_sum
    from (select unnest(rollup_paths(t.lead_unit_path)) p, t.resolution_id,
            indicator_achievement(i.baseline, i.target, i.current_value, i.direction) a,
            i.current_value is not null and ((i.direction = 'HIGHER_IS_BETTER' and i.current_value >= i.target)
              or (i.direction = 'LOWER_IS_BETTER' and i.current_value <= i.target)) ok
          from indicator i join task t on t.id = i.task_id where t.state <> 'CANCELLED') x
   group by 1, 2`;

const INDICATOR_ROLLUP_STORED = `
  select unit_path, resolution_id, n, n_with_value, n_achieved, ${sig('achievement_sum')} as achievement_sum
    from indicator_rollup where n <> 0`;

const REPORT_ROLLUP_EXPECTED = `
  select p as unit_path, resolution_id, wk as week, count(*)::int as n, (count(*) filter (where has_obstacles))::int as n_obstacles,
         ${sig('sum(lag)')} as lag_sum_seconds, ${sig('max(lag)')} as lag_max_seconds, (count(*) filter (where lag > 86400))::int as n_lagged,
         max(received_at) as last_received_at
    from (select unnest(rollup_paths(r.unit_path)) p, t.resolution_id, r.has_obstacles, r.received_at,
            date_trunc('week', r.received_at at time zone 'Asia/Ho_Chi_Minh')::date wk,
            greatest(0, extract(epoch from r.received_at - r.written_at))::float8 lag
          from progress_report r join task t on t.id = r.task_id) x
   group by 1, 2, 3`;

const REPORT_ROLLUP_STORED = `
  select unit_path, resolution_id, week, n, n_obstacles, ${sig('lag_sum_seconds')} as lag_sum_seconds,
         ${sig('lag_max_seconds')} as lag_max_seconds, n_lagged, last_received_at
    from report_rollup`;

const REPORT_STATE_EXPECTED = `
  select a.task_id, l.id as latest_report_id, l.received_at as latest_received_at, l.state as latest_state,
         l.has_obstacles as latest_has_obstacles, a.n, ${sig('a.sx')} as sx, ${sig('a.sy')} as sy, ${sig('a.sxx')} as sxx,
         ${sig('a.sxy')} as sxy, ${sig('a.min_x')} as min_x, ${sig('a.max_x')} as max_x
    from (select task_id, count(*)::int n, sum(report_x(written_at)) sx, sum(percent) sy, sum(report_x(written_at) ^ 2) sxx,
                 sum(report_x(written_at) * percent) sxy, min(report_x(written_at)) min_x, max(report_x(written_at)) max_x
            from progress_report group by task_id) a
    join lateral (select r.id, r.received_at, r.state, r.has_obstacles from progress_report r where r.task_id = a.task_id
                   order by r.received_at desc, r.id desc limit 1) l on true`;

const REPORT_STATE_STORED = `
  select task_id, latest_report_id, latest_received_at, latest_state, latest_has_obstacles, n, ${sig('sx')} as sx, ${sig('sy')} as sy,
         ${sig('sxx')} as sxx, ${sig('sxy')} as sxy, ${sig('min_x')} as min_x, ${sig('max_x')} as max_x
    from task_report_state`;

const FACT_COLUMNS = `wid, kind, severity, task_id, unit_id, unit_path, res_key, all_res, due_key, n, oldest`;

/** Per task, what its own rows say its derived fields must be (one level of the tree at a time). */
const TASK_FIELDS = `
  with kids as (
    select parent_id, sum(weight * progress) / nullif(sum(weight), 0) as mean, count(*) as n
      from task where parent_id is not null and state <> 'CANCELLED' group by parent_id
  ), approved as (
    select distinct on (task_id) task_id, percent
      from progress_report where state = 'APPROVED' order by task_id, written_at desc, received_at desc
  ), latest as (
    select task_id, max(received_at) as at from progress_report group by task_id
  )
  select t.id, t.progress, t.state, t.last_report_at,
         case when k.n is not null then least(100, greatest(0, round(k.mean::numeric, 2)))::float8
              else coalesce(a.percent, 0) end as expected_progress,
         l.at as expected_last_report_at
    from task t
    left join kids k on k.parent_id = t.id
    left join approved a on a.task_id = t.id
    left join latest l on l.task_id = t.id`;

// Set-based: no index leads with indicator_id, so a lookup per indicator would scan the values.
const INDICATOR_VALUES = `
  select i.id, i.current_value, e.value as expected
    from indicator i
    left join (select distinct on (v.indicator_id) v.indicator_id, v.value
                 from report_indicator_value v join progress_report r on r.id = v.report_id
                where r.state = 'APPROVED'
                order by v.indicator_id, r.written_at desc, r.received_at desc) e on e.indicator_id = i.id`;

/**
 * Recomputes every derived table and field from the base tables and lists what differs from
 * what is stored. Run it with the change log drained, or pending changes show as differences.
 */
export async function verifyDerived(
  em: EntityManager,
  options: { warnings?: WarningThresholds; today?: string } = {},
): Promise<DerivedVerification> {
  const conn = em.getConnection();
  const differences: DerivedDifference[] = [];
  const compare = async (check: string, stored: string, expected: string, key: string, params: unknown[] = []) => {
    const rows = await conn.execute<{ side: string; k: string; v: string }[]>(
      `with s as (${stored}), e as (${expected}),
            only_s as (select * from s except select * from e),
            only_e as (select * from e except select * from s)
       select 'stored' as side, ${key} as k, row_to_json(only_s)::text as v from only_s
       union all
       select 'expected', ${key}, row_to_json(only_e)::text from only_e
       order by 2, 1`,
      params,
    );
    if (rows.length)
      differences.push({
        check,
        count: new Set(rows.map((r) => r.k)).size,
        examples: rows.slice(0, 10).map((r) => `${r.side} ${r.v}`),
      });
  };
  await compare('task_rollup', TASK_ROLLUP_STORED, TASK_ROLLUP_EXPECTED, `unit_path || ' ' || resolution_id`);
  await compare(
    'task_due_rollup',
    TASK_DUE_ROLLUP_STORED,
    TASK_DUE_ROLLUP_EXPECTED,
    `unit_path || ' ' || resolution_id || ' ' || due_on`,
  );
  await compare('indicator_rollup', INDICATOR_ROLLUP_STORED, INDICATOR_ROLLUP_EXPECTED, `unit_path || ' ' || resolution_id`);
  await compare(
    'evaluation_rollup',
    EVALUATION_ROLLUP_STORED,
    EVALUATION_ROLLUP_EXPECTED,
    `unit_path || ' ' || resolution_id || ' ' || period`,
  );
  await compare(
    'report_rollup',
    REPORT_ROLLUP_STORED,
    REPORT_ROLLUP_EXPECTED,
    `unit_path || ' ' || resolution_id || ' ' || week`,
  );
  await compare('task_report_state', REPORT_STATE_STORED, REPORT_STATE_EXPECTED, `task_id::text`);

  // Warnings: what holds today, from the base tables, against the worker's facts and counts.
  const today = options.today ?? localDay();
  const th = options.warnings ?? loadConfig({}).warnings;
  const tasks = taskWarningRows('true', [], today, th);
  const reviews = reviewWarningRows(null, today, th);
  const facts = `${tasks.sql} union all ${reviews.sql}`;
  const factParams = [...tasks.params, ...reviews.params];
  await compare(
    'warning_fact',
    `select ${FACT_COLUMNS} from warning_fact`,
    `select ${FACT_COLUMNS} from (${facts}) f`,
    `wid`,
    factParams,
  );
  await compare(
    'warning_fact_count',
    `select unit_path, res_key, kind, n from warning_fact_count where n <> 0`,
    countRows(facts),
    `unit_path || ' ' || coalesce(res_key::text, 'all') || ' ' || kind`,
    factParams,
  );
  await compare(
    'warning_clock',
    `select id as task_id from task t where not exists (select 1 from warning_clock c where c.task_id = t.id and c.next_on > ?::date)`,
    `select null::uuid as task_id where false`,
    `task_id::text`,
    [today],
  );
  // A reviewing unit's clock may ring early (the sweep then recomputes it), never late.
  const [{ units }] = await conn.execute<{ units: string }[]>(
    `select '{' || coalesce(string_agg(id::text, ','), '') || '}' as units from unit`,
  );
  const clock = reviewClockRows(units, today, th);
  await compare(
    'review_clock',
    `select e.unit_id from (${clock.sql}) e left join review_clock c on c.unit_id = e.unit_id
      where e.next_on < 'infinity' and (c.next_on is null or c.next_on > e.next_on)`,
    `select null::uuid as unit_id where false`,
    `unit_id::text`,
    clock.params,
  );

  const fields = async (check: string, sql: string, describe: string) => {
    const [{ n }] = await conn.execute<{ n: number }[]>(`select count(*)::int as n from (${sql}) x`);
    if (n) {
      const examples = await conn.execute<{ d: string }[]>(`select ${describe} as d from (${sql}) x limit 10`);
      differences.push({ check, count: n, examples: examples.map((e) => e.d) });
    }
  };
  await fields(
    'task.progress',
    `select * from (${TASK_FIELDS}) f where f.state <> 'CANCELLED' and abs(f.progress - f.expected_progress) > 0.011`,
    `id || ': ' || progress || ' → ' || expected_progress`,
  );
  await fields(
    'task.state',
    `select * from (${TASK_FIELDS}) f where f.state <> 'CANCELLED' and (f.state = 'COMPLETED') <> (f.progress >= 100)`,
    `id || ': ' || state || ' at progress ' || progress`,
  );
  await fields(
    'task.last_report_at',
    `select * from (${TASK_FIELDS}) f where f.last_report_at is distinct from f.expected_last_report_at`,
    `id || ': ' || coalesce(last_report_at::text, 'null') || ' → ' || coalesce(expected_last_report_at::text, 'null')`,
  );
  await fields(
    'indicator.current_value',
    `select * from (${INDICATOR_VALUES}) v where v.current_value is distinct from v.expected`,
    `id || ': ' || coalesce(current_value::text, 'null') || ' → ' || coalesce(expected::text, 'null')`,
  );
  return { checks: 14, differences };
}
