import { Migration } from '@mikro-orm/migrations';

/**
 * Spreadsheet imports (README, "Importing units, accounts and tasks"): a task's external reference, by which a re-imported row
 * finds the task it made; accounts' one-time activation codes (a SHA-256 hash, the codes being
 * random and high-entropy) and their expiry; the uploaded files waiting for a dry run and an
 * apply, with the apply's progress.
 */
export class Migration20261206190000_imports extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "task" add column "external_ref" varchar(100) null;`);
    this.addSql(`create unique index "task_external_ref_key" on "task" ("external_ref") where "external_ref" is not null;`);
    this.addSql(`alter table "account" add column "activation_code_hash" char(64) null,
      add column "activation_expires_at" timestamptz null;`);
    this.addSql(`create table "import_upload" (
      "id" uuid primary key,
      "account_id" uuid not null references "account" ("id") on delete cascade,
      "kind" varchar(16) not null,
      "format" varchar(8) not null,
      "file_name" varchar(255) not null,
      "size" int not null,
      "content" bytea null,
      "state" varchar(16) not null default 'UPLOADED',
      "phase" varchar(16) null,
      "processed" int not null default 0,
      "total" int null,
      "created_at" timestamptz not null default now(),
      "finished_at" timestamptz null
    );`);
    this.addSql(`create index "import_upload_account_id_index" on "import_upload" ("account_id", "created_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table "import_upload";`);
    this.addSql(`alter table "account" drop column "activation_code_hash", drop column "activation_expires_at";`);
    this.addSql(`drop index "task_external_ref_key";`);
    this.addSql(`alter table "task" drop column "external_ref";`);
  }
}
