import { Migration } from '@mikro-orm/migrations';

/**
 * The write path appends; one background worker derives (docs/ARCHITECTURE.md, "Writes and what
 * is derived from them").
 *
 * - `derived_change`: the change log written in the same transaction as a report, a review (by
 *   trigger, so no path can forget it) or a change of a task's structure. The worker deletes what it applied in the transaction that
 *   applied it, so a crash replays the batch and a late-committing row is simply taken next time.
 * - The rollup triggers on task and indicator no longer upsert the shared per-province rows: they
 *   append signed deltas, which the worker folds into `task_rollup` / `indicator_rollup`.
 * - The per-report triggers (`report_rollup`, `task_report_state`) go: the worker applies a batch
 *   of reports set-based.
 * - Audit events are appended unsealed (no chain head to lock); the worker links them into their
 *   chain in order. An event may be sealed once and never changed after.
 */
export class Migration20261204200000_derived_worker extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "derived_change" (
      "id" bigserial primary key,
      "at" timestamptz not null default clock_timestamp(),
      "kind" varchar(16) not null,
      "task_id" uuid not null,
      "report_id" uuid null,
      constraint "derived_change_kind" check ("kind" in ('REPORT', 'REVIEW', 'PROGRESS'))
    );`);

    // Every stored report and every review decision feeds the log, whichever code path wrote it
    // (the API, the seeder, a test): one insert per statement, however many rows it wrote.
    this.addSql(`create function "derived_report_inserted"() returns trigger language plpgsql as $$
      begin
        insert into derived_change (kind, task_id, report_id)
          select 'REPORT', n.task_id, n.id from new_rows n order by n.id;
        insert into derived_change (kind, task_id, report_id)
          select 'REVIEW', n.task_id, n.id from new_rows n where n.state <> 'SUBMITTED' order by n.id;
        return null;
      end $$;`);
    this.addSql(`create trigger "derived_report_inserted" after insert on "progress_report"
      referencing new table as new_rows for each statement execute function "derived_report_inserted"();`);
    this.addSql(`create function "derived_report_reviewed"() returns trigger language plpgsql as $$
      begin
        insert into derived_change (kind, task_id, report_id)
          select 'REVIEW', n.task_id, n.id from new_rows n join old_rows o on o.id = n.id
           where n.state is distinct from o.state order by n.id;
        return null;
      end $$;`);
    this.addSql(`create trigger "derived_report_reviewed" after update on "progress_report"
      referencing old table as old_rows new table as new_rows for each statement execute function "derived_report_reviewed"();`);

    this.addSql(`create table "task_rollup_delta" (
      "id" bigserial primary key,
      "unit_path" text not null,
      "resolution_id" uuid not null,
      "kind" varchar(16) not null,
      "due_month" date null,
      "started" boolean not null,
      "done_week" date null,
      "n" int not null,
      "progress_sum" float8 not null
    );`);
    this.addSql(`create table "indicator_rollup_delta" (
      "id" bigserial primary key,
      "unit_path" text not null,
      "resolution_id" uuid not null,
      "n" int not null,
      "n_with_value" int not null,
      "n_achieved" int not null,
      "achievement_sum" float8 not null
    );`);

    // Same keys and signs as before; appended instead of upserted, so no two writers wait on a row.
    this.addSql(`create or replace function "task_rollup_apply"(t task, sign int) returns void language plpgsql as $$
      declare
        k varchar(16);
        dm date;
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
          st := t.progress > 0 or t.last_report_at is not null;
        end if;
        insert into task_rollup_delta (unit_path, resolution_id, kind, due_month, started, done_week, n, progress_sum)
          select p, t.resolution_id, k, dm, st, dw, sign, sign * t.progress from unnest(rollup_paths(t.lead_unit_path)) p;
      end $$;`);
    this.addSql(`create or replace function "indicator_rollup_apply"(i indicator, lead_path text, resolution uuid, sign int)
      returns void language plpgsql as $$
      declare
        a float8 := indicator_achievement(i.baseline, i.target, i.current_value, i.direction);
        ok boolean := i.current_value is not null and
          ((i.direction = 'HIGHER_IS_BETTER' and i.current_value >= i.target) or (i.direction = 'LOWER_IS_BETTER' and i.current_value <= i.target));
      begin
        insert into indicator_rollup_delta (unit_path, resolution_id, n, n_with_value, n_achieved, achievement_sum)
          select p, resolution, sign, sign * (a is not null)::int, sign * ok::int, sign * coalesce(a, 0)
            from unnest(rollup_paths(lead_path)) p;
      end $$;`);

    this.addSql(`drop trigger "report_rollup" on "progress_report";`);
    this.addSql(`drop function "report_rollup_trigger"();`);
    this.addSql(`drop trigger "task_report_state" on "progress_report";`);
    this.addSql(`drop function "task_report_state_trigger"();`);

    // Audit: appended unsealed, sealed once by the worker.
    this.addSql(`alter table "audit_event" alter column "chain_seq" drop not null,
      alter column "prev_hash" drop not null, alter column "hash" drop not null;`);
    this.addSql(`alter table "audit_event" add constraint "audit_event_sealed_whole"
      check (("chain_seq" is null) = ("hash" is null) and ("prev_hash" is null) = ("hash" is null));`);
    this.addSql(`drop trigger "audit_event_append_only" on "audit_event";`);
    this.addSql(`create function "audit_event_seal_once"() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' then
          raise exception 'audit_event is append-only: delete refused' using errcode = 'check_violation';
        end if;
        if old.hash is not null or new.hash is null
           or (new.id, new.chain_key, new.at, new.actor_account_id, new.actor_username, new.actor_unit_id,
               new.actor_unit_path, new.action, new.entity_type, new.entity_id, new.before::text, new.after::text)
              is distinct from
              (old.id, old.chain_key, old.at, old.actor_account_id, old.actor_username, old.actor_unit_id,
               old.actor_unit_path, old.action, old.entity_type, old.entity_id, old.before::text, old.after::text) then
          raise exception 'audit_event is append-only: only an unsealed event may be sealed, once' using errcode = 'check_violation';
        end if;
        return new;
      end $$;`);
    this.addSql(`create trigger "audit_event_append_only" before update or delete on "audit_event"
      for each row execute function "audit_event_seal_once"();`);
    this.addSql(`create index "audit_event_unsealed_idx" on "audit_event" ("id") where "hash" is null;`);
  }
}
