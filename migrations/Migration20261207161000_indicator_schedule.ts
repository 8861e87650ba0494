import { Migration } from '@mikro-orm/migrations';

/**
 * Reporting schedules on indicators (issue 17; docs/WORKFLOW.md, "Periodic reporting").
 *
 * - `indicator.report_frequency` / `indicator.report_due_days`: the indicator's own schedule,
 *   the task's shape and checks (both or neither).
 * - `report_indicator_value.period_key`: the indicator period a value counts for, resolved when
 *   the report is stored (tasks/report-schedule.ts `indicatorPeriodKey`); null when the indicator
 *   had no schedule. Indexed per indicator for MISSED_REPORT and the compliance figures.
 * - A change of an indicator's schedule or due date (or a new or removed indicator) appends a
 *   TASK change, so the derived worker recomputes its task's warnings.
 */
export class Migration20261207161000_indicator_schedule extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "indicator"
      add column "report_frequency" text null,
      add column "report_due_days" int null,
      add constraint "indicator_report_frequency" check ("report_frequency" in ('MONTHLY', 'QUARTERLY', 'HALF_YEARLY', 'YEARLY')),
      add constraint "indicator_report_schedule_whole" check (("report_frequency" is null) = ("report_due_days" is null)),
      add constraint "indicator_report_due_days" check ("report_due_days" between 0 and 366);`);
    this.addSql(`alter table "report_indicator_value" add column "period_key" text null,
      add constraint "report_indicator_value_period_key" check ("period_key" ~ '^\\d{4}(-(0[1-9]|1[0-2]|Q[1-4]|H[12]))?$');`);
    this.addSql(`create index "report_indicator_value_period_idx" on "report_indicator_value" ("indicator_id", "period_key")
      where "period_key" is not null;`);
    this.addSql(`create function "derived_indicator_changed"() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' then
          if old.report_frequency is not null then
            insert into derived_change (kind, task_id) values ('TASK', old.task_id);
          end if;
        elsif tg_op = 'INSERT' then
          if new.report_frequency is not null then
            insert into derived_change (kind, task_id) values ('TASK', new.task_id);
          end if;
        elsif (new.report_frequency, new.report_due_days, new.due_on) is distinct from (old.report_frequency, old.report_due_days, old.due_on) then
          insert into derived_change (kind, task_id) values ('TASK', new.task_id);
        end if;
        return null;
      end $$;`);
    this.addSql(`create trigger "derived_indicator_changed" after insert or update or delete on "indicator"
      for each row execute function "derived_indicator_changed"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger "derived_indicator_changed" on "indicator";`);
    this.addSql(`drop function "derived_indicator_changed"();`);
    this.addSql(`drop index "report_indicator_value_period_idx";`);
    this.addSql(`alter table "report_indicator_value" drop column "period_key";`);
    this.addSql(`alter table "indicator" drop column "report_frequency", drop column "report_due_days";`);
  }
}
