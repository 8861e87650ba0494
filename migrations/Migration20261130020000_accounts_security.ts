import { Migration } from '@mikro-orm/migrations';

/**
 * Sign-in rate limits kept in PostgreSQL (when no Redis is configured), the absolute lifetime of
 * a sign-in, subtree reads of the audit trail, and unit moves that re-path progress reports.
 */
export class Migration20261130020000_accounts_security extends Migration {
  override async up(): Promise<void> {
    // One fixed-window counter per key ("signin:ip:1.2.3.4"); shared by every API process.
    this.addSql(
      `create table "rate_limit" ("key" varchar(200) not null, "hits" int not null, "window_ends_at" timestamptz not null, constraint "rate_limit_pkey" primary key ("key"));`,
    );
    this.addSql(`create index "rate_limit_window_ends_at_idx" on "rate_limit" ("window_ends_at");`);

    // When the sign-in (refresh-token family) began: rotation slides the expiry, never past a cap from here.
    this.addSql(`alter table "refresh_token" add column "signed_in_at" timestamptz not null default now();`);

    // "Events of my subtree" is a LIKE prefix match: it needs text_pattern_ops under any collation.
    this.addSql(
      `create index "audit_event_actor_unit_path_pattern_idx" on "audit_event" ("actor_unit_path" text_pattern_ops, "id");`,
    );

    // Reports stay append-only, except that a unit move (and only a unit move, which sets
    // resolute.unit_move inside its own transaction) may rewrite the copied unit_path.
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
            new.flagged_reassigned)
           is distinct from
           (old.id, old.task_id, old.unit_id, old.author_id, old.percent, old.narrative,
            old.has_obstacles, old.obstacles, old.written_at, old.received_at, old.answers_report_id,
            old.flagged_reassigned) then
          raise exception 'progress reports are append-only: only review fields may change' using errcode = 'check_violation';
        end if;
        if old.state <> 'SUBMITTED' and new.state is distinct from old.state then
          raise exception 'progress report already reviewed' using errcode = 'check_violation';
        end if;
        return new;
      end $$;`);
  }
}
