import { Migration } from '@mikro-orm/migrations';

/**
 * Web Push, second part (docs/SECURITY.md, "Web Push").
 *
 * - `push_subscription.read_key_hash`: SHA-256 of the device's notice key, handed out once when
 *   the device registers. The service worker, which has no sign-in of its own, shows it to read
 *   the account's unread notices (`pushNotices`) when a push arrives with no window open. A
 *   random 256-bit key needs no slow hash; the row (and so the key) goes with the sign-in.
 * - `EXTENSION_DECIDED`: the notice of a deadline-extension decision, and it is pushed.
 */
export class Migration20261206230000_push_notices extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "push_subscription" add column "read_key_hash" varchar(64) null;`);
    this.addSql(
      `create unique index "push_subscription_read_key_hash_unique" on "push_subscription" ("read_key_hash") where "read_key_hash" is not null;`,
    );
    this.addSql(`alter type "notification_kind" add value if not exists 'EXTENSION_DECIDED';`);
    this.addSql(`create or replace function push_outbox_from_notifications() returns trigger language plpgsql as $$
      begin
        insert into push_outbox (account_id, kind)
        select distinct n.account_id, n.kind::text
          from new_rows n
         where n.kind::text in ('REPORT_RETURNED', 'TASK_ASSIGNED', 'TASK_DUE_SOON', 'EXTENSION_DECIDED')
           and exists (select 1 from push_subscription s where s.account_id = n.account_id);
        return null;
      end $$;`);
  }

  override async down(): Promise<void> {
    // An enum value cannot be dropped; the kind simply stops being pushed.
    this.addSql(`create or replace function push_outbox_from_notifications() returns trigger language plpgsql as $$
      begin
        insert into push_outbox (account_id, kind)
        select distinct n.account_id, n.kind::text
          from new_rows n
         where n.kind::text in ('REPORT_RETURNED', 'TASK_ASSIGNED', 'TASK_DUE_SOON')
           and exists (select 1 from push_subscription s where s.account_id = n.account_id);
        return null;
      end $$;`);
    this.addSql(`drop index "push_subscription_read_key_hash_unique";`);
    this.addSql(`alter table "push_subscription" drop column "read_key_hash";`);
  }
}
