import { Migration } from '@mikro-orm/migrations';

/**
 * The warnings of large subtrees (the nation, a province), computed for the whole country by a
 * periodic job instead of on every request: computing them live means evaluating every rule on
 * every open task below, seconds at national scale. Small subtrees are still computed live.
 *
 * `all_res` rows answer "every resolution", `res_key` rows answer one resolution: a task's
 * warning is both; a review bottleneck has one row over all resolutions and one per resolution.
 * Counts are kept per ancestor unit so the totals need no scan either.
 */
export class Migration20261130051000_warning_snapshot extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "warning_snapshot" (
      "wid" text not null,
      "kind" text not null,
      "severity" int not null,
      "task_id" uuid not null,
      "unit_id" uuid not null,
      "unit_path" text not null,
      "res_key" uuid null,
      "all_res" boolean not null,
      "due_key" date not null,
      "n" int null,
      "oldest" timestamptz null);`);
    this.addSql(`create index "warning_snapshot_severity_idx" on "warning_snapshot" ("severity" desc, "due_key", "wid");`);
    this.addSql(`create index "warning_snapshot_due_idx" on "warning_snapshot" ("due_key", "severity" desc, "wid");`);
    this.addSql(`create index "warning_snapshot_path_idx" on "warning_snapshot" ("unit_path" text_pattern_ops);`);
    this.addSql(`create table "warning_snapshot_count" (
      "unit_path" text not null,
      "res_key" uuid null,
      "kind" text not null,
      "n" int not null,
      constraint "warning_snapshot_count_key" unique nulls not distinct ("unit_path", "res_key", "kind"));`);
    // Subtrees large enough to read the snapshot (open tasks at the last refresh).
    this.addSql(`create table "warning_snapshot_size" (
      "unit_path" text primary key,
      "open_tasks" int not null);`);
    this.addSql(`create table "warning_snapshot_state" (
      "singleton" boolean primary key default true,
      "day" date null,
      "refreshed_at" timestamptz null,
      constraint "warning_snapshot_state_singleton" check ("singleton"));`);
    this.addSql(`insert into "warning_snapshot_state" default values;`);
  }
}
