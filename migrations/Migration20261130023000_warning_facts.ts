import { Migration } from '@mikro-orm/migrations';

/**
 * Per-task report facts the warnings read instead of scanning reports: the latest report's
 * state and obstacle flag, and the running sums of a least-squares line through every report's
 * (days since 2020-01-01 when written, percent). Reports are append-only, so the sums, the
 * first and last x only grow; a review changes only the latest state. Kept by triggers in
 * the same transaction as the report.
 */
export class Migration20261130023000_warning_facts extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "task_report_state" (
      "task_id" uuid not null primary key references "task" ("id") on update cascade on delete cascade,
      "latest_report_id" uuid not null,
      "latest_received_at" timestamptz not null,
      "latest_state" "report_state" not null,
      "latest_has_obstacles" boolean not null,
      "n" int not null,
      "sx" float8 not null,
      "sy" float8 not null,
      "sxx" float8 not null,
      "sxy" float8 not null,
      "min_x" float8 not null,
      "max_x" float8 not null
    );`);
    this.addSql(`create function "report_x"(at timestamptz) returns float8 language sql immutable parallel safe as $$
      select extract(epoch from at - timestamptz '2020-01-01 00:00:00+00') / 86400
    $$;`);
    this.addSql(`create function "task_report_state_trigger"() returns trigger language plpgsql as $$
      declare x float8 := report_x(new.written_at);
      begin
        if tg_op = 'INSERT' then
          insert into task_report_state as s (task_id, latest_report_id, latest_received_at, latest_state, latest_has_obstacles,
                                             n, sx, sy, sxx, sxy, min_x, max_x)
            values (new.task_id, new.id, new.received_at, new.state, new.has_obstacles, 1, x, new.percent, x * x, x * new.percent, x, x)
            on conflict (task_id) do update set
              n = s.n + 1, sx = s.sx + excluded.sx, sy = s.sy + excluded.sy, sxx = s.sxx + excluded.sxx, sxy = s.sxy + excluded.sxy,
              min_x = least(s.min_x, excluded.min_x), max_x = greatest(s.max_x, excluded.max_x),
              latest_report_id = case when (excluded.latest_received_at, excluded.latest_report_id) > (s.latest_received_at, s.latest_report_id)
                then excluded.latest_report_id else s.latest_report_id end,
              latest_state = case when (excluded.latest_received_at, excluded.latest_report_id) > (s.latest_received_at, s.latest_report_id)
                then excluded.latest_state else s.latest_state end,
              latest_has_obstacles = case when (excluded.latest_received_at, excluded.latest_report_id) > (s.latest_received_at, s.latest_report_id)
                then excluded.latest_has_obstacles else s.latest_has_obstacles end,
              latest_received_at = greatest(s.latest_received_at, excluded.latest_received_at);
        elsif new.state is distinct from old.state then
          update task_report_state set latest_state = new.state where task_id = new.task_id and latest_report_id = new.id;
        end if;
        return null;
      end $$;`);
    this.addSql(`create trigger "task_report_state" after insert or update of state on "progress_report"
      for each row execute function "task_report_state_trigger"();`);
    this.addSql(`insert into task_report_state (task_id, latest_report_id, latest_received_at, latest_state, latest_has_obstacles,
                                               n, sx, sy, sxx, sxy, min_x, max_x)
      select a.task_id, l.id, l.received_at, l.state, l.has_obstacles, a.n, a.sx, a.sy, a.sxx, a.sxy, a.min_x, a.max_x
        from (select task_id, count(*)::int n, sum(report_x(written_at)) sx, sum(percent) sy, sum(report_x(written_at) ^ 2) sxx,
                     sum(report_x(written_at) * percent) sxy, min(report_x(written_at)) min_x, max(report_x(written_at)) max_x
                from progress_report group by task_id) a
        join lateral (select r.id, r.received_at, r.state, r.has_obstacles from progress_report r where r.task_id = a.task_id
                       order by r.received_at desc, r.id desc limit 1) l on true;`);
    // Covering indexes: a dashboard reads a path's rollup rows from the index alone, not from
    // heap pages scattered over the rows' lifetime.
    this.addSql(`create index "task_rollup_cover_idx" on "task_rollup" ("unit_path", "resolution_id")
      include ("kind", "due_month", "started", "done_week", "n", "progress_sum");`);
    this.addSql(`create index "report_rollup_cover_idx" on "report_rollup" ("unit_path", "week")
      include ("resolution_id", "n", "n_obstacles", "lag_sum_seconds", "lag_max_seconds", "n_lagged", "last_received_at");`);
    // The dashboards' queries read a few hundred rollup rows; JIT compilation (on by default once
    // a plan's estimated cost is high) costs more than the query itself.
    this.addSql(`do $$ begin execute format('alter database %I set jit = off', current_database()); end $$;`);
  }
}
