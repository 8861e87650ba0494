/**
 * The raw baseline of a push of new reports: what SyncService writes in the request, by a bare
 * pg client in one transaction, set-based (applied entries, reports, indicator values and audit
 * entries, one statement for the batch), at most once per entry id. Shared by bench:push and
 * bench:sync so both compare the app with the same work.
 */
import type pg from 'pg';
import { chainKeyFor } from '../../server/src/modules/audit/audit.service.js';
import type { RawContext } from './harness.js';

export interface RawReportEntry {
  id: string;
  taskId: string;
  percent: number;
  writtenAt: string;
  values?: { indicatorId: string; value: number }[];
}

/** Stores the entries; answers the ids applied now (the others were applied before). */
export async function rawPushReports(
  pool: pg.Pool,
  viewer: RawContext['viewer'],
  clientId: string,
  entries: RawReportEntry[],
): Promise<Set<string>> {
  const c = await pool.connect();
  try {
    await c.query('begin');
    const tasks = await c.query<{ id: string }>(`select id from task where id = any($1::uuid[]) and lead_unit_path = $2`, [
      [...new Set(entries.map((e) => e.taskId))],
      viewer.unitPath,
    ]);
    if (tasks.rowCount !== new Set(entries.map((e) => e.taskId)).size) throw new Error('not your task');
    const values = entries.flatMap((e) => (e.values ?? []).map((v) => ({ reportId: e.id, ...v })));
    const { rows } = await c.query<{ id: string }>(
      `with applied as (
         insert into sync_applied_entry (id, account_id, client_id, kind, result)
         select id, $2, $3, 'CREATE_REPORT', '{}' from jsonb_to_recordset($1::jsonb) as e(id uuid) order by id
         on conflict (id) do nothing returning id
       ), report as (
         insert into progress_report (id, task_id, unit_id, unit_path, author_id, percent, has_obstacles, written_at)
         select e.id, e."taskId", $4, $5, $2, e.percent, false, e."writtenAt"
           from jsonb_to_recordset($1::jsonb) as e(id uuid, "taskId" uuid, percent float8, "writtenAt" timestamptz)
           join applied a on a.id = e.id
         returning id
       ), value as (
         insert into report_indicator_value (report_id, indicator_id, value)
         select v."reportId", v."indicatorId", v.value
           from jsonb_to_recordset($7::jsonb) as v("reportId" uuid, "indicatorId" uuid, value float8)
           join report r on r.id = v."reportId"
       ), audit as (
         insert into audit_event (chain_key, at, actor_account_id, actor_unit_id, actor_unit_path, action, entity_type, entity_id, after)
         select $6, now(), $2, $4, $5, 'report.submit', 'ProgressReport', r.id::text, '{}'::jsonb from report r
       )
       select id from report`,
      [
        JSON.stringify(entries),
        viewer.id,
        clientId,
        viewer.unitId,
        viewer.unitPath,
        chainKeyFor(viewer.unitPath),
        JSON.stringify(values),
      ],
    );
    await c.query('commit');
    return new Set(rows.map((r) => r.id));
  } catch (error) {
    await c.query('rollback');
    throw error;
  } finally {
    c.release();
  }
}
