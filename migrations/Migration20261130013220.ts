import { Migration } from '@mikro-orm/migrations';

/** The domain model: units, accounts, resolutions, plans, tasks, indicators, reports, evidence, audit. */
export class Migration20261130013220 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "task_priority" as enum ('LOW', 'NORMAL', 'HIGH', 'URGENT');`);
    this.addSql(`create type "task_state" as enum ('OPEN', 'COMPLETED', 'CANCELLED');`);
    this.addSql(`create type "indicator_direction" as enum ('HIGHER_IS_BETTER', 'LOWER_IS_BETTER');`);
    this.addSql(`create type "report_state" as enum ('SUBMITTED', 'APPROVED', 'RETURNED');`);
    this.addSql(`create type "attachment_status" as enum ('UPLOADING', 'VERIFIED');`);
    this.addSql(
      `create table "audit_chain_head" ("chain_key" varchar(64) not null, "last_seq" bigint not null, "last_hash" varchar(64) not null, constraint "audit_chain_head_pkey" primary key ("chain_key"));`,
    );

    this.addSql(
      `create table "audit_event" ("id" bigserial primary key, "chain_key" varchar(64) not null, "chain_seq" bigint not null, "at" timestamptz not null, "actor_account_id" uuid null, "actor_username" varchar(64) null, "actor_unit_id" uuid null, "actor_unit_path" text null, "action" varchar(64) not null, "entity_type" varchar(64) not null, "entity_id" varchar(64) null, "before" jsonb null, "after" jsonb null, "prev_hash" varchar(64) not null, "hash" varchar(64) not null);`,
    );
    this.addSql(`create index "audit_event_actor_unit_path_index" on "audit_event" ("actor_unit_path");`);
    this.addSql(
      `alter table "audit_event" add constraint "audit_event_chain_key_chain_seq_unique" unique ("chain_key", "chain_seq");`,
    );

    this.addSql(
      `create table "resolution" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "code" varchar(32) not null, "title_vi" text not null, "title_en" text not null, "issued_on" date not null, "summary_vi" text null, "summary_en" text null, constraint "resolution_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "resolution" add constraint "resolution_code_unique" unique ("code");`);

    this.addSql(
      `create table "unit" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "seq" int not null, "code" varchar(64) not null, "name" varchar(255) not null, "kind" varchar(32) not null, "parent_id" uuid null, "path" text not null, "depth" int not null, "active" boolean not null default true, constraint "unit_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "unit" add constraint "unit_seq_unique" unique ("seq");`);
    this.addSql(`alter table "unit" add constraint "unit_code_unique" unique ("code");`);
    this.addSql(`create index "unit_parent_id_index" on "unit" ("parent_id");`);

    this.addSql(
      `create table "action_plan" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "resolution_id" uuid not null, "owner_unit_id" uuid not null, "title" text not null, "period_start" date not null, "period_end" date not null, constraint "action_plan_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "action_plan_resolution_id_owner_unit_id_index" on "action_plan" ("resolution_id", "owner_unit_id");`,
    );

    this.addSql(
      `create table "account" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "username" varchar(64) not null, "display_name" varchar(255) not null, "unit_id" uuid not null, "roles" text[] not null, "password_hash" text not null, "must_change_password" boolean not null default true, "disabled_at" timestamptz null, "failed_attempts" int not null default 0, "locked_until" timestamptz null, "last_sign_in_at" timestamptz null, constraint "account_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "account" add constraint "account_username_unique" unique ("username");`);
    this.addSql(`create index "account_unit_id_index" on "account" ("unit_id");`);

    this.addSql(
      `create table "task" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "plan_id" uuid not null, "resolution_id" uuid not null, "parent_id" uuid null, "depth" int not null default 0, "title" text not null, "description" text null, "assigner_unit_id" uuid not null, "assigner_unit_path" text not null, "lead_unit_id" uuid not null, "lead_unit_path" text not null, "responsible_person" varchar(255) null, "responsible_account_id" uuid null, "expected_result" text null, "start_on" date null, "due_on" date null, "priority" "task_priority" not null default 'NORMAL', "state" "task_state" not null default 'OPEN', "weight" double precision not null default 1, "progress" double precision not null default 0, "completed_at" timestamptz null, "cancelled_at" timestamptz null, "last_report_at" timestamptz null, "version" int not null default 1, constraint "task_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "task_plan_id_index" on "task" ("plan_id");`);
    this.addSql(`create index "task_parent_id_index" on "task" ("parent_id");`);
    this.addSql(`create index "task_lead_unit_id_index" on "task" ("lead_unit_id");`);
    this.addSql(`create index "task_resolution_id_due_on_index" on "task" ("resolution_id", "due_on");`);
    this.addSql(`create index "task_assigner_unit_path_idx" on "task" ("assigner_unit_path" text_pattern_ops);`);
    this.addSql(`create index "task_lead_unit_path_idx" on "task" ("lead_unit_path" text_pattern_ops);`);

    this.addSql(
      `create table "task_coordinator" ("task_id" uuid not null, "unit_id" uuid not null, constraint "task_coordinator_pkey" primary key ("task_id", "unit_id"));`,
    );

    this.addSql(
      `create table "indicator" ("id" uuid not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "task_id" uuid not null, "name" text not null, "unit_of_measure" varchar(64) not null, "baseline" double precision not null default 0, "target" double precision not null, "direction" "indicator_direction" not null default 'HIGHER_IS_BETTER', "due_on" date null, "current_value" double precision null, "version" int not null default 1, constraint "indicator_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "indicator_task_id_index" on "indicator" ("task_id");`);

    this.addSql(
      `create table "refresh_token" ("id" uuid not null, "token_hash" varchar(64) not null, "family_id" uuid not null, "account_id" uuid not null, "issued_at" timestamptz not null default now(), "expires_at" timestamptz not null, "rotated_at" timestamptz null, "revoked_at" timestamptz null, "user_agent" varchar(255) null, constraint "refresh_token_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "refresh_token" add constraint "refresh_token_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "refresh_token_family_id_index" on "refresh_token" ("family_id");`);
    this.addSql(`create index "refresh_token_account_id_index" on "refresh_token" ("account_id");`);

    this.addSql(
      `create table "progress_report" ("id" uuid not null, "task_id" uuid not null, "unit_id" uuid not null, "unit_path" text not null, "author_id" uuid not null, "percent" double precision not null, "narrative" text null, "has_obstacles" boolean not null default false, "obstacles" text null, "written_at" timestamptz not null, "received_at" timestamptz not null default now(), "answers_report_id" uuid null, "flagged_reassigned" boolean not null default false, "state" "report_state" not null default 'SUBMITTED', "reviewed_by_id" uuid null, "reviewed_at" timestamptz null, "review_comment" text null, constraint "progress_report_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "progress_report_unit_id_state_index" on "progress_report" ("unit_id", "state");`);
    this.addSql(`create index "progress_report_task_id_received_at_index" on "progress_report" ("task_id", "received_at");`);

    this.addSql(
      `create table "report_indicator_value" ("report_id" uuid not null, "indicator_id" uuid not null, "value" double precision not null, constraint "report_indicator_value_pkey" primary key ("report_id", "indicator_id"));`,
    );

    this.addSql(
      `create table "attachment" ("id" uuid not null, "report_id" uuid not null, "sha256" varchar(64) not null, "size" bigint not null, "received_bytes" bigint not null default 0, "content_type" varchar(128) not null, "file_name" varchar(255) not null, "status" "attachment_status" not null default 'UPLOADING', "uploaded_by_id" uuid not null, "created_at" timestamptz not null default now(), "verified_at" timestamptz null, constraint "attachment_pkey" primary key ("id"));`,
    );
    this.addSql(`create index "attachment_report_id_index" on "attachment" ("report_id");`);

    this.addSql(
      `alter table "unit" add constraint "unit_parent_id_foreign" foreign key ("parent_id") references "unit" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "action_plan" add constraint "action_plan_resolution_id_foreign" foreign key ("resolution_id") references "resolution" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "action_plan" add constraint "action_plan_owner_unit_id_foreign" foreign key ("owner_unit_id") references "unit" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "account" add constraint "account_unit_id_foreign" foreign key ("unit_id") references "unit" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "task" add constraint "task_plan_id_foreign" foreign key ("plan_id") references "action_plan" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "task" add constraint "task_resolution_id_foreign" foreign key ("resolution_id") references "resolution" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "task" add constraint "task_parent_id_foreign" foreign key ("parent_id") references "task" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "task" add constraint "task_assigner_unit_id_foreign" foreign key ("assigner_unit_id") references "unit" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "task" add constraint "task_lead_unit_id_foreign" foreign key ("lead_unit_id") references "unit" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "task" add constraint "task_responsible_account_id_foreign" foreign key ("responsible_account_id") references "account" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "task_coordinator" add constraint "task_coordinator_task_id_foreign" foreign key ("task_id") references "task" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "task_coordinator" add constraint "task_coordinator_unit_id_foreign" foreign key ("unit_id") references "unit" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "indicator" add constraint "indicator_task_id_foreign" foreign key ("task_id") references "task" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "refresh_token" add constraint "refresh_token_account_id_foreign" foreign key ("account_id") references "account" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "progress_report" add constraint "progress_report_task_id_foreign" foreign key ("task_id") references "task" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "progress_report" add constraint "progress_report_unit_id_foreign" foreign key ("unit_id") references "unit" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "progress_report" add constraint "progress_report_author_id_foreign" foreign key ("author_id") references "account" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "progress_report" add constraint "progress_report_answers_report_id_foreign" foreign key ("answers_report_id") references "progress_report" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "progress_report" add constraint "progress_report_reviewed_by_id_foreign" foreign key ("reviewed_by_id") references "account" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "report_indicator_value" add constraint "report_indicator_value_report_id_foreign" foreign key ("report_id") references "progress_report" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "report_indicator_value" add constraint "report_indicator_value_indicator_id_foreign" foreign key ("indicator_id") references "indicator" ("id") on update cascade on delete restrict;`,
    );

    this.addSql(
      `alter table "attachment" add constraint "attachment_report_id_foreign" foreign key ("report_id") references "progress_report" ("id") on update cascade on delete restrict;`,
    );
    this.addSql(
      `alter table "attachment" add constraint "attachment_uploaded_by_id_foreign" foreign key ("uploaded_by_id") references "account" ("id") on update cascade on delete restrict;`,
    );
    // Rules that must never break, held by the database itself.
    this.addSql(`create sequence "unit_seq" as integer start 1;`);
    this.addSql(`alter table "unit" add constraint "unit_path_unique" unique ("path");`);
    this.addSql(`create index "unit_path_pattern_idx" on "unit" ("path" text_pattern_ops);`);
    this.addSql(`alter table "unit" add constraint "unit_path_format" check ("path" ~ '^/([0-9a-z]+/)+$');`);
    this.addSql(`alter table "unit" add constraint "unit_code_not_blank" check (length(trim("code")) > 0);`);
    this.addSql(`alter table "unit" add constraint "unit_name_not_blank" check (length(trim("name")) > 0);`);
    this.addSql(`alter table "unit" add constraint "unit_not_own_parent" check ("parent_id" is null or "parent_id" <> "id");`);

    this.addSql(
      `alter table "account" add constraint "account_username_lower" check ("username" = lower("username") and "username" ~ '^[a-z0-9._-]{3,64}$');`,
    );
    this.addSql(
      `alter table "account" add constraint "account_roles_known" check (cardinality("roles") > 0 and "roles" <@ array['ADMIN','LEADER','FOCAL','REPORTER','VIEWER']::text[]);`,
    );
    this.addSql(`alter table "account" add constraint "account_failed_attempts_non_negative" check ("failed_attempts" >= 0);`);

    this.addSql(`alter table "action_plan" add constraint "action_plan_period" check ("period_start" <= "period_end");`);

    this.addSql(`alter table "task" add constraint "task_title_not_blank" check (length(trim("title")) > 0);`);
    this.addSql(`alter table "task" add constraint "task_progress_range" check ("progress" between 0 and 100);`);
    this.addSql(`alter table "task" add constraint "task_weight_positive" check ("weight" > 0);`);
    this.addSql(
      `alter table "task" add constraint "task_dates_order" check ("start_on" is null or "due_on" is null or "start_on" <= "due_on");`,
    );
    this.addSql(`alter table "task" add constraint "task_not_own_parent" check ("parent_id" is null or "parent_id" <> "id");`);
    this.addSql(
      `alter table "task" add constraint "task_lead_within_assigner" check (starts_with("lead_unit_path", "assigner_unit_path"));`,
    );
    this.addSql(`create index "task_due_on_open_idx" on "task" ("due_on") where "state" = 'OPEN';`);

    this.addSql(`alter table "indicator" add constraint "indicator_name_not_blank" check (length(trim("name")) > 0);`);

    this.addSql(
      `alter table "progress_report" add constraint "progress_report_percent_range" check ("percent" between 0 and 100);`,
    );
    this.addSql(
      `alter table "progress_report" add constraint "progress_report_obstacles_text" check (not "has_obstacles" or length(trim(coalesce("obstacles", ''))) > 0);`,
    );
    this.addSql(
      `alter table "progress_report" add constraint "progress_report_review_fields" check (("state" = 'SUBMITTED') = ("reviewed_at" is null));`,
    );
    this.addSql(
      `alter table "progress_report" add constraint "progress_report_returned_has_comment" check ("state" <> 'RETURNED' or length(trim(coalesce("review_comment", ''))) > 0);`,
    );
    this.addSql(`create index "progress_report_unit_path_idx" on "progress_report" ("unit_path" text_pattern_ops);`);
    this.addSql(`create index "progress_report_submitted_idx" on "progress_report" ("received_at") where "state" = 'SUBMITTED';`);

    this.addSql(`alter table "attachment" add constraint "attachment_sha256_format" check ("sha256" ~ '^[0-9a-f]{64}$');`);
    this.addSql(
      `alter table "attachment" add constraint "attachment_size_positive" check ("size" > 0 and "received_bytes" between 0 and "size");`,
    );

    // Reports are append-only: only the review fields may change, once, and nothing is deleted.
    this.addSql(`create function "progress_report_append_only"() returns trigger language plpgsql as $$
      begin
        if tg_op = 'DELETE' then
          raise exception 'progress reports are append-only: delete refused' using errcode = 'check_violation';
        end if;
        if (new.id, new.task_id, new.unit_id, new.unit_path, new.author_id, new.percent, new.narrative,
            new.has_obstacles, new.obstacles, new.written_at, new.received_at, new.answers_report_id,
            new.flagged_reassigned)
           is distinct from
           (old.id, old.task_id, old.unit_id, old.unit_path, old.author_id, old.percent, old.narrative,
            old.has_obstacles, old.obstacles, old.written_at, old.received_at, old.answers_report_id,
            old.flagged_reassigned) then
          raise exception 'progress reports are append-only: only review fields may change' using errcode = 'check_violation';
        end if;
        if old.state <> 'SUBMITTED' and new.state is distinct from old.state then
          raise exception 'progress report already reviewed' using errcode = 'check_violation';
        end if;
        return new;
      end $$;`);
    this.addSql(`create trigger "progress_report_append_only" before update or delete on "progress_report"
      for each row execute function "progress_report_append_only"();`);

    this.addSql(`create function "refuse_change"() returns trigger language plpgsql as $$
      begin
        raise exception '% is append-only: % refused', tg_table_name, lower(tg_op) using errcode = 'check_violation';
      end $$;`);
    this.addSql(`create trigger "report_indicator_value_append_only" before update or delete on "report_indicator_value"
      for each row execute function "refuse_change"();`);
    this.addSql(`create trigger "audit_event_append_only" before update or delete on "audit_event"
      for each row execute function "refuse_change"();`);
  }
}
