import { Migration } from '@mikro-orm/migrations';

/**
 * Analytics rollups kept by triggers in the same transaction as every task, indicator and report
 * change, so dashboards read a few hundred summary rows instead of a million tasks.
 *
 * A rollup row is kept for every ancestor-or-self of the lead unit *below the root* (depth ≥ 1):
 * a province's row covers its whole subtree. Tasks led by a root unit itself get a row at the
 * root's path; the nation is that row plus its children's. Keeping no row per root means no
 * single row every write in the country would queue on: writes contend per province at most,
 * as the audit chain already does.
 *
 * Also: task evaluations (ratings by leaders) and public snapshots of published resolutions.
 */
export class Migration20261130020000_analytics extends Migration {
  override async up(): Promise<void> {
    // The rollup keys of a path: its ancestors-or-self at depth ≥ 1, or the root itself.
    this.addSql(`create function "rollup_paths"(p text) returns text[] language sql immutable parallel safe as $$
      select case when cardinality(s) <= 1 then array[p]
        else array(select '/' || array_to_string(s[1:i], '/') || '/' from generate_series(2, cardinality(s)) i) end
      from (select string_to_array(trim(both '/' from p), '/') as s) x
    $$;`);

    // Share of the way from baseline to target, 0–1; direction decides only the flat case.
    this
      .addSql(`create function "indicator_achievement"(baseline float8, target float8, current float8, direction indicator_direction)
      returns float8 language sql immutable parallel safe as $$
      select case
        when current is null then null
        when target = baseline then
          case when (direction = 'HIGHER_IS_BETTER' and current >= target) or (direction = 'LOWER_IS_BETTER' and current <= target)
            then 1::float8 else 0::float8 end
        else greatest(0::float8, least(1::float8, (current - baseline) / (target - baseline)))
      end
    $$;`);

    this.addSql(`create table "task_rollup" (
      "unit_path" text not null,
      "resolution_id" uuid not null,
      "kind" varchar(16) not null,
      "due_month" date null,
      "started" boolean not null,
      "done_week" date null,
      "n" int not null,
      "progress_sum" float8 not null,
      constraint "task_rollup_kind" check ("kind" in ('OPEN', 'ON_TIME', 'LATE', 'CANCELLED')),
      constraint "task_rollup_key" unique nulls not distinct ("unit_path", "resolution_id", "kind", "due_month", "started", "done_week")
    );`);
    this.addSql(`create index "task_rollup_path_idx" on "task_rollup" ("unit_path" text_pattern_ops);`);

    this.addSql(`create table "indicator_rollup" (
      "unit_path" text not null,
      "resolution_id" uuid not null,
      "n" int not null,
      "n_with_value" int not null,
      "n_achieved" int not null,
      "achievement_sum" float8 not null,
      constraint "indicator_rollup_pkey" primary key ("unit_path", "resolution_id")
    );`);

    this.addSql(`create table "report_rollup" (
      "unit_path" text not null,
      "resolution_id" uuid not null,
      "week" date not null,
      "n" int not null,
      "n_obstacles" int not null,
      "lag_sum_seconds" float8 not null,
      "lag_max_seconds" float8 not null,
      "n_lagged" int not null,
      "last_received_at" timestamptz not null,
      constraint "report_rollup_pkey" primary key ("unit_path", "resolution_id", "week")
    );`);

    // --- tasks -------------------------------------------------------------------------------
    this.addSql(`create function "task_rollup_apply"(t task, sign int) returns void language plpgsql as $$
      declare
        k varchar(16);
        dm date;
        st boolean := false;
        dw date;
        p text;
      begin
        if t.state = 'CANCELLED' then k := 'CANCELLED';
        elsif t.state = 'COMPLETED' then
          dw := date_trunc('week', t.completed_at at time zone 'Asia/Ho_Chi_Minh')::date;
          k := case when t.due_on is not null and (t.completed_at at time zone 'Asia/Ho_Chi_Minh')::date > t.due_on
                 then 'LATE' else 'ON_TIME' end;
        else
          k := 'OPEN';
          dm := date_trunc('month', t.due_on)::date;
          st := t.progress > 0 or t.last_report_at is not null;
        end if;
        foreach p in array rollup_paths(t.lead_unit_path) loop
          insert into task_rollup as r (unit_path, resolution_id, kind, due_month, started, done_week, n, progress_sum)
            values (p, t.resolution_id, k, dm, st, dw, sign, sign * t.progress)
            on conflict on constraint task_rollup_key
            do update set n = r.n + excluded.n, progress_sum = r.progress_sum + excluded.progress_sum;
        end loop;
      end $$;`);

    this.addSql(`create function "indicator_rollup_apply"(i indicator, lead_path text, resolution uuid, sign int)
      returns void language plpgsql as $$
      declare
        a float8 := indicator_achievement(i.baseline, i.target, i.current_value, i.direction);
        ok boolean := i.current_value is not null and
          ((i.direction = 'HIGHER_IS_BETTER' and i.current_value >= i.target) or (i.direction = 'LOWER_IS_BETTER' and i.current_value <= i.target));
        p text;
      begin
        foreach p in array rollup_paths(lead_path) loop
          insert into indicator_rollup as r (unit_path, resolution_id, n, n_with_value, n_achieved, achievement_sum)
            values (p, resolution, sign, sign * (a is not null)::int, sign * ok::int, sign * coalesce(a, 0))
            on conflict (unit_path, resolution_id) do update set
              n = r.n + excluded.n, n_with_value = r.n_with_value + excluded.n_with_value,
              n_achieved = r.n_achieved + excluded.n_achieved, achievement_sum = r.achievement_sum + excluded.achievement_sum;
        end loop;
      end $$;`);

    // Cancelled tasks' indicators leave the achievement figures.
    this.addSql(`create function "task_rollup_trigger"() returns trigger language plpgsql as $$
      declare i indicator;
      begin
        if tg_op = 'UPDATE' then
          if (old.state, old.due_on, old.progress, old.completed_at, old.last_report_at is null, old.lead_unit_path, old.resolution_id)
             is not distinct from
             (new.state, new.due_on, new.progress, new.completed_at, new.last_report_at is null, new.lead_unit_path, new.resolution_id) then
            return new;
          end if;
        end if;
        if tg_op in ('UPDATE', 'DELETE') then perform task_rollup_apply(old, -1); end if;
        if tg_op in ('INSERT', 'UPDATE') then perform task_rollup_apply(new, 1); end if;
        if tg_op = 'UPDATE' and (old.lead_unit_path, old.resolution_id, old.state = 'CANCELLED')
             is distinct from (new.lead_unit_path, new.resolution_id, new.state = 'CANCELLED') then
          for i in select * from indicator where task_id = new.id loop
            if old.state <> 'CANCELLED' then perform indicator_rollup_apply(i, old.lead_unit_path, old.resolution_id, -1); end if;
            if new.state <> 'CANCELLED' then perform indicator_rollup_apply(i, new.lead_unit_path, new.resolution_id, 1); end if;
          end loop;
        end if;
        if tg_op = 'DELETE' then
          -- Before the delete: the indicators are still there, the cascade removes them next.
          if old.state <> 'CANCELLED' then
            for i in select * from indicator where task_id = old.id loop
              perform indicator_rollup_apply(i, old.lead_unit_path, old.resolution_id, -1);
            end loop;
          end if;
          return old;
        end if;
        return new;
      end $$;`);
    this.addSql(`create trigger "task_rollup" after insert or update on "task"
      for each row execute function "task_rollup_trigger"();`);
    this.addSql(`create trigger "task_rollup_delete" before delete on "task"
      for each row execute function "task_rollup_trigger"();`);

    // --- indicators ----------------------------------------------------------------------------
    this.addSql(`create function "indicator_rollup_trigger"() returns trigger language plpgsql as $$
      declare t record;
      begin
        if tg_op in ('UPDATE', 'DELETE') then
          select lead_unit_path, resolution_id, state into t from task where id = old.task_id;
          -- A task deleted with its indicators was already taken out by the task's trigger.
          if found and t.state <> 'CANCELLED' then perform indicator_rollup_apply(old, t.lead_unit_path, t.resolution_id, -1); end if;
        end if;
        if tg_op in ('INSERT', 'UPDATE') then
          select lead_unit_path, resolution_id, state into t from task where id = new.task_id;
          if found and t.state <> 'CANCELLED' then perform indicator_rollup_apply(new, t.lead_unit_path, t.resolution_id, 1); end if;
        end if;
        return null;
      end $$;`);
    this
      .addSql(`create trigger "indicator_rollup" after insert or update of baseline, target, current_value, direction, task_id or delete
      on "indicator" for each row execute function "indicator_rollup_trigger"();`);

    // --- reports (append-only, so max and last are maintainable) -------------------------------
    this.addSql(`create function "report_rollup_trigger"() returns trigger language plpgsql as $$
      declare
        res uuid;
        lag float8 := greatest(0, extract(epoch from new.received_at - new.written_at));
        wk date := date_trunc('week', new.received_at at time zone 'Asia/Ho_Chi_Minh')::date;
        p text;
      begin
        select resolution_id into res from task where id = new.task_id;
        foreach p in array rollup_paths(new.unit_path) loop
          insert into report_rollup as r (unit_path, resolution_id, week, n, n_obstacles, lag_sum_seconds, lag_max_seconds, n_lagged, last_received_at)
            values (p, res, wk, 1, new.has_obstacles::int, lag, lag, (lag > 86400)::int, new.received_at)
            on conflict (unit_path, resolution_id, week) do update set
              n = r.n + 1, n_obstacles = r.n_obstacles + excluded.n_obstacles,
              lag_sum_seconds = r.lag_sum_seconds + excluded.lag_sum_seconds,
              lag_max_seconds = greatest(r.lag_max_seconds, excluded.lag_max_seconds),
              n_lagged = r.n_lagged + excluded.n_lagged,
              last_received_at = greatest(r.last_received_at, excluded.last_received_at);
        end loop;
        return null;
      end $$;`);
    this.addSql(`create trigger "report_rollup" after insert on "progress_report"
      for each row execute function "report_rollup_trigger"();`);

    // Backfill what already exists.
    this.addSql(`insert into task_rollup (unit_path, resolution_id, kind, due_month, started, done_week, n, progress_sum)
      select p, resolution_id, kind, due_month, started, done_week, count(*), sum(progress) from (
        select unnest(rollup_paths(lead_unit_path)) p, resolution_id, progress,
          case when state = 'CANCELLED' then 'CANCELLED'
               when state = 'COMPLETED' then case when due_on is not null and (completed_at at time zone 'Asia/Ho_Chi_Minh')::date > due_on then 'LATE' else 'ON_TIME' end
               else 'OPEN' end kind,
          case when state = 'OPEN' then date_trunc('month', due_on)::date end due_month,
          state = 'OPEN' and (progress > 0 or last_report_at is not null) started,
          case when state = 'COMPLETED' then date_trunc('week', completed_at at time zone 'Asia/Ho_Chi_Minh')::date end done_week
        from task) x
      group by 1, 2, 3, 4, 5, 6;`);
    this.addSql(`insert into indicator_rollup (unit_path, resolution_id, n, n_with_value, n_achieved, achievement_sum)
      select p, resolution_id, count(*), count(a), count(*) filter (where ok), coalesce(sum(a), 0) from (
        select unnest(rollup_paths(t.lead_unit_path)) p, t.resolution_id,
          indicator_achievement(i.baseline, i.target, i.current_value, i.direction) a,
          i.current_value is not null and ((i.direction = 'HIGHER_IS_BETTER' and i.current_value >= i.target) or (i.direction = 'LOWER_IS_BETTER' and i.current_value <= i.target)) ok
        from indicator i join task t on t.id = i.task_id where t.state <> 'CANCELLED') x
      group by 1, 2;`);
    this
      .addSql(`insert into report_rollup (unit_path, resolution_id, week, n, n_obstacles, lag_sum_seconds, lag_max_seconds, n_lagged, last_received_at)
      select p, resolution_id, wk, count(*), count(*) filter (where has_obstacles), sum(lag), max(lag), count(*) filter (where lag > 86400), max(received_at) from (
        select unnest(rollup_paths(r.unit_path)) p, t.resolution_id, r.has_obstacles, r.received_at,
          date_trunc('week', r.received_at at time zone 'Asia/Ho_Chi_Minh')::date wk,
          greatest(0, extract(epoch from r.received_at - r.written_at)) lag
        from progress_report r join task t on t.id = r.task_id) x
      group by 1, 2, 3;`);

    // The dashboard's one time-dependent correction (open tasks falling due earlier this month)
    // and the warnings' date windows read open tasks by due date, then subtree.
    this.addSql(`create index "task_open_due_path_idx" on "task" ("due_on", "lead_unit_path" text_pattern_ops)
      include ("resolution_id", "progress", "last_report_at") where "state" = 'OPEN';`);
    // Warnings: reports still waiting for review, and the latest report of a task.
    this.addSql(
      `create index "progress_report_task_latest_idx" on "progress_report" ("task_id", "received_at" desc, "id" desc);`,
    );

    // --- evaluations -------------------------------------------------------------------------
    this.addSql(`create type "evaluation_rating" as enum ('DONE_WELL', 'DONE', 'NOT_DONE');`);
    this.addSql(`create table "task_evaluation" (
      "id" uuid not null,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now(),
      "task_id" uuid not null,
      "period" varchar(16) not null,
      "rating" "evaluation_rating" not null,
      "comment" text null,
      "rater_id" uuid not null,
      "rater_unit_path" text not null,
      "lead_unit_path" text not null,
      "resolution_id" uuid not null,
      "version" int not null default 1,
      constraint "task_evaluation_pkey" primary key ("id"),
      constraint "task_evaluation_task_period_unique" unique ("task_id", "period"),
      constraint "task_evaluation_period_format" check ("period" ~ '^[0-9]{4}(-(Q[1-4]|H[12]|0[1-9]|1[0-2]))?$'),
      constraint "task_evaluation_rater_above" check (starts_with("lead_unit_path", "rater_unit_path") and "lead_unit_path" <> "rater_unit_path")
    );`);
    this.addSql(
      `alter table "task_evaluation" add constraint "task_evaluation_task_id_foreign" foreign key ("task_id") references "task" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "task_evaluation" add constraint "task_evaluation_rater_id_foreign" foreign key ("rater_id") references "account" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "task_evaluation" add constraint "task_evaluation_resolution_id_foreign" foreign key ("resolution_id") references "resolution" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `create index "task_evaluation_lead_path_idx" on "task_evaluation" ("lead_unit_path" text_pattern_ops, "period");`,
    );

    // --- public snapshots ----------------------------------------------------------------------
    this.addSql(`create table "publication" (
      "id" uuid not null,
      "created_at" timestamptz not null default now(),
      "updated_at" timestamptz not null default now(),
      "resolution_id" uuid not null,
      "unit_id" uuid not null,
      "unit_path" text not null,
      "published" boolean not null default true,
      "published_at" timestamptz null,
      "published_by_id" uuid null,
      "withdrawn_at" timestamptz null,
      "snapshot" jsonb null,
      "snapshot_at" timestamptz null,
      "etag" varchar(64) null,
      constraint "publication_pkey" primary key ("id"),
      constraint "publication_resolution_unit_unique" unique ("resolution_id", "unit_id")
    );`);
    this.addSql(
      `alter table "publication" add constraint "publication_resolution_id_foreign" foreign key ("resolution_id") references "resolution" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "publication" add constraint "publication_unit_id_foreign" foreign key ("unit_id") references "unit" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "publication" add constraint "publication_published_by_id_foreign" foreign key ("published_by_id") references "account" ("id") on update cascade on delete set null;`,
    );
  }
}
