// The committee task screen's operations. Their types are generated from schema/schema.graphql
// (`npm run codegen`).
import { graphql } from './generated';
import type { CommitteeTaskQuery, ReportState as SchemaReportState } from './generated/graphql';

export type ReportState = SchemaReportState;
export type CommitteeTaskResult = CommitteeTaskQuery;
export type CommitteeTask = CommitteeTaskQuery['task'];
export type CommitteeTaskReport = CommitteeTask['reports']['nodes'][number];
export type CommitteeTaskIndicator = CommitteeTask['indicators'][number];
export type CommitteeTaskWarning = CommitteeTask['warnings'][number];
export type CommitteeSubTask = CommitteeTaskQuery['tasks']['nodes'][number];

export const COMMITTEE_TASK = graphql(`
  query CommitteeTask($id: ID!) {
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
      }
      warnings {
        id
        kind
        severity
        messageVi
        messageEn
      }
      reports(first: 50) {
        totalCount
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
    }
    tasks(filter: { parentId: $id }, first: 200) {
      totalCount
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
    myUnit {
      ...PlanUnitFields
    }
  }
`);
