/** The two GraphQL operations of the sync protocol (docs/SYNC.md), as plain strings. */

const TASK_FIELDS = `id parentId title description responsiblePerson expectedResult startOn dueOn priority state
      progress version updatedAt lastReportAt completedAt resolution { id code titleVi titleEn } ancestorTitles
      indicators { id name unitOfMeasure baseline target direction dueOn currentValue version }`;

export const SYNC_PULL = `query SyncPull($input: SyncPullInput!) {
  syncPull(input: $input) {
    updateRequired reset cursor hasMore serverTime
    tasks { ${TASK_FIELDS} }
    reports { id taskId percent values { indicatorId value } narrative hasObstacles obstacles writtenAt receivedAt
      answersReportId flaggedReassigned state reviewedAt reviewComment reviewerName }
    notifications { id kind message taskId reportId createdAt readAt }
    removals { entity id }
  }
}`;

export const SYNC_PUSH = `mutation SyncPush($input: SyncPushInput!) {
  syncPush(input: $input) {
    updateRequired
    results { id status code field reason version serverTask { ${TASK_FIELDS} } }
  }
}`;

/** At most this many entries go in one push (the server refuses more). */
export const MAX_PUSH_BATCH = 100;
