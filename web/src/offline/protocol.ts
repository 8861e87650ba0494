/**
 * The two GraphQL operations of the sync protocol (docs/SYNC.md), as plain text: the sync client
 * runs without Apollo (tests, the bench). Codegen reads them too (the magic comments), so they are
 * validated against schema/schema.graphql and their types (SyncPullQuery, SyncPushMutation) are
 * generated with the app's.
 */

/** Sent on every sync: one line, without the indentation (the documents hold no string literals). */
const compact = (source: string) => source.replace(/\s+/g, ' ').trim();

const SYNC_TASK_FIELDS = /* GraphQL */ `
  fragment SyncTaskFields on SyncTask {
    id
    parentId
    title
    description
    responsiblePerson
    expectedResult
    startOn
    dueOn
    priority
    state
    progress
    version
    updatedAt
    lastReportAt
    completedAt
    originalDueOn
    onTimeDueOn
    resolution {
      id
      code
      titleVi
      titleEn
    }
    leadUnitId
    assignerUnitId
    ancestorTitles
    reportSchedule {
      frequency
      dueDays
      fromOn
    }
    indicators {
      id
      name
      unitOfMeasure
      baseline
      target
      direction
      dueOn
      currentValue
      version
      reportSchedule {
        frequency
        dueDays
        fromOn
      }
    }
  }
`;

export const SYNC_PULL = compact(/* GraphQL */ `
  query SyncPull($input: SyncPullInput!) {
    syncPull(input: $input) {
      updateRequired
      reset
      cursor
      hasMore
      serverTime
      tasks {
        ...SyncTaskFields
      }
      reports {
        id
        taskId
        percent
        values {
          indicatorId
          value
          periodKey
        }
        narrative
        hasObstacles
        obstacles
        writtenAt
        receivedAt
        answersReportId
        periodKey
        flaggedReassigned
        state
        reviewedAt
        reviewComment
        reviewerName
        reviewedById
        approvalLevels
        approvedLevels
        awaitingUnitKind
      }
      notifications {
        id
        kind
        message
        taskId
        reportId
        createdAt
        readAt
      }
      extensionRequests {
        id
        taskId
        previousDueOn
        requestedDueOn
        reason
        writtenAt
        requestedAt
        state
        decidedAt
        decisionComment
        decidedByName
        decidedById
      }
      removals {
        entity
        id
      }
      resolutions {
        id
        code
        titleVi
        titleEn
      }
      units {
        id
        name
        kind
      }
      people {
        id
        displayName
      }
    }
  }
  ${SYNC_TASK_FIELDS}
`);

export const SYNC_PUSH = compact(/* GraphQL */ `
  mutation SyncPush($input: SyncPushInput!) {
    syncPush(input: $input) {
      updateRequired
      results {
        id
        status
        code
        field
        reason
        version
        serverTask {
          ...SyncTaskFields
        }
      }
    }
  }
  ${SYNC_TASK_FIELDS}
`);

/** At most this many entries go in one push (the server refuses more). */
export const MAX_PUSH_BATCH = 100;
