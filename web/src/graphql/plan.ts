// The decomposition screen's operations. Their types are generated from schema/schema.graphql
// (`npm run codegen`).
import { graphql } from './generated';
import type {
  CommitteeTaskQuery,
  CreateIndicatorInput,
  IndicatorDirection as SchemaIndicatorDirection,
  PlanRootsQuery,
  PlanTaskFieldsFragment,
  PlanUnitFieldsFragment,
  ReportFrequency as SchemaReportFrequency,
  TaskPriority as SchemaTaskPriority,
} from './generated/graphql';

export type IndicatorDirection = SchemaIndicatorDirection;
export type TaskPriority = SchemaTaskPriority;
export type ReportFrequency = SchemaReportFrequency;
export type PlanUnit = PlanUnitFieldsFragment;
export type PlanTask = PlanTaskFieldsFragment;
/**
 * A task as the committee task page's data-control section takes it: the plan screen's fields,
 * with the levels it takes from above and its indicators' versions and schedules (read on that
 * page only: a page of the plan tree would cost too much with them).
 */
type CommitteeTaskData = NonNullable<CommitteeTaskQuery['task']>;
export type PlanIndicator = PlanTask['indicators'][number] &
  Pick<CommitteeTaskData['indicators'][number], 'version' | 'reportSchedule'>;
export type ControlTask = Omit<PlanTask, 'indicators'> &
  Pick<CommitteeTaskData, 'effectiveApprovalLevels'> & { indicators: PlanIndicator[] };
export type PlanRootsResult = PlanRootsQuery;
export type PlanResolution = PlanRootsQuery['resolutions'][number];
/** One indicator of the sub-task form: the create input less the task it belongs to. */
export type IndicatorDraft = Omit<CreateIndicatorInput, 'taskId' | 'reason'>;

graphql(`
  fragment PlanUnitFields on Unit {
    id
    name
    kind
    depth
  }
`);

graphql(`
  fragment PlanTaskFields on Task {
    id
    title
    depth
    dueOn
    startOn
    progress
    status
    priority
    weight
    version
    subTaskCount
    leadUnit {
      ...PlanUnitFields
    }
    coordinatingUnits {
      id
      name
    }
    assignerUnit {
      id
    }
    approvalLevels
    plan {
      id
      approvalLevels
    }
    reportSchedule {
      frequency
      dueDays
    }
    indicators {
      id
      name
      unitOfMeasure
      target
      dueOn
    }
  }
`);

export const PLAN_ROOTS = graphql(`
  query PlanRoots($resolutionId: ID, $after: String) {
    tasks(filter: { resolutionId: $resolutionId, topOfView: true }, first: 100, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        ...PlanTaskFields
      }
    }
    resolutions {
      ...ResolutionFields
    }
    myUnit {
      ...PlanUnitFields
    }
  }
`);

export const PLAN_CHILDREN = graphql(`
  query PlanChildren($parentId: ID!, $after: String) {
    tasks(filter: { parentId: $parentId }, first: 200, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        ...PlanTaskFields
      }
    }
  }
`);

export const PLAN_UNITS = graphql(`
  query PlanUnits($search: String) {
    units(search: $search, first: 20) {
      totalCount
      nodes {
        ...PlanUnitFields
      }
    }
  }
`);

export const CREATE_TASK = graphql(`
  mutation PlanCreateTask($input: CreateTaskInput!) {
    createTask(input: $input) {
      ...PlanTaskFields
    }
  }
`);

export const CREATE_INDICATOR = graphql(`
  mutation PlanCreateIndicator($input: CreateIndicatorInput!) {
    createIndicator(input: $input) {
      id
    }
  }
`);

export const REASSIGN_TASK = graphql(`
  mutation PlanReassignTask($input: ReassignTaskInput!) {
    reassignTask(input: $input) {
      ...PlanTaskFields
    }
  }
`);

export const SET_APPROVAL_LEVELS = graphql(`
  mutation PlanSetApprovalLevels($input: SetTaskApprovalLevelsInput!) {
    setTaskApprovalLevels(input: $input) {
      ...PlanTaskFields
    }
  }
`);

export const SET_REPORT_SCHEDULE = graphql(`
  mutation PlanSetReportSchedule($input: UpdateTaskInput!) {
    updateTask(input: $input) {
      ...PlanTaskFields
    }
  }
`);

export const SET_INDICATOR_SCHEDULE = graphql(`
  mutation PlanSetIndicatorSchedule($input: UpdateIndicatorInput!) {
    updateIndicator(input: $input) {
      id
      version
      reportSchedule {
        frequency
        dueDays
      }
    }
  }
`);

export const RESCHEDULE_TASK = graphql(`
  mutation PlanRescheduleTask($input: RescheduleTaskInput!) {
    rescheduleTask(input: $input) {
      ...PlanTaskFields
    }
  }
`);
