// The committee screens' operations, typed by hand against schema/schema.graphql.
import type { TypedDocumentNode } from '@apollo/client/core';
import { parse } from 'graphql/language/parser';

const typed = <R, V>(source: string) => parse(source) as TypedDocumentNode<R, V>;

export type TaskStatus = 'NOT_STARTED' | 'IN_PROGRESS' | 'OVERDUE' | 'COMPLETED_ON_TIME' | 'COMPLETED_LATE' | 'CANCELLED';
export const STATUSES: TaskStatus[] = [
  'NOT_STARTED',
  'IN_PROGRESS',
  'OVERDUE',
  'COMPLETED_ON_TIME',
  'COMPLETED_LATE',
  'CANCELLED',
];

export interface Summary {
  total: number;
  completionRate: number | null;
  onTimeRate: number | null;
  averageProgress: number | null;
  byStatus: { status: TaskStatus; count: number }[];
  indicators: { count: number; withValue: number; achieved: number; averageAchievement: number | null };
}
export interface UnitRef {
  id: string;
  name: string;
  kind: string;
}
export interface UnitRow {
  unit: UnitRef;
  own: boolean;
  summary: Summary;
}
export interface TrendPoint {
  weekStart: string;
  reportsReceived: number;
  completedOnTime: number;
  completedLate: number;
}
export interface Resolution {
  id: string;
  code: string;
  titleVi: string;
  titleEn: string;
}

const SUMMARY = `total completionRate onTimeRate averageProgress byStatus { status count }
  indicators { count withValue achieved averageAchievement }`;

export const DASHBOARD = typed<
  { analyticsSummary: Summary; analyticsByChild: UnitRow[]; analyticsTrend: TrendPoint[]; resolutions: Resolution[] },
  { unitId: string | null; resolutionId: string | null }
>(`query CommitteeDashboard($unitId: ID, $resolutionId: ID) {
  analyticsSummary(unitId: $unitId, resolutionId: $resolutionId) { ${SUMMARY} }
  analyticsByChild(unitId: $unitId, resolutionId: $resolutionId) { own unit { id name kind } summary { ${SUMMARY} } }
  analyticsTrend(unitId: $unitId, resolutionId: $resolutionId, weeks: 12) { weekStart reportsReceived completedOnTime completedLate }
  resolutions { id code titleVi titleEn }
}`);

export type WarningKind =
  'OVERDUE' | 'DUE_SOON' | 'BEHIND_SCHEDULE' | 'STALE' | 'OBSTACLE' | 'RETURNED' | 'FORECAST_MISS' | 'REVIEW_BOTTLENECK';
export const WARNING_KINDS: WarningKind[] = [
  'OVERDUE',
  'DUE_SOON',
  'BEHIND_SCHEDULE',
  'STALE',
  'OBSTACLE',
  'RETURNED',
  'FORECAST_MISS',
  'REVIEW_BOTTLENECK',
];

export interface WarningItem {
  id: string;
  kind: WarningKind;
  severity: number;
  messageVi: string;
  messageEn: string;
  task: { id: string; title: string; dueOn: string | null };
  unit: UnitRef;
}

export const WARNINGS = typed<
  {
    warnings: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: WarningItem[] };
    /** The snapshot's time for large subtrees; null when computed for this request. */
    warningsAsOf: string | null;
  },
  {
    unitId: string | null;
    resolutionId: string | null;
    kinds: WarningKind[] | null;
    orderBy: 'SEVERITY' | 'DUE_ON';
    after: string | null;
  }
>(`query CommitteeWarnings($unitId: ID, $resolutionId: ID, $kinds: [WarningKind!], $orderBy: WarningOrder!, $after: String) {
  warnings(unitId: $unitId, resolutionId: $resolutionId, kinds: $kinds, orderBy: $orderBy, first: 50, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id kind severity messageVi messageEn task { id title dueOn } unit { id name kind } }
  }
  warningsAsOf(unitId: $unitId, resolutionId: $resolutionId)
}`);

/** Every document above, for the test that checks them against the schema. */
export const COMMITTEE_DOCUMENTS = { DASHBOARD, WARNINGS };
