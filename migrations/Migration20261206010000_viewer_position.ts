import { Migration } from '@mikro-orm/migrations';

/**
 * Reads-your-writes with read replicas (docs/SCALING.md): the WAL position each signed-in
 * account last wrote or read at. A read-only request uses a replica only once it has replayed
 * that far. Unlogged: it is written on every request and is worthless on a standby; after a
 * crash of the primary it starts empty, as the replicas start over too.
 */
export class Migration20261206010000_viewer_position extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create unlogged table "viewer_position" (
      "account_id" uuid primary key,
      "lsn" pg_lsn not null,
      "at" timestamptz not null default now()
    );`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table "viewer_position";`);
  }
}
