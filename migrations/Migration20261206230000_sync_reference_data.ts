import { Migration } from '@mikro-orm/migrations';

/**
 * Reference data for the phones (sync protocol 4, docs/SYNC.md, "Reference data"): the names a
 * synced row shows — its resolution, its unit, the person who reviewed a report or decided an
 * extension — travel as rows of their own, so a rename reaches every phone without rewriting
 * the rows that name them (a national resolution names a million tasks).
 *
 * - `renamed_xid` on `resolution`, `unit` and `account`: the id of the transaction that last
 *   changed what a phone shows of the row (the same cursor rule as `change_xid`). Only a change
 *   of those columns sets it, never a sign-in or a unit move, and a new row starts at 0: a row
 *   first reaches a phone with the synced row that names it, so an import of thousands of
 *   accounts costs the phones nothing. Added with a constant default, so no table is rewritten.
 * - Indexes for the pull's two questions: which renamed rows does this view name (the renamed
 *   rows by `renamed_xid`, then whether a report of the unit names the reviewer, or an
 *   extension request of its tasks the decider).
 * - A deleted indicator resends its task: a removal row of kind `INDICATOR` (keyed by the
 *   task) in the deleting transaction, since no indicator row is left to carry the change.
 */
export class Migration20261206230000_sync_reference_data extends Migration {
  override async up(): Promise<void> {
    for (const table of ['resolution', 'unit', 'account']) {
      this.addSql(`alter table "${table}" add column "renamed_xid" xid8 not null default '0';`);
      this.addSql(`create index "${table}_renamed_xid_idx" on "${table}" ("renamed_xid");`);
    }
    this.addSql(`create function "sync_set_renamed_xid"() returns trigger language plpgsql as $$
      begin
        new.renamed_xid := pg_current_xact_id();
        return new;
      end $$;`);
    this.addSql(`create trigger "resolution_renamed_xid" before update on "resolution" for each row
      when ((old.code, old.title_vi, old.title_en) is distinct from (new.code, new.title_vi, new.title_en))
      execute function "sync_set_renamed_xid"();`);
    this.addSql(`create trigger "unit_renamed_xid" before update on "unit" for each row
      when ((old.name, old.kind) is distinct from (new.name, new.kind))
      execute function "sync_set_renamed_xid"();`);
    this.addSql(`create trigger "account_renamed_xid" before update on "account" for each row
      when (old.display_name is distinct from new.display_name)
      execute function "sync_set_renamed_xid"();`);

    this.addSql(`create index "progress_report_reviewer_idx" on "progress_report" ("reviewed_by_id", "unit_path")
      where "reviewed_by_id" is not null;`);
    this.addSql(`create index "task_extension_request_decider_idx" on "task_extension_request" ("decided_by_id")
      where "decided_by_id" is not null;`);

    this.addSql(`alter table "sync_tombstone" drop constraint "sync_tombstone_entity";`);
    this.addSql(`alter table "sync_tombstone" add constraint "sync_tombstone_entity"
      check ("entity" in ('TASK', 'REPORT', 'NOTIFICATION', 'INDICATOR'));`);
    this.addSql(`create function "sync_indicator_deleted"() returns trigger language plpgsql as $$
      begin
        insert into "sync_tombstone" ("entity", "entity_id", "unit_path")
          select 'INDICATOR', t.id, t.lead_unit_path from task t where t.id = old.task_id;
        return null;
      end $$;`);
    this.addSql(`create trigger "indicator_sync_deleted" after delete on "indicator"
      for each row execute function "sync_indicator_deleted"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger "indicator_sync_deleted" on "indicator";`);
    this.addSql(`drop function "sync_indicator_deleted"();`);
    this.addSql(`delete from "sync_tombstone" where "entity" = 'INDICATOR';`);
    this.addSql(`alter table "sync_tombstone" drop constraint "sync_tombstone_entity";`);
    this.addSql(`alter table "sync_tombstone" add constraint "sync_tombstone_entity"
      check ("entity" in ('TASK', 'REPORT', 'NOTIFICATION'));`);
    this.addSql(`drop index "task_extension_request_decider_idx";`);
    this.addSql(`drop index "progress_report_reviewer_idx";`);
    this.addSql(`drop trigger "account_renamed_xid" on "account";`);
    this.addSql(`drop trigger "unit_renamed_xid" on "unit";`);
    this.addSql(`drop trigger "resolution_renamed_xid" on "resolution";`);
    this.addSql(`drop function "sync_set_renamed_xid"();`);
    for (const table of ['resolution', 'unit', 'account']) this.addSql(`alter table "${table}" drop column "renamed_xid";`);
  }
}
