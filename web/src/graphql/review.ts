// The review queue's operations. Their types are generated from schema/schema.graphql
// (`npm run codegen`).
import { graphql } from './generated';
import type { ReviewQueueQuery } from './generated/graphql';

export type ReviewQueuePage = ReviewQueueQuery['reviewQueue'];
export type ReviewItem = ReviewQueuePage['nodes'][number];
export type ReviewAttachment = ReviewItem['attachments'][number];
export type ReviewIndicator = ReviewItem['task']['indicators'][number];

export const REVIEW_QUEUE = graphql(`
  query ReviewQueue($unitId: ID, $resolutionId: ID, $after: String) {
    reviewQueue(unitId: $unitId, resolutionId: $resolutionId, first: 25, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
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
    }
    resolutions {
      ...ResolutionFields
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
