import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { useDatabase } from '../composables/useDatabase';
import { useLiveQuery } from '../composables/useLiveQuery';
import { buildTaskRows, EMPTY_QUERY, queryTaskRows, resolutionsOf, type TaskQuery } from '../composables/taskList';
import { NO_REFERENCES, readReferences } from '../offline/references';
import type { LocalReport, LocalTask } from '../offline/types';

/**
 * The unit's tasks as the field screens see them, read from the local database only: instant,
 * and the same with or without a network. The filters survive moving between screens.
 */
export const useTaskStore = defineStore('tasks', () => {
  const db = useDatabase();
  const tasks = useLiveQuery(() => db.tasks.toArray(), [] as LocalTask[]);
  const reports = useLiveQuery(() => db.reports.toArray(), [] as LocalReport[]);
  /** The names the rows show (protocol 4), kept apart so a rename rewrites no task. */
  const references = useLiveQuery(() => readReferences(db), NO_REFERENCES);
  const loaded = shallowRef(false);
  void db.tasks.count().then(() => (loaded.value = true));
  const query = ref<TaskQuery>({ ...EMPTY_QUERY });

  const rows = computed(() => buildTaskRows(tasks.value, reports.value, undefined, undefined, references.value));
  const visible = computed(() => queryTaskRows(rows.value, query.value));
  const resolutions = computed(() => resolutionsOf(rows.value));
  const statuses = computed(() => [...new Set(rows.value.map((r) => r.status))].sort());

  function row(taskId: string) {
    return rows.value.find((r) => r.task.id === taskId) ?? null;
  }

  /** A task's reports, newest first. */
  function reportsOf(taskId: string): LocalReport[] {
    return reports.value.filter((r) => r.taskId === taskId).sort((a, b) => b.writtenAt.localeCompare(a.writtenAt));
  }

  function resetQuery() {
    query.value = { ...EMPTY_QUERY };
  }

  return { tasks, reports, references, loaded, query, rows, visible, resolutions, statuses, row, reportsOf, resetQuery };
});
