// The review queue's operations. Their types are generated from schema/schema.graphql
// (`npm run codegen`).
import { graphql } from './generated';
import type { ReviewItemFieldsFragment, ReviewQueueQuery } from './generated/graphql';

export type ReviewQueuePage = ReviewQueueQuery['reviewQueue'];
export type ReviewItem = ReviewItemFieldsFragment;
export type ReviewAttachment = ReviewItem['attachments'][number];
export type ReviewIndicator = ReviewItem['task']['indicators'][number];

export const REVIEW_ITEM_FIELDS = graphql(`
  fragment ReviewItemFields on ProgressReport {
    id
    percent
    previousApprovedPercent
    narrative
    hasObstacles
    obstacles
    writtenAt
    receivedAt
    flaggedReassigned
    authorName
    approvalLevels
    approvedLevels
    awaitingUnitKind
    approvals {
      level
      decision
      comment
      decidedAt
      reviewerUnitKind
      reviewerUnitName
    }
    unit {
      id
      name
      kind
    }
    values {
      indicatorId
      value
    }
    attachments {
      id
      fileName
      contentType
      status
      url
    }
    task {
      id
      title
      dueOn
      resolution {
        id
        code
      }
      indicators {
        id
        name
        unitOfMeasure
        baseline
        target
        direction
      }
    }
  }
`);

export const REVIEW_QUEUE = graphql(`
  query ReviewQueue($unitId: ID, $resolutionId: ID, $after: String) {
    reviewQueue(unitId: $unitId, resolutionId: $resolutionId, first: 25, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        ...ReviewItemFields
      }
    }
    resolutions {
      ...ResolutionFields
    }
  }
`);

/**
 * One report by id in the queue's shape: a link to a report (from a task page, a notification, a
 * warning) opens it even when it is not on the queue's first page.
 */
export const REVIEW_REPORT = graphql(`
  query ReviewReport($id: ID!) {
    report(id: $id) {
      state
      ...ReviewItemFields
    }
  }
`);

export const APPROVE_REPORT = graphql(`
  mutation ApproveReport($id: ID!, $comment: String) {
    approveReport(id: $id, comment: $comment) {
      id
      state
      approvedLevels
      awaitingUnitKind
    }
  }
`);

export const RETURN_REPORT = graphql(`
  mutation ReturnReport($id: ID!, $comment: String!) {
    returnReport(id: $id, comment: $comment) {
      id
      state
    }
  }
`);
