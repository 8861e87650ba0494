import type { WarningThresholds } from '../../config.js';
import { addDays } from '../../common/dates.js';
import { MIN_TREND_SPAN_DAYS, SEVERITY, WarningKind } from './warning-rules.js';

export const TZ = `'Asia/Ho_Chi_Minh'`;
const MR = WarningKind.MISSED_REPORT;

/** The task kinds' SQL conditions, over task `t` and its report facts `s`; each mirrors its rule in warning-rules.ts. */
export function taskConditions(today: string, th: WarningThresholds): [WarningKind, string, unknown[]][] {
  return [
    [WarningKind.OVERDUE, `t.due_on < ?::date`, [today]],
    [
      WarningKind.DUE_SOON,
      `t.due_on between ?::date and ?::date and t.progress < ?`,
      [today, addDays(today, th.dueSoonDays), th.dueSoonProgress],
    ],
    [
      WarningKind.BEHIND_SCHEDULE,
      `t.start_on < t.due_on and ?::date > t.start_on and ?::date <= t.due_on
         and (?::date - t.start_on)::float8 / (t.due_on - t.start_on) * 100 - t.progress > ?`,
      [today, today, today, th.behindSchedulePoints],
    ],
    [WarningKind.STALE, `?::date - ${lastActivityDay} >= ?`, [today, th.staleDays]],
    [WarningKind.OBSTACLE, `coalesce(s.latest_has_obstacles, false)`, []],
    [WarningKind.RETURNED, `s.latest_state is not distinct from 'RETURNED'`, []],
    [
      WarningKind.FORECAST_MISS,
      `s.n >= 2 and s.max_x - s.min_x >= ? and t.due_on >= ?::date and t.progress < 100
         and (not ((s.n * s.sxy - s.sx * s.sy) / (s.n * s.sxx - s.sx * s.sx) > 0)
              or (100 - (s.sy - (s.n * s.sxy - s.sx * s.sy) / (s.n * s.sxx - s.sx * s.sx) * s.sx) / s.n)
                 / ((s.n * s.sxy - s.sx * s.sy) / (s.n * s.sxx - s.sx * s.sx))
                 >= report_x((t.due_on + 1)::timestamp at time zone ${TZ}))`,
      [MIN_TREND_SPAN_DAYS, today],
    ],
    [
      WarningKind.EXTENSION_BOTTLENECK,
      `exists (select 1 from task_extension_request e where e.task_id = t.id and e.state = 'PENDING'
                 and e.requested_at < (?::date::timestamp at time zone ${TZ}))`,
      [addDays(today, -th.extensionWaitDays)],
    ],
    [
      WarningKind.MISSED_REPORT,
      `t.report_frequency is not null and exists (
         select 1 from report_periods(t.report_frequency, ${scheduleStart}, least(coalesce(t.due_on, ?::date), ?::date)) p
          where p.end_on + t.report_due_days < ?::date
            and not exists (select 1 from progress_report r where r.task_id = t.id and r.period_key = p.period_key))`,
      [today, today, today],
    ],
  ];
}

/** The first day a reporting schedule covers (tasks/report-schedule.ts `spanStart`). */
const scheduleStart = `coalesce(t.start_on, (t.created_at at time zone ${TZ})::date)`;

/** The day the stale count starts from: the last report, else the later of creation and start. */
const lastActivityDay = `case when t.last_report_at is not null then (t.last_report_at at time zone ${TZ})::date
  else greatest((t.created_at at time zone ${TZ})::date, coalesce(t.start_on, (t.created_at at time zone ${TZ})::date)) end`;

/**
 * Every task warning that holds today for the open tasks matching `where` (over task `t`), and
 * each scheduled indicator's missed report (`MISSED_REPORT:<task>:<indicator>`), as warning_fact rows (wid, kind, severity, task_id, unit_id, unit_path, res_key, all_res, due_key, n, oldest).
 */
export function taskWarningRows(where: string, whereParams: unknown[], today: string, th: WarningThresholds) {
  const chosen = taskConditions(today, th);
  return {
    sql: `select k.kind || ':' || t.id as wid, k.kind, k.severity, t.id as task_id, t.lead_unit_id as unit_id,
                 t.lead_unit_path as unit_path, t.resolution_id as res_key, true as all_res,
                 coalesce(t.due_on, '9999-12-31'::date) as due_key, null::int as n, null::timestamptz as oldest
            from task t left join task_report_state s on s.task_id = t.id
           cross join lateral (values ${chosen.map(([k, cond]) => `('${k}'::text, ${SEVERITY[k]}, (${cond}))`).join(', ')}) k(kind, severity, hit)
           where t.state = 'OPEN' and k.hit and (${where})
          union all
          select '${MR}:' || t.id || ':' || i.id, '${MR}'::text, ${SEVERITY[MR]}, t.id, t.lead_unit_id, t.lead_unit_path,
                 t.resolution_id, true, coalesce(t.due_on, '9999-12-31'::date), null::int, null::timestamptz
            from task t join indicator i on i.task_id = t.id
           where t.state = 'OPEN' and i.report_frequency is not null and (${where}) and exists (
                   select 1 from report_periods(i.report_frequency, ${scheduleStart}, least(coalesce(i.due_on, t.due_on, ?::date), ?::date)) p
                    where p.end_on + i.report_due_days < ?::date
                      and not exists (select 1 from report_indicator_value v where v.indicator_id = i.id and v.period_key = p.period_key))`,
    params: [...chosen.flatMap(([, , p]) => p), ...whereParams, ...whereParams, today, today, today],
  };
}

/**
 * The next day after `today` on which the calendar alone can change the warnings of the tasks
 * matching `where`: (task_id, next_on), 'infinity' when none (a finished task). A day found too
 * early costs one more look, never a missed warning: each candidate is the first day a rule's
 * truth can flip.
 */
export function taskClockRows(where: string, whereParams: unknown[], today: string, th: WarningThresholds) {
  const behind = `(?::date - t.start_on)::float8 / (t.due_on - t.start_on) * 100 - t.progress > ?`;
  return {
    sql: `select t.id as task_id, case when t.state <> 'OPEN' then 'infinity'::date else coalesce((
              select min(c) from unnest(array[
                t.due_on + 1,
                t.due_on - ?::int,
                t.start_on + 1,
                case when t.start_on < t.due_on and t.due_on > ?::date and not (${behind}) then
                  greatest(t.start_on + floor((? + t.progress) * (t.due_on - t.start_on) / 100.0)::int + 1, ?::date + 1) end,
                ${lastActivityDay} + ?::int,
                (select min((e.requested_at at time zone ${TZ})::date) + ?::int + 1 from task_extension_request e
                  where e.task_id = t.id and e.state = 'PENDING'),
                case when t.report_frequency is not null then (
                  select min(p.end_on + t.report_due_days + 1)
                    from report_periods(t.report_frequency, ${scheduleStart}, coalesce(t.due_on, ?::date + 400)) p
                   where p.end_on + t.report_due_days + 1 > ?::date) end,
                (select min(p.end_on + i.report_due_days + 1)
                   from indicator i
                  cross join lateral report_periods(i.report_frequency, ${scheduleStart}, coalesce(i.due_on, t.due_on, ?::date + 400)) p
                  where i.task_id = t.id and i.report_frequency is not null and p.end_on + i.report_due_days + 1 > ?::date)
              ]) c where c > ?::date), 'infinity'::date) end as next_on
            from task t where (${where})`,
    params: [
      th.dueSoonDays,
      today,
      today,
      th.behindSchedulePoints,
      th.behindSchedulePoints,
      today,
      th.staleDays,
      th.extensionWaitDays,
      today,
      today,
      today,
      today,
      today,
      ...whereParams,
    ],
  };
}

/**
 * What waits at each reviewing unit, as `w(task_id, report_id, since, unit_id, unit_path,
 * resolution_id)`: at the first level a report waits on its task's assigner from when it arrived;
 * at a higher level on the unit of that level from when the level below approved it. `units` (a
 * uuid[] literal) narrows to those reviewing units; null takes them all.
 */
function waitingSql(units: string | null) {
  const first = units ? `and t.assigner_unit_id = any(?::uuid[])` : '';
  const higher = units ? `and r.awaiting_unit_id = any(?::uuid[])` : '';
  return {
    sql: `select r.task_id, r.id as report_id, r.received_at as since, t.assigner_unit_id as unit_id,
                 t.assigner_unit_path as unit_path, t.resolution_id
            from progress_report r join task t on t.id = r.task_id
           where r.state = 'SUBMITTED' and r.approved_levels = 0 ${first}
          union all
          select r.task_id, r.id, r.awaiting_since, u.id, u.path, t.resolution_id
            from progress_report r join task t on t.id = r.task_id join unit u on u.id = r.awaiting_unit_id
           where r.state = 'SUBMITTED' and r.approved_levels > 0 ${higher}`,
    params: units ? [units, units] : [],
  };
}

/**
 * Review bottlenecks of the reviewing units in `units` (a uuid[] literal; null: every unit):
 * reports waiting at that unit's level longer than the threshold, one row over every resolution
 * and one per resolution. A report approved at a lower level waits on the next level's unit from
 * that approval, so each level's lag is its own.
 */
export function reviewWarningRows(units: string | null, today: string, th: WarningThresholds) {
  const kind = WarningKind.REVIEW_BOTTLENECK;
  const waiting = waitingSql(units);
  return {
    sql: `select '${kind}:' || w.unit_id as wid, '${kind}'::text as kind, ${SEVERITY[kind]} as severity,
                 (array_agg(w.task_id order by w.since, w.report_id))[1] as task_id, w.unit_id,
                 w.unit_path, w.resolution_id as res_key, grouping(w.resolution_id) = 1 as all_res,
                 '9999-12-31'::date as due_key, count(*)::int as n, min(w.since) as oldest
            from (${waiting.sql}) w
           where w.since < (?::date::timestamp at time zone ${TZ})
           group by grouping sets ((w.unit_id, w.unit_path), (w.unit_id, w.unit_path, w.resolution_id))`,
    params: [...waiting.params, addDays(today, -th.reviewWaitDays)],
  };
}

/**
 * For each reviewing unit in `unitIds`: the first day on which a report waiting there now, not
 * yet counted, crosses the threshold ('infinity' when none waits). Walks each unit's tasks and
 * takes the oldest such report of each from the (task, received) index: the reports of the last
 * days are the newest rows, which the planner's statistics undercount, and read as a range over
 * every task's reports they made this cost seconds a batch on a deadline day.
 */
export function reviewClockRows(unitIds: string, today: string, th: WarningThresholds) {
  const from = addDays(today, -th.reviewWaitDays);
  return {
    sql: `select u.id as unit_id, coalesce(min((w.since at time zone ${TZ})::date) + ?::int + 1, 'infinity'::date) as next_on
            from unnest(?::uuid[]) u(id)
            left join (
              select t.assigner_unit_id as unit_id, f.since
                from task t
                cross join lateral (
                  select r.received_at as since from progress_report r
                   where r.task_id = t.id and r.received_at >= (?::date::timestamp at time zone ${TZ})
                     and r.state = 'SUBMITTED' and r.approved_levels = 0
                   order by r.received_at limit 1) f
               where t.assigner_unit_id = any(?::uuid[])
              union all
              select r.awaiting_unit_id, min(r.awaiting_since)
                from progress_report r
               where r.state = 'SUBMITTED' and r.approved_levels > 0 and r.awaiting_unit_id = any(?::uuid[])
                 and r.awaiting_since >= (?::date::timestamp at time zone ${TZ})
               group by 1
            ) w on w.unit_id = u.id
           group by u.id`,
    params: [th.reviewWaitDays, unitIds, from, unitIds, unitIds, from],
  };
}

/** Counts per unit (each unit above a warning included), per resolution (null: all), per kind, of the rows in `facts`. */
export function countRows(facts: string) {
  return `select a.p as unit_path, g.res as res_key, g.kind, sum(g.n)::int as n
            from (select w.unit_path, k.res, w.kind, count(*) n
                    from (${facts}) w
                   cross join lateral (select null::uuid as res where w.all_res
                                       union all select w.res_key where w.res_key is not null) k
                   group by 1, 2, 3) g
           cross join lateral unnest(path_and_ancestors(g.unit_path)) a(p)
           group by 1, 2, 3`;
}
