// The review queue's operations, typed by hand against schema/schema.graphql.
import type { TypedDocumentNode } from '@apollo/client/core';
import { parse } from 'graphql/language/parser';

const typed = <R, V>(source: string) => parse(source) as TypedDocumentNode<R, V>;

export interface ReviewIndicator {
  id: string;
  name: string;
  unitOfMeasure: string;
  baseline: number;
  target: number;
  direction: 'HIGHER_IS_BETTER' | 'LOWER_IS_BETTER';
}

export interface ReviewAttachment {
  id: string;
  fileName: string;
  contentType: string;
  status: 'UPLOADING' | 'VERIFIED';
  url: string;
}

export interface ReviewItem {
  id: string;
  percent: number;
  previousApprovedPercent: number | null;
  narrative: string | null;
  hasObstacles: boolean;
  obstacles: string | null;
  writtenAt: string;
  receivedAt: string;
  flaggedReassigned: boolean;
  authorName: string;
  unit: { id: string; name: string; kind: string };
  values: { indicatorId: string; value: number }[];
  attachments: ReviewAttachment[];
  task: {
    id: string;
    title: string;
    dueOn: string | null;
    resolution: { id: string; code: string };
    indicators: ReviewIndicator[];
  };
}

export interface ReviewQueuePage {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: ReviewItem[];
}

export const REVIEW_QUEUE = typed<
  { reviewQueue: ReviewQueuePage; resolutions: { id: string; code: string; titleVi: string; titleEn: string }[] },
  { unitId: string | null; resolutionId: string | null; after: string | null }
>(`query ReviewQueue($unitId: ID, $resolutionId: ID, $after: String) {
  reviewQueue(unitId: $unitId, resolutionId: $resolutionId, first: 25, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes {
      id percent previousApprovedPercent narrative hasObstacles obstacles writtenAt receivedAt flaggedReassigned authorName
      unit { id name kind }
      values { indicatorId value }
      attachments { id fileName contentType status url }
      task { id title dueOn resolution { id code } indicators { id name unitOfMeasure baseline target direction } }
    }
  }
  resolutions { id code titleVi titleEn }
}`);

export const APPROVE_REPORT = typed<{ approveReport: { id: string; state: string } }, { id: string; comment: string | null }>(
  `mutation ApproveReport($id: ID!, $comment: String) { approveReport(id: $id, comment: $comment) { id state } }`,
);

export const RETURN_REPORT = typed<{ returnReport: { id: string; state: string } }, { id: string; comment: string }>(
  `mutation ReturnReport($id: ID!, $comment: String!) { returnReport(id: $id, comment: $comment) { id state } }`,
);

/** Every document above, for the test that checks them against the schema. */
export const REVIEW_DOCUMENTS = { REVIEW_QUEUE, APPROVE_REPORT, RETURN_REPORT };
