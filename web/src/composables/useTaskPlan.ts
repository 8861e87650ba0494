import { reactive, ref, shallowRef, type InjectionKey, type Ref } from 'vue';
import {
  CREATE_INDICATOR,
  CREATE_TASK,
  PLAN_CHILDREN,
  PLAN_ROOTS,
  PLAN_UNITS,
  REASSIGN_TASK,
  RESCHEDULE_TASK,
  SET_APPROVAL_LEVELS,
  SET_INDICATOR_SCHEDULE,
  SET_REPORT_SCHEDULE,
  type IndicatorDraft,
  type PlanIndicator,
  type PlanResolution,
  type PlanRootsResult,
  type PlanTask,
  type PlanUnit,
  type ReportFrequency,
  type TaskPriority,
} from '../graphql/plan';
import { toApiError, type ApiError } from '../graphql/errors';

export interface SubTaskDraft {
  title: string;
  description: string;
  leadUnitId: string;
  responsiblePerson: string;
  expectedResult: string;
  dueOn: string;
  /** '' when not set. */
  startOn?: string;
  coordinatingUnitIds: string[];
  priority: TaskPriority;
  weight: number;
  /** Periodic reporting; null when reports come at will. */
  reportSchedule: { frequency: ReportFrequency; dueDays: number } | null;
  indicators: IndicatorDraft[];
}

/** What a create left undone: the sub-task may exist while an indicator failed. */
export interface CreateOutcome {
  error: ApiError | null;
  /** Set once the sub-task exists, so a retry adds only the indicators still missing. */
  createdTaskId: string | null;
  /** Indicators not created yet (all of them when the sub-task itself failed). */
  remaining: IndicatorDraft[];
}

async function apollo() {
  return (await import('../graphql/client')).apolloClient;
}

/**
 * The decomposition tree of the viewer's part of a resolution: the tasks at the top of its view,
 * with children loaded when a task is opened, and the changes the assigning unit makes to them.
 */
export function useTaskPlan() {
  const roots = shallowRef<PlanTask[]>([]);
  const resolutions = shallowRef<PlanResolution[]>([]);
  const myUnit = shallowRef<PlanUnit | null>(null);
  const children = reactive(new Map<string, PlanTask[]>());
  const expanded = reactive(new Set<string>());
  const loadingChildren = reactive(new Set<string>());
  const loading = ref(false);
  const loadError = shallowRef<ApiError | null>(null);

  async function loadRoots(resolutionId: string | null): Promise<void> {
    loading.value = true;
    loadError.value = null;
    children.clear();
    expanded.clear();
    try {
      const client = await apollo();
      const all: PlanTask[] = [];
      let after: string | null = null;
      // Top-of-view tasks are few per unit; all pages are read so the tree is whole.
      for (;;) {
        const { data }: { data: PlanRootsResult } = await client.query({
          query: PLAN_ROOTS,
          variables: { resolutionId, after },
        });
        all.push(...data.tasks.nodes);
        resolutions.value = data.resolutions;
        myUnit.value = data.myUnit;
        if (!data.tasks.pageInfo.hasNextPage) break;
        after = data.tasks.pageInfo.endCursor;
      }
      roots.value = all;
    } catch (error) {
      loadError.value = toApiError(error);
    } finally {
      loading.value = false;
    }
  }

  async function loadChildren(parentId: string): Promise<ApiError | null> {
    loadingChildren.add(parentId);
    try {
      const { data } = await (await apollo()).query({ query: PLAN_CHILDREN, variables: { parentId, after: null } });
      children.set(parentId, data.tasks.nodes);
      return null;
    } catch (error) {
      return toApiError(error);
    } finally {
      loadingChildren.delete(parentId);
    }
  }

  async function toggle(task: PlanTask): Promise<ApiError | null> {
    if (expanded.has(task.id)) {
      expanded.delete(task.id);
      return null;
    }
    expanded.add(task.id);
    return children.has(task.id) ? null : loadChildren(task.id);
  }

  /** Puts a changed task in place wherever the tree shows it. */
  function patch(task: PlanTask): void {
    const replace = (list: PlanTask[]) => list.map((t) => (t.id === task.id ? task : t));
    roots.value = replace(roots.value);
    for (const [key, list] of children) if (list.some((t) => t.id === task.id)) children.set(key, replace(list));
  }

  function find(id: string): PlanTask | undefined {
    return roots.value.find((t) => t.id === id) ?? [...children.values()].flat().find((t) => t.id === id);
  }

  /** The ids of the tasks above `id` as the tree shows them, outermost first. */
  function pathOf(id: string): string[] {
    for (const [parentId, list] of children) if (list.some((t) => t.id === id)) return [...pathOf(parentId), parentId];
    return [];
  }

  /** Opens the tasks of `path` in turn (loading their sub-tasks), so the one below the last shows. */
  async function reveal(path: string[]): Promise<ApiError | null> {
    for (const id of path) {
      expanded.add(id);
      if (!children.has(id)) {
        const error = await loadChildren(id);
        if (error) return error;
      }
    }
    return null;
  }

  async function createSubTask(
    parent: PlanTask,
    draft: SubTaskDraft,
    createdTaskId: string | null = null,
  ): Promise<CreateOutcome> {
    const client = await apollo();
    let taskId = createdTaskId;
    if (!taskId) {
      try {
        const { data } = await client.mutate({
          mutation: CREATE_TASK,
          variables: {
            input: {
              parentId: parent.id,
              title: draft.title.trim(),
              description: draft.description.trim() || null,
              leadUnitId: draft.leadUnitId,
              responsiblePerson: draft.responsiblePerson.trim() || null,
              expectedResult: draft.expectedResult.trim() || null,
              dueOn: draft.dueOn || null,
              startOn: draft.startOn || null,
              coordinatingUnitIds: draft.coordinatingUnitIds,
              priority: draft.priority,
              weight: draft.weight,
              reportSchedule: draft.reportSchedule,
            },
          },
        });
        taskId = data!.createTask.id;
      } catch (error) {
        return { error: toApiError(error), createdTaskId: null, remaining: draft.indicators };
      }
    }
    const remaining = [...draft.indicators];
    while (remaining.length) {
      const indicator = remaining[0]!;
      try {
        await client.mutate({ mutation: CREATE_INDICATOR, variables: { input: { ...indicator, taskId } } });
        remaining.shift();
      } catch (error) {
        await refreshAround(parent);
        return { error: toApiError(error), createdTaskId: taskId, remaining };
      }
    }
    await refreshAround(parent);
    return { error: null, createdTaskId: taskId, remaining: [] };
  }

  /** Reloads a parent's children and its count, and opens it to show the new sub-task. */
  async function refreshAround(parent: PlanTask): Promise<void> {
    expanded.add(parent.id);
    await loadChildren(parent.id);
    const count = children.get(parent.id)?.length ?? parent.subTaskCount;
    const current = find(parent.id) ?? parent;
    patch({ ...current, subTaskCount: count });
  }

  async function reassign(task: PlanTask, leadUnitId: string, reason: string): Promise<ApiError | null> {
    try {
      const { data } = await (
        await apollo()
      ).mutate({
        mutation: REASSIGN_TASK,
        variables: { input: { id: task.id, baseVersion: task.version, leadUnitId, reason: reason.trim() } },
      });
      patch(data!.reassignTask);
      return null;
    } catch (error) {
      return toApiError(error);
    }
  }

  /** Moves a task's due date, and its start date when one is given ('' clears it; undefined keeps it). */
  async function reschedule(task: PlanTask, dueOn: string, reason: string, startOn?: string): Promise<ApiError | null> {
    try {
      const { data } = await (
        await apollo()
      ).mutate({
        mutation: RESCHEDULE_TASK,
        variables: {
          input: {
            id: task.id,
            baseVersion: task.version,
            dueOn,
            reason: reason.trim(),
            ...(startOn === undefined ? {} : { startOn: startOn || null }),
          },
        },
      });
      patch(data!.rescheduleTask);
      return null;
    } catch (error) {
      return toApiError(error);
    }
  }

  /** Sets the levels that approve the reports of a task's subtree; null takes the task above's, else the plan's. */
  async function setApprovalLevels(task: PlanTask, approvalLevels: number | null, reason: string): Promise<ApiError | null> {
    try {
      const { data } = await (
        await apollo()
      ).mutate({
        mutation: SET_APPROVAL_LEVELS,
        variables: { input: { id: task.id, baseVersion: task.version, approvalLevels, reason: reason.trim() } },
      });
      patch(data!.setTaskApprovalLevels);
      return null;
    } catch (error) {
      return toApiError(error);
    }
  }

  /** Sets or (with null) removes a task's periodic reporting schedule. */
  async function setReportSchedule(
    task: PlanTask,
    reportSchedule: { frequency: ReportFrequency; dueDays: number } | null,
  ): Promise<ApiError | null> {
    try {
      const { data } = await (
        await apollo()
      ).mutate({
        mutation: SET_REPORT_SCHEDULE,
        variables: { input: { id: task.id, baseVersion: task.version, reportSchedule } },
      });
      patch(data!.updateTask);
      return null;
    } catch (error) {
      return toApiError(error);
    }
  }

  /**
   * Sets (or, with null, removes) an indicator's own reporting schedule; `reason` is needed once
   * the task has reports. The task in the tree takes the indicator's new copy.
   */
  async function setIndicatorSchedule(
    task: PlanTask,
    indicator: PlanIndicator,
    reportSchedule: { frequency: ReportFrequency; dueDays: number } | null,
    reason: string,
  ): Promise<ApiError | null> {
    try {
      const { data } = await (
        await apollo()
      ).mutate({
        mutation: SET_INDICATOR_SCHEDULE,
        variables: {
          input: { id: indicator.id, baseVersion: indicator.version, reportSchedule, reason: reason.trim() || null },
        },
      });
      const saved = data!.updateIndicator;
      const current = find(task.id) ?? task;
      patch({ ...current, indicators: current.indicators.map((i) => (i.id === saved.id ? { ...i, ...saved } : i)) });
      return null;
    } catch (error) {
      return toApiError(error);
    }
  }

  async function searchUnits(search: string): Promise<PlanUnit[]> {
    const { data } = await (await apollo()).query({ query: PLAN_UNITS, variables: { search: search.trim() || null } });
    return data.units.nodes;
  }

  return {
    roots,
    resolutions,
    myUnit,
    children,
    expanded,
    loadingChildren,
    loading,
    loadError,
    loadRoots,
    toggle,
    find,
    pathOf,
    reveal,
    createSubTask,
    reassign,
    reschedule,
    setApprovalLevels,
    setReportSchedule,
    setIndicatorSchedule,
    searchUnits,
  };
}

export type TaskPlan = ReturnType<typeof useTaskPlan>;

export type PlanFormKind = 'sub' | 'reassign' | 'reschedule' | 'levels' | 'schedule';

/** The page's plan as the recursive tree nodes see it: data, permissions and the one open form. */
export interface TaskPlanContext extends TaskPlan {
  /** The viewer's unit assigned this task: it reassigns and reschedules it. */
  canManage: (task: PlanTask) => boolean;
  /** The task is assigned to the viewer's unit: it splits it into sub-tasks. */
  canDecompose: (task: PlanTask) => boolean;
  form: Ref<{ taskId: string; kind: PlanFormKind } | null>;
  announce: (message: string) => void;
  pickerDelay: number;
}

export const TASK_PLAN: InjectionKey<TaskPlanContext> = Symbol('taskPlan');

const PLAN_FIELDS = [
  'title',
  'description',
  'leadUnitId',
  'coordinatingUnitIds',
  'priority',
  'weight',
  'dueOn',
  'startOn',
  'name',
  'unitOfMeasure',
  'target',
  'baseline',
  'reason',
  'approvalLevels',
  'reportSchedule.frequency',
  'reportSchedule.dueDays',
];

/** A server refusal in the person's language: the field it is about when known, and the server's words as detail. */
export function explainPlanError(t: (key: string) => string, error: ApiError): { message: string; detail: string | null } {
  let key: string;
  if (error.code === 'BAD_USER_INPUT' && error.field && PLAN_FIELDS.includes(error.field))
    key = `taskPlan.serverErrors.field.${error.field}`;
  else if (error.code === 'BAD_USER_INPUT' && error.field === 'id') key = 'taskPlan.serverErrors.state';
  else if (error.code === 'FORBIDDEN') key = 'taskPlan.serverErrors.forbidden';
  else if (error.code === 'NOT_FOUND') key = 'taskPlan.serverErrors.notFound';
  else if (error.code === 'CONFLICT') key = 'taskPlan.serverErrors.conflict';
  else if (error.code === 'NETWORK') key = 'errors.network';
  else key = 'errors.unknown';
  const showDetail = ['BAD_USER_INPUT', 'FORBIDDEN', 'CONFLICT'].includes(error.code);
  return { message: t(key), detail: showDetail ? error.message : null };
}

/**
 * The state every plan-change form keeps (field errors, the server's refusal, sending) and its
 * submit: `send` runs only when `found` holds no field error, and a refusal is worded for the form.
 * Resolves true when the change was accepted.
 */
export function usePlanSubmit(t: (key: string) => string) {
  const errors = ref<Record<string, string>>({});
  const serverError = ref<{ message: string; detail: string | null } | null>(null);
  const saving = ref(false);
  async function run(found: Record<string, string>, send: () => Promise<ApiError | null>): Promise<boolean> {
    serverError.value = null;
    errors.value = found;
    if (Object.keys(found).length) return false;
    saving.value = true;
    const error = await send();
    saving.value = false;
    if (error) serverError.value = explainPlanError(t, error);
    return !error;
  }
  return { errors, serverError, saving, run };
}
