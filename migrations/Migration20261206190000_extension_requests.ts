import { Migration } from '@mikro-orm/migrations';

/**
 * Deadline-extension requests (issue 17 part 3, docs/WORKFLOW.md "Deadline extensions").
 *
 * - `task_extension_request`: the lead unit asks for a new due date with a reason; the assigning
 *   unit approves or refuses with a comment, once. Its id is made on the device. Synced to the
 *   lead unit's phones (`change_xid`, as every synced row).
 * - `task.original_due_on`: the due date before the first approved extension (null: never
 *   extended). `task.on_time_original`: copied from the plan's `on_time_rule` — whether a
 *   completion counts as on time against the original date or the extended one.
 *   `task.on_time_due_on` (generated) is the date completions are measured against; the task
 *   rollups and `derived:verify` read it.
 */
export class Migration20261206190000_extension_requests extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "action_plan" add column "on_time_rule" varchar(16) not null default 'EXTENDED',
      add constraint "action_plan_on_time_rule" check ("on_time_rule" in ('ORIGINAL', 'EXTENDED'));`);
    this.addSql(`alter table "task" add column "original_due_on" date null,
      add column "on_time_original" boolean not null default false;`);
    this.addSql(`alter table "task" add column "on_time_due_on" date generated always as
      (case when "on_time_original" then coalesce("original_due_on", "due_on") else "due_on" end) stored;`);
    // A new task takes its plan's rule, whichever writer inserts it.
    this.addSql(`create function "task_on_time_rule"() returns trigger language plpgsql as $$
      begin
        new.on_time_original := coalesce((select p.on_time_rule = 'ORIGINAL' from action_plan p where p.id = new.plan_id), false);
        return new;
      end $$;`);
    this.addSql(`create trigger "task_on_time_rule" before insert on "task"
      for each row execute function "task_on_time_rule"();`);

    // Completions are classified against on_time_due_on; open tasks keep their working due date.
    // (The function of Migration20261206020000_dashboard_aggregates with that one change.)
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
          k := case when t.on_time_due_on is not null and (t.completed_at at time zone 'Asia/Ho_Chi_Minh')::date > t.on_time_due_on
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

    // The rollups move when the measured date does (the plan's rule changed, an extension approved).
    this.addSql(`create or replace function "task_rollup_trigger"() returns trigger language plpgsql as $$
      declare i indicator;
      begin
        if tg_op = 'UPDATE' then
          if (old.state, old.due_on, old.on_time_due_on, old.progress, old.completed_at, old.last_report_at is null, old.lead_unit_path,
              old.resolution_id)
             is not distinct from
             (new.state, new.due_on, new.on_time_due_on, new.progress, new.completed_at, new.last_report_at is null, new.lead_unit_path,
              new.resolution_id) then
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

    this.addSql(`create table "task_extension_request" (
      "id" uuid primary key,
      "task_id" uuid not null references "task" ("id") on delete cascade,
      "requested_by_id" uuid not null references "account" ("id") on delete restrict,
      "requester_unit_path" text not null,
      "previous_due_on" date null,
      "requested_due_on" date not null,
      "reason" text not null,
      "written_at" timestamptz not null,
      "requested_at" timestamptz not null default now(),
      "state" varchar(16) not null default 'PENDING',
      "decided_by_id" uuid null references "account" ("id") on delete restrict,
      "decided_at" timestamptz null,
      "decision_comment" text null,
      constraint "task_extension_request_state" check ("state" in ('PENDING', 'APPROVED', 'REFUSED')),
      constraint "task_extension_request_decided" check (("state" = 'PENDING') = ("decided_at" is null)),
      constraint "task_extension_request_refusal_comment" check ("state" <> 'REFUSED' or "decision_comment" is not null)
    );`);
    this.addSql(`create index "task_extension_request_task_idx" on "task_extension_request" ("task_id", "requested_at");`);
    this.addSql(`create index "task_extension_request_pending_idx" on "task_extension_request" ("requested_at")
      where "state" = 'PENDING';`);
    // One open question per task at a time.
    this.addSql(`create unique index "task_extension_request_one_pending" on "task_extension_request" ("task_id")
      where "state" = 'PENDING';`);
    // The decision is made once; nothing else ever changes.
    this.addSql(`create function "task_extension_request_decide_once"() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' then return old; end if;
        if old.state <> 'PENDING' or (new.id, new.task_id, new.requested_by_id, new.requester_unit_path, new.previous_due_on,
            new.requested_due_on, new.reason, new.written_at, new.requested_at)
            is distinct from (old.id, old.task_id, old.requested_by_id, old.requester_unit_path, old.previous_due_on,
            old.requested_due_on, old.reason, old.written_at, old.requested_at) then
          raise exception 'task_extension_request: only a pending request''s decision may be set' using errcode = 'check_violation';
        end if;
        return new;
      end $$;`);
    this.addSql(`create trigger "task_extension_request_decide_once" before update on "task_extension_request"
      for each row execute function "task_extension_request_decide_once"();`);
    this.addSql(`alter table "task_extension_request" add column "change_xid" xid8 not null default pg_current_xact_id();`);
    this.addSql(`create trigger "task_extension_request_change_xid" before insert or update on "task_extension_request"
      for each row execute function "sync_set_change_xid"();`);
    this.addSql(`create index "task_extension_request_change_xid_idx" on "task_extension_request" ("change_xid");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table "task_extension_request";`);
    this.addSql(`drop function "task_extension_request_decide_once"();`);
    this.addSql(`drop trigger "task_on_time_rule" on "task";`);
    this.addSql(`drop function "task_on_time_rule"();`);
    this.addSql(
      `alter table "task" drop column "on_time_due_on", drop column "original_due_on", drop column "on_time_original";`,
    );
    this.addSql(`alter table "action_plan" drop column "on_time_rule";`);
  }
}
