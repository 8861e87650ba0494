import { Migration } from '@mikro-orm/migrations';

/**
 * The resolution workflow: who led each task when (for reports written offline before a
 * reassignment), the history of task and indicator changes, and in-app notifications.
 */
export class Migration20261130020000_workflow extends Migration {
  override async up(): Promise<void> {
    // Every period a unit led a task. Kept by a trigger, so no writer can forget it.
    this.addSql(`create table "task_assignment" (
      "id" bigserial primary key,
      "task_id" uuid not null references "task" ("id") on update cascade on delete cascade,
      "unit_id" uuid not null references "unit" ("id") on update cascade on delete restrict,
      "unit_path" text not null,
      "assigned_at" timestamptz not null default now(),
      "ended_at" timestamptz null,
      constraint "task_assignment_period" check ("ended_at" is null or "ended_at" >= "assigned_at"));`);
    this.addSql(`create unique index "task_assignment_current_idx" on "task_assignment" ("task_id") where "ended_at" is null;`);
    this.addSql(`create index "task_assignment_task_unit_idx" on "task_assignment" ("task_id", "unit_id", "assigned_at");`);
    this.addSql(`insert into "task_assignment" ("task_id", "unit_id", "unit_path", "assigned_at")
      select "id", "lead_unit_id", "lead_unit_path", "created_at" from "task";`);
    this.addSql(`create function "task_assignment_track"() returns trigger language plpgsql as $$
      begin
        if tg_op = 'UPDATE' then
          if new.lead_unit_id is not distinct from old.lead_unit_id then
            if new.lead_unit_path is distinct from old.lead_unit_path then
              update task_assignment set unit_path = new.lead_unit_path where task_id = new.id and ended_at is null;
            end if;
            return new;
          end if;
          update task_assignment set ended_at = greatest(now(), assigned_at) where task_id = new.id and ended_at is null;
        end if;
        insert into task_assignment (task_id, unit_id, unit_path, assigned_at)
          values (new.id, new.lead_unit_id, new.lead_unit_path, case when tg_op = 'INSERT' then new.created_at else now() end);
        return new;
      end $$;`);
    this.addSql(`create trigger "task_assignment_track" after insert or update of "lead_unit_id", "lead_unit_path" on "task"
      for each row execute function "task_assignment_track"();`);

    // Append-only history of what changed on a task or one of its indicators, and why.
    this.addSql(`create table "task_history" (
      "id" bigserial primary key,
      "task_id" uuid not null references "task" ("id") on update cascade on delete cascade,
      "indicator_id" uuid null,
      "at" timestamptz not null default now(),
      "actor_account_id" uuid null references "account" ("id") on update cascade on delete restrict,
      "kind" varchar(32) not null,
      "reason" text null,
      "before" jsonb null,
      "after" jsonb null);`);
    this.addSql(`create index "task_history_task_at_idx" on "task_history" ("task_id", "at", "id");`);
    this.addSql(`create trigger "task_history_append_only" before update on "task_history"
      for each row execute function "refuse_change"();`);

    this.addSql(
      `create type "notification_kind" as enum ('TASK_ASSIGNED', 'REPORT_SUBMITTED', 'REPORT_RETURNED', 'REPORT_APPROVED', 'TASK_DUE_SOON');`,
    );
    this.addSql(`create table "notification" (
      "id" uuid not null primary key,
      "account_id" uuid not null references "account" ("id") on update cascade on delete cascade,
      "kind" "notification_kind" not null,
      "task_id" uuid null references "task" ("id") on update cascade on delete cascade,
      "report_id" uuid null references "progress_report" ("id") on update cascade on delete restrict,
      "message" text not null,
      "created_at" timestamptz not null default now(),
      "read_at" timestamptz null,
      "dedupe_key" varchar(200) null,
      constraint "notification_message_not_blank" check (length(trim("message")) > 0));`);
    this.addSql(
      `create index "notification_account_created_idx" on "notification" ("account_id", "created_at" desc, "id" desc);`,
    );
    this.addSql(`create index "notification_unread_idx" on "notification" ("account_id") where "read_at" is null;`);
    this.addSql(
      `create unique index "notification_dedupe_idx" on "notification" ("account_id", "dedupe_key") where "dedupe_key" is not null;`,
    );

    // The latest approved report of a task drives its progress.
    this
      .addSql(`create index "progress_report_approved_idx" on "progress_report" ("task_id", "written_at" desc, "received_at" desc)
      where "state" = 'APPROVED';`);
    this.addSql(
      `create index "progress_report_answers_idx" on "progress_report" ("answers_report_id") where "answers_report_id" is not null;`,
    );
    this.addSql(`alter table "indicator" add constraint "indicator_unit_not_blank" check (length(trim("unit_of_measure")) > 0);`);
    this.addSql(
      `alter table "attachment" add constraint "attachment_verified_complete" check ("status" <> 'VERIFIED' or "received_bytes" = "size");`,
    );
  }
}
