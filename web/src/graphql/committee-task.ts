// The committee task screen's operations, typed by hand against schema/schema.graphql.
import type { TypedDocumentNode } from '@apollo/client/core';
import { parse } from 'graphql/language/parser';
import type { TaskStatus, WarningKind } from './committee';
import type { PlanUnit } from './plan';

const typed = <R, V>(source: string) => parse(source) as TypedDocumentNode<R, V>;

export type ReportState = 'SUBMITTED' | 'APPROVED' | 'RETURNED';

export interface CommitteeTaskReport {
  id: string;
  state: ReportState;
  percent: number;
  narrative: string | null;
  hasObstacles: boolean;
  obstacles: string | null;
  writtenAt: string;
  receivedAt: string;
  authorName: string;
  reviewerName: string | null;
  reviewedAt: string | null;
  reviewComment: string | null;
  answersReportId: string | null;
  flaggedReassigned: boolean;
  unit: { id: string; name: string };
}

export interface CommitteeTaskIndicator {
  id: string;
  name: string;
  unitOfMeasure: string;
  baseline: number;
  target: number;
  currentValue: number | null;
  direction: 'HIGHER_IS_BETTER' | 'LOWER_IS_BETTER';
  dueOn: string | null;
}

export interface CommitteeTaskWarning {
  id: string;
  kind: WarningKind;
  severity: number;
  messageVi: string;
  messageEn: string;
}

export interface CommitteeSubTask {
  id: string;
  title: string;
  status: TaskStatus;
  progress: number;
  dueOn: string | null;
  leadUnit: { id: string; name: string };
}

export interface CommitteeTask {
  id: string;
  title: string;
  description: string | null;
  status: TaskStatus;
  progress: number;
  priority: 'LOW' | 'NORMAL' | 'HIGH' | 'URGENT';
  weight: number;
  startOn: string | null;
  dueOn: string | null;
  completedAt: string | null;
  cancelledAt: string | null;
  responsiblePerson: string | null;
  expectedResult: string | null;
  missingClears: string[];
  version: number;
  depth: number;
  subTaskCount: number;
  resolution: { id: string; code: string; titleVi: string; titleEn: string };
  assignerUnit: PlanUnit | null;
  leadUnit: PlanUnit;
  coordinatingUnits: { id: string; name: string }[];
  ancestors: { id: string; title: string; depth: number; readable: boolean }[];
  indicators: CommitteeTaskIndicator[];
  warnings: CommitteeTaskWarning[];
  reports: { totalCount: number; nodes: CommitteeTaskReport[] };
}

export interface CommitteeTaskResult {
  task: CommitteeTask;
  tasks: { totalCount: number; nodes: CommitteeSubTask[] };
  myUnit: PlanUnit;
}

export const COMMITTEE_TASK = typed<CommitteeTaskResult, { id: string }>(`query CommitteeTask($id: ID!) {
  task(id: $id) {
    id title description status progress priority weight startOn dueOn completedAt cancelledAt
    responsiblePerson expectedResult missingClears version depth subTaskCount
    resolution { id code titleVi titleEn }
    assignerUnit { id name kind depth }
    leadUnit { id name kind depth }
    coordinatingUnits { id name }
    ancestors { id title depth readable }
    indicators { id name unitOfMeasure baseline target currentValue direction dueOn }
    warnings { id kind severity messageVi messageEn }
    reports(first: 50) {
      totalCount
      nodes {
        id state percent narrative hasObstacles obstacles writtenAt receivedAt authorName
        reviewerName reviewedAt reviewComment answersReportId flaggedReassigned unit { id name }
      }
    }
  }
  tasks(filter: { parentId: $id }, first: 200) {
    totalCount
    nodes { id title status progress dueOn leadUnit { id name } }
  }
  myUnit { id name kind depth }
}`);

/** Every document above, for the test that checks them against the schema. */
export const COMMITTEE_TASK_DOCUMENTS = { COMMITTEE_TASK };
