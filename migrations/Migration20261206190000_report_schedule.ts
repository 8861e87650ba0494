import { Migration } from '@mikro-orm/migrations';

/**
 * Periodic reporting (issue 17, part 2; docs/WORKFLOW.md, "Periodic reporting").
 *
 * - `task.report_frequency` / `task.report_due_days`: a task's reporting schedule (monthly,
 *   quarterly, half-yearly, yearly; due N days after the period ends), both or neither.
 * - `progress_report.period_key`: the period a report belongs to (`2026-11`, `2026-Q4`,
 *   `2026-H2`, `2026`), null on unscheduled tasks; indexed per task for the missed-report
 *   warning and the compliance figures.
 * - `report_periods(freq, from, to)`: the periods of a frequency that begin on or before `to`,
 *   from the one containing `from`: the SQL twin of tasks/report-schedule.ts.
 * - The TASK change trigger also fires when a schedule changes, so the task's warnings follow.
 */
export class Migration20261206190000_report_schedule extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "task"
      add column "report_frequency" text null,
      add column "report_due_days" int null,
      add constraint "task_report_frequency" check ("report_frequency" in ('MONTHLY', 'QUARTERLY', 'HALF_YEARLY', 'YEARLY')),
      add constraint "task_report_schedule_whole" check (("report_frequency" is null) = ("report_due_days" is null)),
      add constraint "task_report_due_days" check ("report_due_days" between 0 and 366);`);
    this.addSql(`alter table "progress_report" add column "period_key" text null,
      add constraint "progress_report_period_key" check ("period_key" ~ '^\\d{4}(-(0[1-9]|1[0-2]|Q[1-4]|H[12]))?$');`);
    this.addSql(`create index "progress_report_task_period_idx" on "progress_report" ("task_id", "period_key", "received_at")
      where "period_key" is not null;`);

    this.addSql(`create function "report_periods"(freq text, from_day date, to_day date)
      returns table (period_key text, start_on date, end_on date) language sql immutable parallel safe as $$
        select case freq
                 when 'MONTHLY' then to_char(s, 'YYYY-MM')
                 when 'QUARTERLY' then to_char(s, 'YYYY') || '-Q' || extract(quarter from s)::int
                 when 'HALF_YEARLY' then to_char(s, 'YYYY') || '-H' || (case when extract(month from s) <= 6 then 1 else 2 end)
                 else to_char(s, 'YYYY') end,
               s::date, (s + x.step - interval '1 day')::date
          from (select case freq when 'MONTHLY' then interval '1 month' when 'QUARTERLY' then interval '3 months'
                                 when 'HALF_YEARLY' then interval '6 months' else interval '1 year' end as step,
                       case freq when 'MONTHLY' then date_trunc('month', from_day)
                                 when 'QUARTERLY' then date_trunc('quarter', from_day)
                                 when 'HALF_YEARLY' then make_date(extract(year from from_day)::int,
                                                                   case when extract(month from from_day) <= 6 then 1 else 7 end, 1)::timestamp
                                 else date_trunc('year', from_day) end as first) x
         cross join lateral generate_series(x.first, to_day::timestamp, x.step) s
         where freq is not null and from_day is not null and to_day is not null
         limit 240
      $$;`);

    this.addSql(`create or replace function "derived_task_changed"() returns trigger language plpgsql as $$
      begin
        if tg_op = 'INSERT' then
          insert into derived_change (kind, task_id) select 'TASK', n.id from new_rows n order by n.id;
        else
          insert into derived_change (kind, task_id)
            select 'TASK', n.id from new_rows n join old_rows o on o.id = n.id
             where (n.state, n.due_on, n.start_on, n.progress, n.last_report_at, n.created_at, n.lead_unit_id, n.lead_unit_path,
                    n.assigner_unit_path, n.resolution_id, n.report_frequency, n.report_due_days)
                   is distinct from
                   (o.state, o.due_on, o.start_on, o.progress, o.last_report_at, o.created_at, o.lead_unit_id, o.lead_unit_path,
                    o.assigner_unit_path, o.resolution_id, o.report_frequency, o.report_due_days)
             order by n.id;
        end if;
        return null;
      end $$;`);
  }
}
