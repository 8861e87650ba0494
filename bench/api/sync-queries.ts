/** The field app's sync operations as the sync benchmarks send them (protocol 1 fields). */
export const PULL_QUERY = `query Pull($input: SyncPullInput!) {
  syncPull(input: $input) {
    cursor hasMore reset updateRequired serverTime
    tasks { id parentId title description responsiblePerson expectedResult startOn dueOn priority state progress version updatedAt lastReportAt ancestorTitles
            indicators { id name unitOfMeasure baseline target direction dueOn currentValue version } }
    reports { id taskId percent values { indicatorId value } narrative hasObstacles obstacles writtenAt receivedAt answersReportId flaggedReassigned state reviewedAt reviewComment }
    notifications { id kind message taskId reportId createdAt readAt }
    removals { entity id }
  }
}`;

export const PUSH_QUERY = `mutation Push($input: SyncPushInput!) {
  syncPush(input: $input) { updateRequired results { id status code reason version } }
}`;
