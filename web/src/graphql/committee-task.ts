// The committee task screen's operations. Their types are generated from schema/schema.graphql
// (`npm run codegen`).
import { graphql } from './generated';
import type { CommitteeTaskQuery, ReportState as SchemaReportState } from './generated/graphql';

export type ReportState = SchemaReportState;
export type CommitteeTaskResult = CommitteeTaskQuery;
export type CommitteeTask = CommitteeTaskQuery['task'];
export type CommitteeTaskReport = CommitteeTask['reports']['nodes'][number];
export type CommitteeTaskHistoryEntry = CommitteeTask['historyPage']['nodes'][number];
export type CommitteeTaskIndicator = CommitteeTask['indicators'][number];
export type CommitteeTaskWarning = CommitteeTask['warnings'][number];
export type CommitteeSubTask = CommitteeTaskQuery['tasks']['nodes'][number];

/** Page sizes of the task page's lists; "more" asks for the next page of the same size. */
export const TASK_PAGE_SIZES = { reports: 10, history: 10, subTasks: 20 } as const;

// The lists' pages, shared by the first load and each "more" (fragments register once, here).
graphql(`
  fragment CommitteeTaskReportPage on ProgressReportConnection {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      id
      state
      percent
      narrative
      hasObstacles
      obstacles
      writtenAt
      receivedAt
      authorName
      reviewerName
      reviewedAt
      reviewComment
      answersReportId
      flaggedReassigned
      approvalLevels
      approvedLevels
      awaitingUnitKind
      unit {
        id
        name
      }
    }
  }
`);

graphql(`
  fragment CommitteeTaskHistoryPage on TaskHistoryEntryConnection {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      id
      kind
      at
      reason
      actorName
      indicatorId
      before
      after
    }
  }
`);

graphql(`
  fragment CommitteeSubTaskPage on TaskConnection {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      id
      title
      status
      progress
      dueOn
      leadUnit {
        id
        name
      }
    }
  }
`);

export const COMMITTEE_TASK = graphql(`
  query CommitteeTask($id: ID!, $reportsFirst: Int!, $historyFirst: Int!, $subTasksFirst: Int!) {
    task(id: $id) {
      id
      title
      description
      status
      progress
      priority
      weight
      startOn
      dueOn
      completedAt
      cancelledAt
      responsiblePerson
      expectedResult
      missingClears
      version
      depth
      subTaskCount
      approvalLevels
      plan {
        id
        approvalLevels
      }
      reportSchedule {
        frequency
        dueDays
      }
      effectiveApprovalLevels {
        levels
        source
        fromTaskId
        fromTaskTitle
      }
      resolution {
        ...ResolutionFields
      }
      assignerUnit {
        ...PlanUnitFields
      }
      leadUnit {
        ...PlanUnitFields
      }
      coordinatingUnits {
        id
        name
      }
      ancestors {
        id
        title
        depth
        readable
      }
      indicators {
        id
        name
        unitOfMeasure
        baseline
        target
        currentValue
        direction
        dueOn
        version
        reportSchedule {
          frequency
          dueDays
        }
      }
      warnings {
        id
        kind
        severity
        messageVi
        messageEn
      }
      reports(first: $reportsFirst) {
        ...CommitteeTaskReportPage
      }
      historyPage(first: $historyFirst) {
        ...CommitteeTaskHistoryPage
      }
    }
    tasks(filter: { parentId: $id }, first: $subTasksFirst) {
      ...CommitteeSubTaskPage
    }
    myUnit {
      ...PlanUnitFields
    }
  }
`);

export const COMMITTEE_TASK_REPORTS = graphql(`
  query CommitteeTaskReports($id: ID!, $first: Int!, $after: String) {
    task(id: $id) {
      id
      reports(first: $first, after: $after) {
        ...CommitteeTaskReportPage
      }
    }
  }
`);

export const COMMITTEE_TASK_HISTORY = graphql(`
  query CommitteeTaskHistory($id: ID!, $first: Int!, $after: String) {
    task(id: $id) {
      id
      historyPage(first: $first, after: $after) {
        ...CommitteeTaskHistoryPage
      }
    }
  }
`);

export const COMMITTEE_SUB_TASKS = graphql(`
  query CommitteeSubTasks($id: ID!, $first: Int!, $after: String) {
    tasks(filter: { parentId: $id }, first: $first, after: $after) {
      ...CommitteeSubTaskPage
    }
  }
`);

export const CANCEL_TASK = graphql(`
  mutation CommitteeCancelTask($input: CancelTaskInput!) {
    cancelTask(input: $input) {
      id
      status
      version
      cancelledAt
    }
  }
`);
