import { Migration } from '@mikro-orm/migrations';

/**
 * Tombstones are purged after a retention period. A cursor older than the newest purged
 * tombstone may have missed a removal, so the pull answers `reset` for it; this one row holds
 * that horizon.
 */
export class Migration20261130050000_sync_horizon extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "sync_horizon" (
      "singleton" boolean primary key default true,
      "purged_through" xid8 not null default '0',
      "purged_at" timestamptz null,
      constraint "sync_horizon_singleton" check ("singleton"));`);
    this.addSql(`insert into "sync_horizon" default values;`);
    this.addSql(`create index "sync_tombstone_created_at_idx" on "sync_tombstone" ("created_at");`);
  }
}
