import { Migration20261130013220 } from './Migration20261130013220.js';
import { Migration20261130020000_accounts_security } from './Migration20261130020000_accounts_security.js';
import { Migration20261130020000_workflow } from './Migration20261130020000_workflow.js';
import { Migration20261130020000_analytics } from './Migration20261130020000_analytics.js';
import { Migration20261130021000_sync } from './Migration20261130021000_sync.js';
import { Migration20261130023000_warning_facts } from './Migration20261130023000_warning_facts.js';
import { Migration20261130050000_sync_horizon } from './Migration20261130050000_sync_horizon.js';
import { Migration20261130051000_warning_snapshot } from './Migration20261130051000_warning_snapshot.js';
import { Migration20261130060000_task_list_order } from './Migration20261130060000_task_list_order.js';
import { Migration20261204200000_derived_worker } from './Migration20261204200000_derived_worker.js';
import { Migration20261206003000_audit_seal_queue } from './Migration20261206003000_audit_seal_queue.js';
import { Migration20261206010000_warning_facts_maintained } from './Migration20261206010000_warning_facts_maintained.js';
import { Migration20261206190000_imports } from './Migration20261206190000_imports.js';
import { Migration20261206010000_viewer_position } from './Migration20261206010000_viewer_position.js';
import { Migration20261206020000_dashboard_aggregates } from './Migration20261206020000_dashboard_aggregates.js';
import { Migration20261206190000_web_push } from './Migration20261206190000_web_push.js';
import { Migration20261206190000_extension_requests } from './Migration20261206190000_extension_requests.js';
import { Migration20261206190000_approval_levels } from './Migration20261206190000_approval_levels.js';
import { Migration20261206190000_report_schedule } from './Migration20261206190000_report_schedule.js';
import { Migration20261206230000_push_notices } from './Migration20261206230000_push_notices.js';
import { Migration20261206230000_sync_reference_data } from './Migration20261206230000_sync_reference_data.js';
import { Migration20261207075900_derived_change_xid } from './Migration20261207075900_derived_change_xid.js';
import { Migration20261207075950_redundant_indexes } from './Migration20261207075950_redundant_indexes.js';
import { Migration20261207150000_sync_client_unit_path } from './Migration20261207150000_sync_client_unit_path.js';
import { Migration20261207161000_indicator_schedule } from './Migration20261207161000_indicator_schedule.js';

/**
 * Every migration, in order. Listed rather than discovered so they load the same way under tsx,
 * Vitest and compiled code; a test checks that no file in this folder is left out.
 */
export const migrationsList = [
  { name: 'Migration20261130013220', class: Migration20261130013220 },
  { name: 'Migration20261130020000_accounts_security', class: Migration20261130020000_accounts_security },
  { name: 'Migration20261130020000_workflow', class: Migration20261130020000_workflow },
  { name: 'Migration20261130020000_analytics', class: Migration20261130020000_analytics },
  { name: 'Migration20261130021000_sync', class: Migration20261130021000_sync },
  { name: 'Migration20261130023000_warning_facts', class: Migration20261130023000_warning_facts },
  { name: 'Migration20261130050000_sync_horizon', class: Migration20261130050000_sync_horizon },
  { name: 'Migration20261130051000_warning_snapshot', class: Migration20261130051000_warning_snapshot },
  { name: 'Migration20261130060000_task_list_order', class: Migration20261130060000_task_list_order },
  { name: 'Migration20261204200000_derived_worker', class: Migration20261204200000_derived_worker },
  { name: 'Migration20261206003000_audit_seal_queue', class: Migration20261206003000_audit_seal_queue },
  { name: 'Migration20261206010000_warning_facts_maintained', class: Migration20261206010000_warning_facts_maintained },
  { name: 'Migration20261206010000_viewer_position', class: Migration20261206010000_viewer_position },
  { name: 'Migration20261206020000_dashboard_aggregates', class: Migration20261206020000_dashboard_aggregates },
  { name: 'Migration20261206190000_web_push', class: Migration20261206190000_web_push },
  { name: 'Migration20261206190000_imports', class: Migration20261206190000_imports },
  { name: 'Migration20261206190000_extension_requests', class: Migration20261206190000_extension_requests },
  { name: 'Migration20261206190000_approval_levels', class: Migration20261206190000_approval_levels },
  { name: 'Migration20261206190000_report_schedule', class: Migration20261206190000_report_schedule },
  { name: 'Migration20261206230000_push_notices', class: Migration20261206230000_push_notices },
  { name: 'Migration20261206230000_sync_reference_data', class: Migration20261206230000_sync_reference_data },
  { name: 'Migration20261207075900_derived_change_xid', class: Migration20261207075900_derived_change_xid },
  { name: 'Migration20261207075950_redundant_indexes', class: Migration20261207075950_redundant_indexes },
  { name: 'Migration20261207150000_sync_client_unit_path', class: Migration20261207150000_sync_client_unit_path },
  { name: 'Migration20261207161000_indicator_schedule', class: Migration20261207161000_indicator_schedule },
];
