import { Migration } from '@mikro-orm/migrations';

/**
 * Web Push (docs/SECURITY.md, "Web Push"): the devices that asked for pushes, and the queue the
 * leader's sender drains.
 *
 * `push_subscription` is one browser's subscription, tied to the sign-in (refresh-token family)
 * that registered it, so a sign-out removes exactly that device's. The endpoint is unique: the
 * same phone signed in by someone else takes the row over.
 *
 * `push_outbox` is filled by a statement trigger on `notification`, in the transaction of whoever
 * wrote the notices (the derived-data worker, a task assignment, the due-soon sweep), and only for
 * accounts that have a device: a batch of 5,000 notices for accounts without one costs one anti-join.
 * `subscription_id` null means every device of the account; a retry names the one device it is for.
 */
export class Migration20261206190000_web_push extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "push_subscription" (
      "id" uuid not null default gen_random_uuid(),
      "account_id" uuid not null references "account" ("id") on delete cascade,
      "family_id" uuid not null,
      "endpoint" text not null,
      "p256dh" varchar(128) not null,
      "auth" varchar(64) not null,
      "created_at" timestamptz not null default now(),
      "last_sent_at" timestamptz null,
      constraint "push_subscription_pkey" primary key ("id"),
      constraint "push_subscription_endpoint_unique" unique ("endpoint")
    );`);
    this.addSql(`create index "push_subscription_account_id_index" on "push_subscription" ("account_id");`);
    this.addSql(`create index "push_subscription_family_id_index" on "push_subscription" ("family_id");`);

    this.addSql(`create table "push_outbox" (
      "id" bigserial primary key,
      "account_id" uuid not null,
      "kind" text not null,
      "subscription_id" uuid null,
      "attempts" int not null default 0,
      "not_before" timestamptz not null default now()
    );`);
    this.addSql(`create index "push_outbox_not_before_index" on "push_outbox" ("not_before", "id");`);

    // The kinds an officer is woken for; the others stay in-app notices.
    this.addSql(`create function push_outbox_from_notifications() returns trigger language plpgsql as $$
      begin
        insert into push_outbox (account_id, kind)
        select distinct n.account_id, n.kind::text
          from new_rows n
         where n.kind in ('REPORT_RETURNED', 'TASK_ASSIGNED', 'TASK_DUE_SOON')
           and exists (select 1 from push_subscription s where s.account_id = n.account_id);
        return null;
      end $$;`);
    this.addSql(`create trigger notification_push after insert on notification
      referencing new table as new_rows for each statement execute function push_outbox_from_notifications();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger notification_push on notification;`);
    this.addSql(`drop function push_outbox_from_notifications();`);
    this.addSql(`drop table "push_outbox";`);
    this.addSql(`drop table "push_subscription";`);
  }
}
