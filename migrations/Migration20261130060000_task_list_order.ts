import { Migration } from '@mikro-orm/migrations';

/**
 * The task list's two orders as indexes, so a large subtree's first page walks the index and
 * stops after a page instead of sorting every task in view (the nation: 1.1 s → a few ms).
 */
export class Migration20261130060000_task_list_order extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "task_due_on_id_idx" on "task" ("due_on" asc nulls last, "id" asc);`);
    this.addSql(`create index "task_created_at_id_idx" on "task" ("created_at" desc, "id" desc);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "task_created_at_id_idx";`);
    this.addSql(`drop index "task_due_on_id_idx";`);
  }
}
