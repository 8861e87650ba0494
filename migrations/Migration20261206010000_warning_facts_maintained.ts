import { Migration } from '@mikro-orm/migrations';

/**
 * Warnings as facts the derived-data worker keeps, instead of a snapshot of the whole country
 * recomputed every half hour (docs/ARCHITECTURE.md, "Warnings").
 *
 * - `warning_fact`: the warnings that hold now, in the shape the list pages (a task's warning is
 *   one row for "every resolution" and its own; a review bottleneck has one row over all
 *   resolutions and one per resolution).
 * - `warning_fact_count`: how many per unit and each unit above, so totals need no scan.
 * - `warning_clock` / `review_clock`: per task and per reviewing unit, the next day on which the
 *   calendar alone can change its warnings; the worker's sweep recomputes only those whose day
 *   has come, through the index.
 * - A change of a task row that feeds its warnings appends a TASK change to the log, whichever
 *   path wrote it; the worker recomputes that task's facts.
 */
export class Migration20261206010000_warning_facts_maintained extends Migration {
  override async up(): Promise<void> {
    // The snapshot's tables have the shape the facts need; what they hold is recomputed.
    this.addSql(`drop table "warning_snapshot_size";`);
    this.addSql(`truncate "warning_snapshot", "warning_snapshot_count";`);
    this.addSql(`alter table "warning_snapshot" rename to "warning_fact";`);
    this.addSql(`alter index "warning_snapshot_severity_idx" rename to "warning_fact_severity_idx";`);
    this.addSql(`alter index "warning_snapshot_due_idx" rename to "warning_fact_due_idx";`);
    this.addSql(`alter index "warning_snapshot_path_idx" rename to "warning_fact_path_idx";`);
    this.addSql(`alter table "warning_fact" add constraint "warning_fact_key" unique nulls not distinct ("wid", "res_key");`);
    this.addSql(`create index "warning_fact_task_idx" on "warning_fact" ("task_id") where "kind" <> 'REVIEW_BOTTLENECK';`);
    this.addSql(`create index "warning_fact_reviewer_idx" on "warning_fact" ("unit_id") where "kind" = 'REVIEW_BOTTLENECK';`);
    this.addSql(`alter table "warning_snapshot_count" rename to "warning_fact_count";`);
    this.addSql(`alter table "warning_fact_count" rename constraint "warning_snapshot_count_key" to "warning_fact_count_key";`);

    this.addSql(`create table "warning_clock" (
      "task_id" uuid not null primary key references "task" ("id") on update cascade on delete cascade,
      "next_on" date not null);`);
    this.addSql(`create index "warning_clock_next_idx" on "warning_clock" ("next_on");`);
    this.addSql(`create table "review_clock" (
      "unit_id" uuid not null primary key references "unit" ("id") on update cascade on delete cascade,
      "next_on" date not null);`);
    this.addSql(`create index "review_clock_next_idx" on "review_clock" ("next_on");`);
    // When the facts were last brought up to date (the lists say how current they are), and the
    // thresholds they were computed with.
    this.addSql(`alter table "warning_snapshot_state" rename to "warning_fact_state";`);
    this.addSql(
      `alter table "warning_fact_state" rename constraint "warning_snapshot_state_singleton" to "warning_fact_state_singleton";`,
    );
    this.addSql(`alter index "warning_snapshot_state_pkey" rename to "warning_fact_state_pkey";`);
    this.addSql(`alter table "warning_fact_state" drop column "day", drop column "refreshed_at",
      add column "current_at" timestamptz null, add column "thresholds" jsonb null;`);
    // A reviewing unit's waiting reports are found through its tasks.
    this.addSql(`create index "task_assigner_unit_id_idx" on "task" ("assigner_unit_id");`);

    // The unit's path and every path above it, the root included.
    this.addSql(`create function "path_and_ancestors"(p text) returns text[] language sql immutable parallel safe as $$
      select array(select '/' || array_to_string(s[1:i], '/') || '/' from generate_series(1, cardinality(s)) i)
        from (select string_to_array(trim(both '/' from p), '/') as s) x
    $$;`);

    this.addSql(`alter table "derived_change" drop constraint "derived_change_kind";`);
    this.addSql(
      `alter table "derived_change" add constraint "derived_change_kind" check ("kind" in ('REPORT', 'REVIEW', 'PROGRESS', 'TASK'));`,
    );
    this.addSql(`create function "derived_task_changed"() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' then
          insert into derived_change (kind, task_id) select 'TASK', n.id from new_rows n order by n.id;
        else
          insert into derived_change (kind, task_id)
            select 'TASK', n.id from new_rows n join old_rows o on o.id = n.id
             where (n.state, n.due_on, n.start_on, n.progress, n.last_report_at, n.created_at, n.lead_unit_id, n.lead_unit_path,
                    n.assigner_unit_path, n.resolution_id)
                   is distinct from
                   (o.state, o.due_on, o.start_on, o.progress, o.last_report_at, o.created_at, o.lead_unit_id, o.lead_unit_path,
                    o.assigner_unit_path, o.resolution_id)
             order by n.id;
        end if;
        return null;
      end $$;`);
    this.addSql(`create trigger "derived_task_inserted" after insert on "task"
      referencing new table as new_rows for each statement execute function "derived_task_changed"();`);
    this.addSql(`create trigger "derived_task_updated" after update on "task"
      referencing old table as old_rows new table as new_rows for each statement execute function "derived_task_changed"();`);

    // Everything is due once: the worker's sweep computes the facts in batches after the upgrade.
    this.addSql(`insert into "warning_clock" (task_id, next_on) select id, '-infinity' from task;`);
    this.addSql(`insert into "review_clock" (unit_id, next_on) select distinct assigner_unit_id, '-infinity'::date from task;`);
  }
}
