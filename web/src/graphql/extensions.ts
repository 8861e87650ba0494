// Deadline-extension requests: the committee's queue, a task's requests and the on-time rule.
// Their types are generated from schema/schema.graphql (`npm run codegen`).
import { graphql } from './generated';
import type { ExtensionQueueQuery, TaskExtensionsQuery } from './generated/graphql';

export type ExtensionItem = ExtensionQueueQuery['extensionQueue']['nodes'][number];
export type TaskExtensions = TaskExtensionsQuery['task'];

graphql(`
  fragment ExtensionRequestFields on ExtensionRequest {
    id
    taskId
    taskTitle
    unitId
    unitName
    requestedByName
    previousDueOn
    requestedDueOn
    reason
    writtenAt
    requestedAt
    state
    decidedByName
    decidedAt
    decisionComment
    canDecide
  }
`);

export const EXTENSION_QUEUE = graphql(`
  query ExtensionQueue($unitId: ID, $after: String) {
    extensionQueue(unitId: $unitId, first: 25, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        ...ExtensionRequestFields
      }
    }
  }
`);

export const TASK_EXTENSIONS = graphql(`
  query TaskExtensions($id: ID!) {
    task(id: $id) {
      id
      version
      status
      leadUnit {
        id
      }
      dueDates {
        dueOn
        originalDueOn
        onTimeRule
        onTimeDueOn
      }
      extensionRequests {
        ...ExtensionRequestFields
      }
    }
  }
`);

export const REQUEST_EXTENSION = graphql(`
  mutation RequestExtension($input: RequestExtensionInput!) {
    requestExtension(input: $input) {
      created
      request {
        id
      }
    }
  }
`);

export const APPROVE_EXTENSION = graphql(`
  mutation ApproveExtension($id: ID!, $comment: String) {
    approveExtension(id: $id, comment: $comment) {
      id
      state
    }
  }
`);

export const REFUSE_EXTENSION = graphql(`
  mutation RefuseExtension($id: ID!, $comment: String!) {
    refuseExtension(id: $id, comment: $comment) {
      id
      state
    }
  }
`);

export const ON_TIME_RULES = graphql(`
  query OnTimeRules($resolutionId: ID) {
    onTimeRules(resolutionId: $resolutionId) {
      planId
      planTitle
      ownerUnitName
      rule
    }
  }
`);
