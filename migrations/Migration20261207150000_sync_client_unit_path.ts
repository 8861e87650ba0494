import { Migration } from '@mikro-orm/migrations';

/**
 * `sync_client.unit_path`: the path of the device account's unit, so sync health counts a
 * subtree's devices from one index range per child unit instead of joining every device to its
 * account and unit (46,793 devices took ~80 ms at the nation).
 * - Filled on insert from the account (a trigger, so every writer gets it), followed when an
 *   account changes unit; a unit move rewrites it with the other copied paths (UnitService).
 * - The index (byte order, so a subtree is one range whatever the database collation) carries
 *   the sync times: the count and the latest sync read the index only.
 */
export class Migration20261207150000_sync_client_unit_path extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "sync_client" add column "unit_path" text;`);
    this.addSql(
      `update "sync_client" c set "unit_path" = u."path" from "account" a join "unit" u on u."id" = a."unit_id" where a."id" = c."account_id";`,
    );
    this.addSql(`alter table "sync_client" alter column "unit_path" set not null;`);
    this.addSql(
      `create index "sync_client_unit_path_idx" on "sync_client" ("unit_path" collate "C") include ("last_pull_at", "last_push_at");`,
    );
    this.addSql(`
      create or replace function sync_client_unit_path() returns trigger language plpgsql as $$
      begin
        select u.path into new.unit_path from account a join unit u on u.id = a.unit_id where a.id = new.account_id;
        return new;
      end $$;`);
    this.addSql(`
      create trigger sync_client_unit_path before insert or update of account_id on sync_client
        for each row execute function sync_client_unit_path();`);
    this.addSql(`
      create or replace function account_sync_client_unit_path() returns trigger language plpgsql as $$
      begin
        update sync_client set unit_path = (select path from unit where id = new.unit_id) where account_id = new.id;
        return null;
      end $$;`);
    this.addSql(`
      create trigger account_sync_client_unit_path after update of unit_id on account
        for each row when (old.unit_id is distinct from new.unit_id) execute function account_sync_client_unit_path();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists account_sync_client_unit_path on account;`);
    this.addSql(`drop function if exists account_sync_client_unit_path();`);
    this.addSql(`drop trigger if exists sync_client_unit_path on sync_client;`);
    this.addSql(`drop function if exists sync_client_unit_path();`);
    this.addSql(`alter table "sync_client" drop column "unit_path";`);
  }
}
