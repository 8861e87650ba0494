import { Migration } from '@mikro-orm/migrations';

/**
 * The audit events waiting for their seal, as a queue of their own: `audit_unsealed` gets each
 * event's id in the statement that appends it, and the worker deletes the ids it sealed. A
 * partial index on `audit_event` (`where hash is null`) kept an entry for every event sealed since
 * the big table's last vacuum, so each batch of the worker scanned more of them as a busy day went
 * on; the small queue is vacuumed often and stays as large as the backlog.
 */
export class Migration20261206003000_audit_seal_queue extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "audit_unsealed" ("id" bigint primary key);`);
    this.addSql(`insert into "audit_unsealed" ("id") select "id" from "audit_event" where "hash" is null;`);
    this.addSql(`create function "audit_event_queue_seal"() returns trigger language plpgsql as $$
      begin
        insert into audit_unsealed (id) select id from appended;
        return null;
      end $$;`);
    this.addSql(`create trigger "audit_event_queue_seal" after insert on "audit_event"
      referencing new table as appended for each statement execute function "audit_event_queue_seal"();`);
    this.addSql(`drop index "audit_event_unsealed_idx";`);
  }

  override async down(): Promise<void> {
    this.addSql(`create index "audit_event_unsealed_idx" on "audit_event" ("id") where "hash" is null;`);
    this.addSql(`drop trigger "audit_event_queue_seal" on "audit_event";`);
    this.addSql(`drop function "audit_event_queue_seal"();`);
    this.addSql(`drop table "audit_unsealed";`);
  }
}
