import { Migration } from '@mikro-orm/migrations';

/**
 * Offline sync (docs/SYNC.md): a `change_xid` on every synced row, set by trigger to the writing
 * transaction's id, so a pull can ask for "everything from transactions not yet finished at my
 * last snapshot" and never skip a late commit; tombstones for rows that leave a view; the ids of
 * applied outbox entries; and what each device last did, for the committee's sync health.
 */
export class Migration20261130021000_sync extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create function "sync_set_change_xid"() returns trigger language plpgsql as $$
      begin
        new.change_xid := pg_current_xact_id();
        return new;
      end $$;`);

    // Tracks a table: the column, its trigger and its index. Used again for tables added later.
    this.addSql(`create function "sync_track"(tbl regclass) returns void language plpgsql as $$
      declare name text := (select relname from pg_class where oid = tbl);
      begin
        execute format('alter table %s add column if not exists "change_xid" xid8 not null default pg_current_xact_id()', tbl);
        execute format('create or replace trigger "%s_change_xid" before insert or update on %s
                        for each row execute function "sync_set_change_xid"()', name, tbl);
        execute format('create index if not exists "%s_change_xid_idx" on %s ("change_xid")', name, tbl);
      end $$;`);
    this.addSql(
      `select "sync_track"('task'), "sync_track"('indicator'), "sync_track"('progress_report'), "sync_track"('notification');`,
    );

    this.addSql(`create table "sync_tombstone" (
      "id" bigserial primary key,
      "entity" varchar(16) not null,
      "entity_id" uuid not null,
      "unit_path" text null,
      "account_id" uuid null,
      "change_xid" xid8 not null default pg_current_xact_id(),
      "created_at" timestamptz not null default now(),
      constraint "sync_tombstone_entity" check ("entity" in ('TASK', 'REPORT', 'NOTIFICATION')),
      constraint "sync_tombstone_owner" check ("unit_path" is not null or "account_id" is not null));`);
    this.addSql(`create index "sync_tombstone_change_xid_idx" on "sync_tombstone" ("change_xid");`);

    // A task leaves its lead unit's view when reassigned or deleted: written by the same
    // transaction, so no code path can forget it.
    this.addSql(`create function "sync_task_tombstone"() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' or old.lead_unit_path is distinct from new.lead_unit_path then
          insert into "sync_tombstone" ("entity", "entity_id", "unit_path") values ('TASK', old.id, old.lead_unit_path);
        end if;
        return null;
      end $$;`);
    this.addSql(`create trigger "task_sync_tombstone" after update of "lead_unit_path" or delete on "task"
      for each row execute function "sync_task_tombstone"();`);

    this.addSql(`create function "sync_notification_tombstone"() returns trigger language plpgsql as $$
      begin
        insert into "sync_tombstone" ("entity", "entity_id", "account_id") values ('NOTIFICATION', old.id, old.account_id);
        return null;
      end $$;`);
    this.addSql(`create trigger "notification_sync_tombstone" after delete on "notification"
      for each row execute function "sync_notification_tombstone"();`);

    this.addSql(`create table "sync_applied_entry" (
      "id" uuid not null,
      "account_id" uuid not null,
      "client_id" uuid not null,
      "kind" varchar(32) not null,
      "result" jsonb not null,
      "applied_at" timestamptz not null default now(),
      constraint "sync_applied_entry_pkey" primary key ("id"));`);
    this.addSql(`alter table "sync_applied_entry" add constraint "sync_applied_entry_account_id_foreign"
      foreign key ("account_id") references "account" ("id") on update cascade on delete restrict;`);
    this.addSql(`create index "sync_applied_entry_account_id_index" on "sync_applied_entry" ("account_id", "applied_at");`);

    this.addSql(`create table "sync_client" (
      "client_id" uuid not null,
      "account_id" uuid not null,
      "protocol_version" int not null,
      "first_seen_at" timestamptz not null default now(),
      "last_pull_at" timestamptz null,
      "last_push_at" timestamptz null,
      "pushed_entries" bigint not null default 0,
      "rejected_entries" bigint not null default 0,
      "user_agent" varchar(255) null,
      constraint "sync_client_pkey" primary key ("client_id", "account_id"));`);
    this.addSql(`alter table "sync_client" add constraint "sync_client_account_id_foreign"
      foreign key ("account_id") references "account" ("id") on update cascade on delete cascade;`);
    this.addSql(`create index "sync_client_account_id_index" on "sync_client" ("account_id");`);
  }
}
