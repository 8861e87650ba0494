import { Migration } from '@mikro-orm/migrations';

/**
 * Approval levels (docs/WORKFLOW.md, "Review"): a plan, or a task for its subtree, requires a
 * report to be approved by 1–5 levels of units, starting from the reviewer of today (the
 * assigning unit when it is above the reporter, else the reporter's parent) and walking up the
 * tree. A report keeps the number it was submitted under (`approval_levels`), how many levels
 * have approved it (`approved_levels`), the unit it waits on now and since when; every decision
 * at every level is a `report_approval` row, which the per-level lag reads. The default of one
 * level keeps every existing report and plan as it was.
 */
export class Migration20261206190000_approval_levels extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "action_plan" add column "approval_levels" smallint not null default 1;`);
    this.addSql(
      `alter table "action_plan" add constraint "action_plan_approval_levels" check ("approval_levels" between 1 and 5);`,
    );
    this.addSql(`alter table "task" add column "approval_levels" smallint null;`);
    this.addSql(`alter table "task" add constraint "task_approval_levels" check ("approval_levels" between 1 and 5);`);

    this.addSql(`alter table "progress_report"
      add column "approval_levels" smallint not null default 1,
      add column "approved_levels" smallint not null default 0,
      add column "awaiting_unit_id" uuid null references "unit" ("id") on delete restrict,
      add column "awaiting_since" timestamptz null;`);
    // Existing reports: one level; approved ones have passed it; waiting ones wait on today's reviewer.
    this.addSql(`update progress_report set approved_levels = 1 where state = 'APPROVED';`);
    this.addSql(`update progress_report r set awaiting_unit_id = u.id, awaiting_since = r.received_at
       from task t, unit u
      where t.id = r.task_id and r.state = 'SUBMITTED' and u.path = case
              when t.assigner_unit_path <> r.unit_path and starts_with(r.unit_path, t.assigner_unit_path) then t.assigner_unit_path
              else regexp_replace(r.unit_path, '[^/]+/$', '') end;`);
    this.addSql(`alter table "progress_report"
      add constraint "progress_report_approval_levels" check ("approval_levels" between 1 and 5),
      add constraint "progress_report_approved_levels" check (
        "approved_levels" between 0 and "approval_levels" and ("state" = 'APPROVED') = ("approved_levels" = "approval_levels"));`);
    this.addSql(`alter table "progress_report" alter column "approval_levels" drop default;`);
    this.addSql(`create index "progress_report_awaiting_idx" on "progress_report" ("awaiting_unit_id", "awaiting_since")
      where "state" = 'SUBMITTED' and "approved_levels" > 0;`);

    this.addSql(`create table "report_approval" (
      "report_id" uuid not null references "progress_report" ("id") on delete restrict,
      "level" smallint not null,
      "decision" "report_state" not null,
      "level_unit_id" uuid null references "unit" ("id") on delete restrict,
      "reviewer_id" uuid not null references "account" ("id") on delete restrict,
      "reviewer_unit_id" uuid not null references "unit" ("id") on delete restrict,
      "comment" text null,
      "waited_from" timestamptz not null,
      "decided_at" timestamptz not null,
      constraint "report_approval_pkey" primary key ("report_id", "level"),
      constraint "report_approval_decision" check ("decision" in ('APPROVED', 'RETURNED'))
    );`);
    this.addSql(`create index "report_approval_decided_idx" on "report_approval" ("decided_at");`);
    this.addSql(`insert into report_approval (report_id, level, decision, level_unit_id, reviewer_id, reviewer_unit_id, comment,
                                              waited_from, decided_at)
      select r.id, 1, r.state, u.id, a.id, a.unit_id, r.review_comment, r.received_at, r.reviewed_at
        from progress_report r
        join task t on t.id = r.task_id
        join account a on a.id = r.reviewed_by_id
        left join unit u on u.path = case
              when t.assigner_unit_path <> r.unit_path and starts_with(r.unit_path, t.assigner_unit_path) then t.assigner_unit_path
              else regexp_replace(r.unit_path, '[^/]+/$', '') end
       where r.state <> 'SUBMITTED';`);

    // The levels a new report of a task needs: the nearest setting on the task or a task above
    // it, else its plan's.
    this.addSql(`create function "task_approval_levels"(p_task uuid) returns smallint language sql stable as $$
      with recursive up as (
        select t.id, t.parent_id, t.approval_levels, t.plan_id, 0 as d from task t where t.id = p_task
        union all
        select p.id, p.parent_id, p.approval_levels, p.plan_id, up.d + 1 from task p join up on p.id = up.parent_id
         where up.approval_levels is null
      )
      select coalesce((select approval_levels from up where approval_levels is not null order by d limit 1),
                      (select ap.approval_levels from up join action_plan ap on ap.id = up.plan_id where up.d = 0), 1)::smallint
    $$;`);

    // Whoever inserts a report (the API, the seeder, a test factory) gets the levels of its task,
    // no more than there are units from its first reviewer to the root, and the unit it waits on.
    this.addSql(`create function "progress_report_levels"() returns trigger language plpgsql as $$
      declare
        first_reviewer unit%rowtype;
      begin
        select u.* into first_reviewer from task t join unit u on u.path = case
                 when t.assigner_unit_path <> new.unit_path and starts_with(new.unit_path, t.assigner_unit_path)
                   then t.assigner_unit_path
                 else regexp_replace(new.unit_path, '[^/]+/$', '') end
         where t.id = new.task_id;
        if new.approval_levels is null then
          new.approval_levels := least(task_approval_levels(new.task_id), coalesce(first_reviewer.depth + 1, 1));
        end if;
        if new.state = 'APPROVED' then
          new.approved_levels := new.approval_levels;
        elsif new.state = 'SUBMITTED' and new.awaiting_unit_id is null then
          new.awaiting_unit_id := first_reviewer.id;
          new.awaiting_since := coalesce(new.received_at, now());
        end if;
        return new;
      end $$;`);
    this.addSql(`create trigger "progress_report_levels" before insert on "progress_report"
      for each row execute function "progress_report_levels"();`);

    // Append-only still: a report's own fields never change; the review fields change once (the
    // final decision), and while it is SUBMITTED the level it has reached only grows.
    this.addSql(`create or replace function "progress_report_append_only"() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' then
          raise exception 'progress reports are append-only: delete refused' using errcode = 'check_violation';
        end if;
        if new.unit_path is distinct from old.unit_path
           and coalesce(current_setting('resolute.unit_move', true), '') <> 'on' then
          raise exception 'progress reports are append-only: unit_path changes only with a unit move' using errcode = 'check_violation';
        end if;
        if (new.id, new.task_id, new.unit_id, new.author_id, new.percent, new.narrative,
            new.has_obstacles, new.obstacles, new.written_at, new.received_at, new.answers_report_id,
            new.flagged_reassigned, new.approval_levels)
           is distinct from
           (old.id, old.task_id, old.unit_id, old.author_id, old.percent, old.narrative,
            old.has_obstacles, old.obstacles, old.written_at, old.received_at, old.answers_report_id,
            old.flagged_reassigned, old.approval_levels) then
          raise exception 'progress reports are append-only: only review fields may change' using errcode = 'check_violation';
        end if;
        if old.state <> 'SUBMITTED' and (new.state, new.approved_levels) is distinct from (old.state, old.approved_levels) then
          raise exception 'progress report already reviewed' using errcode = 'check_violation';
        end if;
        if new.approved_levels < old.approved_levels then
          raise exception 'progress report approval levels only grow' using errcode = 'check_violation';
        end if;
        return new;
      end $$;`);

    // An approval at a level below the last is a review change too: the next level's reviewers
    // are told, and the bottleneck facts of both levels move.
    this.addSql(`create or replace function "derived_report_reviewed"() returns trigger language plpgsql as $$
      begin
        insert into derived_change (kind, task_id, report_id)
          select 'REVIEW', n.task_id, n.id from new_rows n join old_rows o on o.id = n.id
           where (n.state, n.approved_levels) is distinct from (o.state, o.approved_levels) order by n.id;
        return null;
      end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`create or replace function "derived_report_reviewed"() returns trigger language plpgsql as $$
      begin
        insert into derived_change (kind, task_id, report_id)
          select 'REVIEW', n.task_id, n.id from new_rows n join old_rows o on o.id = n.id
           where n.state is distinct from o.state order by n.id;
        return null;
      end $$;`);
    this.addSql(`drop trigger "progress_report_levels" on "progress_report";`);
    this.addSql(`drop function "progress_report_levels"();`);
    this.addSql(`drop function "task_approval_levels"(uuid);`);
    this.addSql(`drop table "report_approval";`);
    this.addSql(`alter table "progress_report" drop constraint "progress_report_approved_levels",
      drop constraint "progress_report_approval_levels", drop column "awaiting_since", drop column "awaiting_unit_id",
      drop column "approved_levels", drop column "approval_levels";`);
    this.addSql(`alter table "task" drop column "approval_levels";`);
    this.addSql(`alter table "action_plan" drop column "approval_levels";`);
  }
}
