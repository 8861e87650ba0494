import { Migration } from '@mikro-orm/migrations';

/**
 * Dashboards from aggregates alone (docs/ARCHITECTURE.md, "Dashboards").
 *
 * - The rollups gain a row at the root that covers the whole tree, as every other unit's row
 *   covers its subtree: the derived-data worker is their only writer, so a row every write in the
 *   country touches no longer queues anyone, and the nation reads one row set instead of every
 *   child's.
 * - `task_due_rollup`: open tasks by due day, per subtree and resolution. Whether an open task
 *   due this month is overdue depends on today; the dashboard reads the days of this month here
 *   instead of counting tasks.
 * - `evaluation_rollup`: leaders' ratings per subtree, resolution, period and rating, for the
 *   ranking; appended as deltas by trigger and folded by the worker like the other rollups.
 */
export class Migration20261206020000_dashboard_aggregates extends Migration {
  override async up(): Promise<void> {
    // Whatever the triggers appended under the old paths is folded first.
    this.addSql(`with d as (delete from task_rollup_delta returning *)
      insert into task_rollup as r (unit_path, resolution_id, kind, due_month, started, done_week, n, progress_sum)
      select unit_path, resolution_id, kind, due_month, started, done_week, sum(n), sum(progress_sum)
        from d group by unit_path, resolution_id, kind, due_month, started, done_week
      on conflict on constraint task_rollup_key
      do update set n = r.n + excluded.n, progress_sum = r.progress_sum + excluded.progress_sum;`);
    this.addSql(`with d as (delete from indicator_rollup_delta returning *)
      insert into indicator_rollup as r (unit_path, resolution_id, n, n_with_value, n_achieved, achievement_sum)
      select unit_path, resolution_id, sum(n), sum(n_with_value), sum(n_achieved), sum(achievement_sum)
        from d group by unit_path, resolution_id
      on conflict (unit_path, resolution_id) do update set
        n = r.n + excluded.n, n_with_value = r.n_with_value + excluded.n_with_value,
        n_achieved = r.n_achieved + excluded.n_achieved, achievement_sum = r.achievement_sum + excluded.achievement_sum;`);

    // A root's row held only what the root leads itself; its children's rows hold the rest.
    this.addSql(`insert into task_rollup as r (unit_path, resolution_id, kind, due_month, started, done_week, n, progress_sum)
      select root.path, x.resolution_id, x.kind, x.due_month, x.started, x.done_week, sum(x.n), sum(x.progress_sum)
        from unit root join unit c on c.parent_id = root.id join task_rollup x on x.unit_path = c.path
       where root.parent_id is null
       group by 1, 2, 3, 4, 5, 6
      on conflict on constraint task_rollup_key
      do update set n = r.n + excluded.n, progress_sum = r.progress_sum + excluded.progress_sum;`);
    this.addSql(`insert into indicator_rollup as r (unit_path, resolution_id, n, n_with_value, n_achieved, achievement_sum)
      select root.path, x.resolution_id, sum(x.n), sum(x.n_with_value), sum(x.n_achieved), sum(x.achievement_sum)
        from unit root join unit c on c.parent_id = root.id join indicator_rollup x on x.unit_path = c.path
       where root.parent_id is null
       group by 1, 2
      on conflict (unit_path, resolution_id) do update set
        n = r.n + excluded.n, n_with_value = r.n_with_value + excluded.n_with_value,
        n_achieved = r.n_achieved + excluded.n_achieved, achievement_sum = r.achievement_sum + excluded.achievement_sum;`);
    // Reports still in the change log are rolled up later by the worker, under the new paths.
    this
      .addSql(`insert into report_rollup as r (unit_path, resolution_id, week, n, n_obstacles, lag_sum_seconds, lag_max_seconds, n_lagged, last_received_at)
      select root.path, x.resolution_id, x.week, sum(x.n), sum(x.n_obstacles), sum(x.lag_sum_seconds), max(x.lag_max_seconds),
             sum(x.n_lagged), max(x.last_received_at)
        from unit root join unit c on c.parent_id = root.id join report_rollup x on x.unit_path = c.path
       where root.parent_id is null
       group by 1, 2, 3
      on conflict (unit_path, resolution_id, week) do update set
        n = r.n + excluded.n, n_obstacles = r.n_obstacles + excluded.n_obstacles,
        lag_sum_seconds = r.lag_sum_seconds + excluded.lag_sum_seconds,
        lag_max_seconds = greatest(r.lag_max_seconds, excluded.lag_max_seconds),
        n_lagged = r.n_lagged + excluded.n_lagged,
        last_received_at = greatest(r.last_received_at, excluded.last_received_at);`);
    this.addSql(`create or replace function "rollup_paths"(p text) returns text[] language sql immutable parallel safe as $$
      select path_and_ancestors(p)
    $$;`);

    this.addSql(`alter table "task_rollup_delta" add column "due_on" date null;`);
    this.addSql(`create table "task_due_rollup" (
      "unit_path" text not null,
      "resolution_id" uuid not null,
      "due_on" date not null,
      "started" boolean not null,
      "n" int not null,
      "progress_sum" float8 not null,
      constraint "task_due_rollup_pkey" primary key ("unit_path", "due_on", "resolution_id", "started")
    );`);
    this.addSql(`insert into task_due_rollup (unit_path, resolution_id, due_on, started, n, progress_sum)
      select p, resolution_id, due_on, progress > 0 or last_report_at is not null, count(*), sum(progress)
        from task cross join lateral unnest(rollup_paths(lead_unit_path)) p
       where state = 'OPEN' and due_on is not null
       group by 1, 2, 3, 4;`);
    this.addSql(`create or replace function "task_rollup_apply"(t task, sign int) returns void language plpgsql as $$
      declare
        k varchar(16);
        dm date;
        dd date;
        st boolean := false;
        dw date;
      begin
        if t.state = 'CANCELLED' then k := 'CANCELLED';
        elsif t.state = 'COMPLETED' then
          dw := date_trunc('week', t.completed_at at time zone 'Asia/Ho_Chi_Minh')::date;
          k := case when t.due_on is not null and (t.completed_at at time zone 'Asia/Ho_Chi_Minh')::date > t.due_on
                 then 'LATE' else 'ON_TIME' end;
        else
          k := 'OPEN';
          dm := date_trunc('month', t.due_on)::date;
          dd := t.due_on;
          st := t.progress > 0 or t.last_report_at is not null;
        end if;
        insert into task_rollup_delta (unit_path, resolution_id, kind, due_month, due_on, started, done_week, n, progress_sum)
          select p, t.resolution_id, k, dm, dd, st, dw, sign, sign * t.progress from unnest(rollup_paths(t.lead_unit_path)) p;
      end $$;`);

    this.addSql(`create table "evaluation_rollup" (
      "unit_path" text not null,
      "resolution_id" uuid not null,
      "period" varchar(16) not null,
      "rating" varchar(16) not null,
      "n" int not null,
      constraint "evaluation_rollup_pkey" primary key ("unit_path", "resolution_id", "period", "rating")
    );`);
    this.addSql(`create table "evaluation_rollup_delta" (
      "id" bigserial primary key,
      "unit_path" text not null,
      "resolution_id" uuid not null,
      "period" varchar(16) not null,
      "rating" varchar(16) not null,
      "n" int not null
    );`);
    this.addSql(`insert into evaluation_rollup (unit_path, resolution_id, period, rating, n)
      select p, resolution_id, period, rating::text, count(*)
        from task_evaluation cross join lateral unnest(rollup_paths(lead_unit_path)) p
       group by 1, 2, 3, 4;`);
    // Old row out, new row in; a change log entry wakes the worker to fold them.
    this.addSql(`create function "evaluation_rollup_trigger"() returns trigger language plpgsql as $$
      begin
        if tg_op in ('UPDATE', 'DELETE') then
          insert into evaluation_rollup_delta (unit_path, resolution_id, period, rating, n)
            select p, old.resolution_id, old.period, old.rating::text, -1 from unnest(rollup_paths(old.lead_unit_path)) p;
          if tg_op = 'DELETE' then
            insert into derived_change (kind, task_id) values ('EVALUATION', old.task_id);
          end if;
        end if;
        if tg_op in ('INSERT', 'UPDATE') then
          insert into evaluation_rollup_delta (unit_path, resolution_id, period, rating, n)
            select p, new.resolution_id, new.period, new.rating::text, 1 from unnest(rollup_paths(new.lead_unit_path)) p;
          insert into derived_change (kind, task_id) values ('EVALUATION', new.task_id);
        end if;
        return null;
      end $$;`);
    this
      .addSql(`create trigger "evaluation_rollup" after insert or update of lead_unit_path, resolution_id, period, rating or delete
      on "task_evaluation" for each row execute function "evaluation_rollup_trigger"();`);
    this.addSql(`alter table "derived_change" drop constraint "derived_change_kind";`);
    this.addSql(
      `alter table "derived_change" add constraint "derived_change_kind" check ("kind" in ('REPORT', 'REVIEW', 'PROGRESS', 'TASK', 'EVALUATION'));`,
    );
  }
}
