import type { EntityManager } from '@mikro-orm/postgresql';
import type { WarningThresholds } from '../../config.js';
import { WarningKind } from '../warnings/warning-rules.js';
import { countRows, reviewClockRows, reviewWarningRows, taskClockRows, taskWarningRows, TZ } from '../warnings/warning-sql.js';

const RB = WarningKind.REVIEW_BOTTLENECK;
const COLUMNS = `wid, kind, severity, task_id, unit_id, unit_path, res_key, all_res, due_key, n, oldest`;

/** A uuid[] literal; every id here came from our own rows. */
const uuids = (ids: Iterable<string>) => `{${[...new Set(ids)].join(',')}}`;

/**
 * Replaces the stored facts matching `where` with `rows`, keeping the counts in step, in one
 * statement that writes only what differs: most batches recompute facts that come out the same
 * (a report on a task already fine), and counting every fact up all its ancestors twice was the
 * worker's biggest cost. Facts whose key is gone are deleted, new or changed ones upserted, and
 * the counts take the gone rows off and the added ones on.
 */
async function replaceFacts(
  tx: EntityManager,
  where: string,
  params: unknown[],
  rows: { sql: string; params: unknown[] },
): Promise<void> {
  const set = COLUMNS.split(', ')
    .slice(1)
    .map((c) => `${c} = excluded.${c}`)
    .join(', ');
  await tx.execute(
    `with fresh as materialized (select ${COLUMNS} from (${rows.sql}) x),
          old as materialized (select ${COLUMNS} from warning_fact where ${where}),
          gone as (select * from old except all select * from fresh),
          added as (select * from fresh except all select * from old),
          counted as (
            insert into warning_fact_count as c (unit_path, res_key, kind, n)
            select unit_path, res_key, kind, sum(n)::int
              from (select unit_path, res_key, kind, -n as n from (${countRows('select * from gone')}) g
                    union all select unit_path, res_key, kind, n from (${countRows('select * from added')}) a) d
             group by 1, 2, 3
            on conflict on constraint warning_fact_count_key do update set n = c.n + excluded.n
          ),
          removed as (
            delete from warning_fact w
             where ${where} and not exists (select 1 from fresh f where f.wid = w.wid and f.res_key is not distinct from w.res_key)
          )
     insert into warning_fact (${COLUMNS}) select ${COLUMNS} from added
     on conflict on constraint warning_fact_key do update set ${set}`,
    [...rows.params, ...params, ...params],
  );
}

/** What a batch changed, as far as warnings go. */
export interface WarningChanges {
  /** Tasks whose own warnings may have moved. */
  tasks: string[];
  /** Tasks whose assigning unit's review bottleneck may have moved (reviewed, reassigned, edited). */
  reviewTasks: string[];
  /** Reviewing units whose bottleneck moved (the levels a reviewed report waited at, and waits at). */
  reviewUnits: string[];
  /** Reports just stored: they wait at their task's assigner, whose review clock they may bring forward. */
  newReports: string[];
}

/**
 * Recomputes the warning facts of the changed tasks and reviewing units and of those whose
 * calendar day has come, up to `sweepLimit` of each, then records when the facts were brought up
 * to date. A new report never makes a bottleneck by itself (it has waited no time): it only
 * brings its reviewing unit's clock forward, so a batch of reports recomputes no unit's queue.
 * Returns how many tasks and reviewing units the calendar brought in.
 */
export async function refreshWarningFacts(
  tx: EntityManager,
  changed: WarningChanges,
  today: string,
  th: WarningThresholds,
  sweepLimit: number,
): Promise<number> {
  // Facts computed with other thresholds (the configuration changed) are all due again.
  const [state] = await tx.execute<{ same: boolean }[]>(`select thresholds = ?::jsonb as same from warning_fact_state`, [
    JSON.stringify(th),
  ]);
  if (!state?.same) {
    await tx.execute(`update warning_clock set next_on = '-infinity'`);
    await tx.execute(`update review_clock set next_on = '-infinity'`);
    await tx.execute(`update warning_fact_state set thresholds = ?::jsonb`, [JSON.stringify(th)]);
  }
  if (changed.newReports.length) {
    // Before the sweep below, so a report stored with an old arrival time is counted at once.
    await tx.execute(
      `insert into review_clock as c (unit_id, next_on)
       select t.assigner_unit_id, min((r.received_at at time zone ${TZ})::date) + ?::int + 1
         from progress_report r join task t on t.id = r.task_id
        where r.id = any(?::uuid[]) and r.state = 'SUBMITTED' and r.approved_levels = 0
        group by 1
       on conflict (unit_id) do update set next_on = least(c.next_on, excluded.next_on)`,
      [th.reviewWaitDays, uuids(changed.newReports)],
    );
  }
  const dueTasks = await tx.execute<{ task_id: string }[]>(
    `select task_id from warning_clock where next_on <= ?::date order by next_on limit ?`,
    [today, sweepLimit],
  );
  const tasks = uuids([...changed.tasks, ...dueTasks.map((r) => r.task_id)]);
  const dueUnits = await tx.execute<{ unit_id: string }[]>(
    `select unit_id from review_clock where next_on <= ?::date order by next_on limit ?`,
    [today, sweepLimit],
  );
  const changedUnits = changed.reviewTasks.length
    ? await tx.execute<{ unit_id: string }[]>(`select distinct assigner_unit_id as unit_id from task where id = any(?::uuid[])`, [
        uuids(changed.reviewTasks),
      ])
    : [];
  const units = uuids([...[...changedUnits, ...dueUnits].map((r) => r.unit_id), ...changed.reviewUnits]);

  if (tasks !== '{}') {
    await replaceFacts(
      tx,
      `task_id = any(?::uuid[]) and kind <> '${RB}'`,
      [tasks],
      taskWarningRows(`t.id = any(?::uuid[])`, [tasks], today, th),
    );
    const clock = taskClockRows(`t.id = any(?::uuid[])`, [tasks], today, th);
    await tx.execute(
      `insert into warning_clock as c (task_id, next_on) ${clock.sql}
       on conflict (task_id) do update set next_on = excluded.next_on`,
      clock.params,
    );
  }
  if (units !== '{}') {
    await replaceFacts(tx, `unit_id = any(?::uuid[]) and kind = '${RB}'`, [units], reviewWarningRows(units, today, th));
    const clock = reviewClockRows(units, today, th);
    await tx.execute(
      `insert into review_clock as c (unit_id, next_on) ${clock.sql}
       on conflict (unit_id) do update set next_on = excluded.next_on`,
      clock.params,
    );
  }
  await tx.execute(`update warning_fact_state set current_at = now()`);
  return dueTasks.length + dueUnits.length;
}
