// The committee screens' operations. Their types are generated from schema/schema.graphql
// (`npm run codegen`).
import { graphql } from './generated';
import type {
  CommitteeDashboardQuery,
  ResolutionFieldsFragment,
  SummaryFieldsFragment,
  TaskStatus as SchemaTaskStatus,
  UnitRowFieldsFragment,
  WarningItemFieldsFragment,
  WarningKind as SchemaWarningKind,
} from './generated/graphql';

export type TaskStatus = SchemaTaskStatus;
export const STATUSES: TaskStatus[] = [
  'NOT_STARTED',
  'IN_PROGRESS',
  'OVERDUE',
  'COMPLETED_ON_TIME',
  'COMPLETED_LATE',
  'CANCELLED',
];

export type Summary = SummaryFieldsFragment;
export type UnitRow = UnitRowFieldsFragment;
export type UnitRef = UnitRow['unit'];
export type TrendPoint = CommitteeDashboardQuery['analyticsTrend'][number];
export type Resolution = ResolutionFieldsFragment;

graphql(`
  fragment ResolutionFields on Resolution {
    id
    code
    titleVi
    titleEn
  }
`);

graphql(`
  fragment SummaryFields on AnalyticsSummary {
    total
    completionRate
    onTimeRate
    averageProgress
    byStatus {
      status
      count
    }
    indicators {
      count
      withValue
      achieved
      averageAchievement
    }
  }
`);

graphql(`
  fragment UnitRowFields on UnitAnalytics {
    own
    unit {
      id
      name
      kind
    }
    summary {
      ...SummaryFields
    }
  }
`);

export const DASHBOARD = graphql(`
  query CommitteeDashboard($unitId: ID, $resolutionId: ID) {
    analyticsSummary(unitId: $unitId, resolutionId: $resolutionId) {
      ...SummaryFields
    }
    analyticsByChild(unitId: $unitId, resolutionId: $resolutionId) {
      ...UnitRowFields
    }
    approvalPipeline(unitId: $unitId, resolutionId: $resolutionId) {
      awaitingFirstLevel
      approvedNotFinal
      levels {
        level
        waiting
        decided
        returned
        averageLagHours
      }
    }
    analyticsTrend(unitId: $unitId, resolutionId: $resolutionId, weeks: 12) {
      weekStart
      reportsReceived
      completedOnTime
      completedLate
    }
    resolutions {
      ...ResolutionFields
    }
  }
`);

export type ApprovalPipeline = CommitteeDashboardQuery['approvalPipeline'];

export type WarningKind = SchemaWarningKind;
export const WARNING_KINDS: WarningKind[] = [
  'OVERDUE',
  'DUE_SOON',
  'BEHIND_SCHEDULE',
  'STALE',
  'OBSTACLE',
  'RETURNED',
  'FORECAST_MISS',
  'REVIEW_BOTTLENECK',
  'MISSED_REPORT',
];

export type WarningItem = WarningItemFieldsFragment;

graphql(`
  fragment WarningItemFields on Warning {
    id
    kind
    severity
    messageVi
    messageEn
    task {
      id
      title
      dueOn
    }
    unit {
      id
      name
      kind
    }
  }
`);

/** `warningsAsOf`: the time the derived-data worker's warning facts are current to (null before its first pass). */
export const WARNINGS = graphql(`
  query CommitteeWarnings($unitId: ID, $resolutionId: ID, $kinds: [WarningKind!], $orderBy: WarningOrder!, $after: String) {
    warnings(unitId: $unitId, resolutionId: $resolutionId, kinds: $kinds, orderBy: $orderBy, first: 50, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        ...WarningItemFields
      }
    }
    warningsAsOf(unitId: $unitId, resolutionId: $resolutionId)
  }
`);
