import { Migration } from '@mikro-orm/migrations';

/**
 * Two indexes that others already serve, each one more entry to write for every report and every
 * audit event on the push path: `progress_report (task_id, received_at)` is the prefix of
 * `progress_report_task_latest_idx (task_id, received_at desc, id desc)` (read backwards for
 * oldest-first), and `audit_event (actor_unit_path)` that of
 * `audit_event_actor_unit_path_pattern_idx`, which answers equality and prefix searches alike.
 */
export class Migration20261207075950_redundant_indexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(`drop index if exists "progress_report_task_id_received_at_index";`);
    this.addSql(`drop index if exists "audit_event_actor_unit_path_index";`);
  }

  override async down(): Promise<void> {
    this.addSql(
      `create index if not exists "progress_report_task_id_received_at_index" on "progress_report" ("task_id", "received_at");`,
    );
    this.addSql(`create index if not exists "audit_event_actor_unit_path_index" on "audit_event" ("actor_unit_path");`);
  }
}
