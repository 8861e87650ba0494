// The decomposition screen's operations, typed by hand against schema/schema.graphql.
import type { TypedDocumentNode } from '@apollo/client/core';
import { parse } from 'graphql/language/parser';

const typed = <R, V>(source: string) => parse(source) as TypedDocumentNode<R, V>;

export type IndicatorDirection = 'HIGHER_IS_BETTER' | 'LOWER_IS_BETTER';
export type TaskPriority = 'LOW' | 'NORMAL' | 'HIGH' | 'URGENT';

export interface PlanUnit {
  id: string;
  name: string;
  kind: string;
  depth: number;
}

export interface PlanTask {
  id: string;
  title: string;
  depth: number;
  dueOn: string | null;
  startOn: string | null;
  progress: number;
  status: string;
  priority: TaskPriority;
  weight: number;
  version: number;
  subTaskCount: number;
  leadUnit: PlanUnit;
  coordinatingUnits: { id: string; name: string }[];
  assignerUnit: { id: string } | null;
  indicators: { id: string; name: string; unitOfMeasure: string; target: number; dueOn: string | null }[];
}

export interface PlanResolution {
  id: string;
  code: string;
  titleVi: string;
  titleEn: string;
}

const TASK_FIELDS = `id title depth dueOn startOn progress status priority weight version subTaskCount
  leadUnit { id name kind depth } coordinatingUnits { id name } assignerUnit { id }
  indicators { id name unitOfMeasure target dueOn }`;

interface TaskPage {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: PlanTask[];
}

export interface PlanRootsResult {
  tasks: TaskPage;
  resolutions: PlanResolution[];
  myUnit: PlanUnit;
}

export const PLAN_ROOTS = typed<
  PlanRootsResult,
  { resolutionId: string | null; after: string | null }
>(`query PlanRoots($resolutionId: ID, $after: String) {
  tasks(filter: { resolutionId: $resolutionId, topOfView: true }, first: 100, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { ${TASK_FIELDS} }
  }
  resolutions { id code titleVi titleEn }
  myUnit { id name kind depth }
}`);

export const PLAN_CHILDREN = typed<{ tasks: TaskPage }, { parentId: string; after: string | null }>(
  `query PlanChildren($parentId: ID!, $after: String) {
  tasks(filter: { parentId: $parentId }, first: 200, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { ${TASK_FIELDS} }
  }
}`,
);

export const PLAN_UNITS = typed<
  { units: { totalCount: number; nodes: PlanUnit[] } },
  { search: string | null }
>(`query PlanUnits($search: String) {
  units(search: $search, first: 20) { totalCount nodes { id name kind depth } }
}`);

export interface CreateTaskVariables {
  input: {
    parentId: string;
    title: string;
    description: string | null;
    leadUnitId: string;
    responsiblePerson: string | null;
    expectedResult: string | null;
    dueOn: string | null;
    coordinatingUnitIds: string[];
    priority: TaskPriority;
    weight: number;
  };
}

export const CREATE_TASK = typed<{ createTask: PlanTask }, CreateTaskVariables>(
  `mutation PlanCreateTask($input: CreateTaskInput!) { createTask(input: $input) { ${TASK_FIELDS} } }`,
);

export interface IndicatorDraft {
  name: string;
  unitOfMeasure: string;
  baseline: number | null;
  target: number;
  direction: IndicatorDirection;
  dueOn: string | null;
}

export const CREATE_INDICATOR = typed<{ createIndicator: { id: string } }, { input: IndicatorDraft & { taskId: string } }>(
  `mutation PlanCreateIndicator($input: CreateIndicatorInput!) { createIndicator(input: $input) { id } }`,
);

export const REASSIGN_TASK = typed<
  { reassignTask: PlanTask },
  { input: { id: string; baseVersion: number; leadUnitId: string; reason: string } }
>(`mutation PlanReassignTask($input: ReassignTaskInput!) { reassignTask(input: $input) { ${TASK_FIELDS} } }`);

export const RESCHEDULE_TASK = typed<
  { rescheduleTask: PlanTask },
  { input: { id: string; baseVersion: number; dueOn: string; reason: string } }
>(`mutation PlanRescheduleTask($input: RescheduleTaskInput!) { rescheduleTask(input: $input) { ${TASK_FIELDS} } }`);

/** Every document above, for the test that checks them against the schema. */
export const PLAN_DOCUMENTS = {
  PLAN_ROOTS,
  PLAN_CHILDREN,
  PLAN_UNITS,
  CREATE_TASK,
  CREATE_INDICATOR,
  REASSIGN_TASK,
  RESCHEDULE_TASK,
};
