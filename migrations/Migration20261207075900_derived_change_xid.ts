import { Migration } from '@mikro-orm/migrations';

/**
 * `derived_change.xid`: the transaction that logged the change. The derived-data worker's own
 * task writes (last report time, progress) log TASK changes through the same trigger as anyone's;
 * the worker takes back exactly those, made in its own transaction, and leaves the others in the
 * log for the next batch. So it knows which changes are its own echo, which only move the tasks'
 * warnings, from the edits that may also move a reviewing unit's (a task given to another unit).
 */
export class Migration20261207075900_derived_change_xid extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "derived_change" add column "xid" xid8 not null default pg_current_xact_id();`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "derived_change" drop column "xid";`);
  }
}
