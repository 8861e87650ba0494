import { Migration } from '@mikro-orm/migrations';

/**
 * The task list's two orders as indexes, so a large subtree's first page walks the index and
 * stops after a page instead of sorting every task in view (the nation: 1.1 s → a few ms); and
 * one resolution's tasks by subtree and root tasks by resolution, for the plan screen.
 */
export class Migration20261130060000_task_list_order extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create index "task_due_on_id_idx" on "task" ("due_on" asc nulls last, "id" asc);`);
    this.addSql(`create index "task_created_at_id_idx" on "task" ("created_at" desc, "id" desc);`);
    // The plan screen below the nation: one resolution's tasks in a subtree, one index range.
    this.addSql(`create index "task_resolution_lead_path_idx" on "task" ("resolution_id", "lead_unit_path" text_pattern_ops);`);
    // The plan screen's national view lists root tasks of a resolution: a few hundred of 1.17 M.
    this.addSql(
      `create index "task_root_idx" on "task" ("resolution_id", "due_on" asc nulls last, "id") where "parent_id" is null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "task_root_idx";`);
    this.addSql(`drop index "task_resolution_lead_path_idx";`);
    this.addSql(`drop index "task_created_at_id_idx";`);
    this.addSql(`drop index "task_due_on_id_idx";`);
  }
}
