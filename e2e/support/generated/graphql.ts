/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type AttachmentRefInput = {
  contentType: string;
  fileName: string;
  id: string | number;
  sha256: string;
  size: number;
};

export type CreateReportEntry = {
  answersReportId?: string | number | null | undefined;
  attachments?: Array<AttachmentRefInput> | null | undefined;
  hasObstacles: boolean;
  narrative?: string | null | undefined;
  obstacles?: string | null | undefined;
  percent: number;
  /** The period reported on, on a scheduled task */
  periodKey?: string | null | undefined;
  reportId: string | number;
  taskId: string | number;
  values?: Array<IndicatorValueEntryInput> | null | undefined;
  writtenAt: string;
};

export type IndicatorValueEntryInput = {
  indicatorId: string | number;
  value: number;
};

export type MarkNotificationReadEntry = {
  notificationId: string | number;
};

export type OutboxEntryInput = {
  createReport?: CreateReportEntry | null | undefined;
  /** Device clock: shown, never trusted for ordering */
  createdAt: string;
  /** Made on the device: the idempotency key */
  id: string | number;
  kind: OutboxKind;
  markNotificationRead?: MarkNotificationReadEntry | null | undefined;
  /** Protocol 3 */
  requestExtension?: RequestExtensionEntry | null | undefined;
  updateTask?: UpdateTaskEntry | null | undefined;
};

/** APPLIED and ALREADY_APPLIED confirm the entry; RETRY_LATER keeps it in the outbox */
export type OutboxEntryStatus =
  | 'ALREADY_APPLIED'
  | 'APPLIED'
  | 'CONFLICT'
  | 'REJECTED'
  | 'RETRY_LATER';

export type OutboxKind =
  | 'CREATE_REPORT'
  | 'MARK_NOTIFICATION_READ'
  | 'REQUEST_EXTENSION'
  | 'UPDATE_TASK';

/** How often a scheduled task is reported on */
export type ReportFrequency =
  | 'HALF_YEARLY'
  | 'MONTHLY'
  | 'QUARTERLY'
  | 'YEARLY';

export type ReportScheduleInput = {
  /** 0–366 days after the period ends */
  dueDays: number;
  frequency: ReportFrequency;
};

export type RequestExtensionEntry = {
  /** The task version the request was made on; a stale one answers CONFLICT */
  baseVersion: number;
  reason: string;
  /** Made on the device: the request’s id */
  requestId: string | number;
  requestedDueOn: string;
  taskId: string | number;
  writtenAt: string;
};

export type RequestExtensionInput = {
  /** The task version the request was made on; a stale one answers CONFLICT */
  baseVersion: number;
  /** Made on the device; the same id again stores nothing new */
  id?: string | number | null | undefined;
  reason: string;
  requestedDueOn: string;
  taskId: string | number;
};

export type SyncPushInput = {
  clientId: string | number;
  /** The device clock when sending: device times in the entries are corrected by its offset */
  clientTime?: string | null | undefined;
  /** At most 100, applied in order */
  entries: Array<OutboxEntryInput>;
  protocolVersion: number;
};

export type TaskPriority =
  | 'HIGH'
  | 'LOW'
  | 'NORMAL'
  | 'URGENT';

/** Changed fields only */
export type UpdateResolutionInput = {
  code?: string | null | undefined;
  id: string | number;
  issuedOn?: string | null | undefined;
  summaryEn?: string | null | undefined;
  summaryVi?: string | null | undefined;
  titleEn?: string | null | undefined;
  titleVi?: string | null | undefined;
};

export type UpdateTaskEntry = {
  baseVersion: number;
  description?: string | null | undefined;
  expectedResult?: string | null | undefined;
  responsiblePerson?: string | null | undefined;
  taskId: string | number;
};

/** Changed fields only; a field left out is kept */
export type UpdateTaskInput = {
  allowLaterThanParent?: boolean | null | undefined;
  /** The version your copy was based on */
  baseVersion: number;
  description?: string | null | undefined;
  dueOn?: string | null | undefined;
  expectedResult?: string | null | undefined;
  id: string | number;
  priority?: TaskPriority | null | undefined;
  /** Periodic reporting; null removes the schedule */
  reportSchedule?: ReportScheduleInput | null | undefined;
  responsiblePerson?: string | null | undefined;
  startOn?: string | null | undefined;
  title?: string | null | undefined;
  weight?: number | null | undefined;
};

export type E2ePushRequestExtensionMutationVariables = Exact<{
  input: RequestExtensionInput;
}>;


export type E2ePushRequestExtensionMutation = { requestExtension: { request: { id: string } } };

export type E2ePushRefuseExtensionMutationVariables = Exact<{
  id: string | number;
  comment: string;
}>;


export type E2ePushRefuseExtensionMutation = { refuseExtension: { id: string } };

export type E2ePushNoticesQueryVariables = Exact<{
  readKey: string;
}>;


export type E2ePushNoticesQuery = { pushNotices: Array<{ id: string }> };

export type E2eRenameResolutionMutationVariables = Exact<{
  input: UpdateResolutionInput;
}>;


export type E2eRenameResolutionMutation = { updateResolution: { id: string, titleVi: string } };

export type E2eSyncHealthPushMutationVariables = Exact<{
  input: SyncPushInput;
}>;


export type E2eSyncHealthPushMutation = { syncPush: { results: Array<{ id: string, status: OutboxEntryStatus, reason: string | null }> } };

export type E2eSignInMutationVariables = Exact<{
  username: string;
  password: string;
}>;


export type E2eSignInMutation = { signIn: { accessToken: string, account: { displayName: string } } };

export type E2eUpdateTaskMutationVariables = Exact<{
  input: UpdateTaskInput;
}>;


export type E2eUpdateTaskMutation = { updateTask: { id: string, version: number } };

export type E2ePublishResolutionMutationVariables = Exact<{
  resolutionId: string | number;
  unitId: string | number;
}>;


export type E2ePublishResolutionMutation = { publishResolution: { id: string } };


export const E2ePushRequestExtensionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"E2ePushRequestExtension"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RequestExtensionInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requestExtension"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"request"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]}}]} as unknown as DocumentNode<E2ePushRequestExtensionMutation, E2ePushRequestExtensionMutationVariables>;
export const E2ePushRefuseExtensionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"E2ePushRefuseExtension"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"comment"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"refuseExtension"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"comment"},"value":{"kind":"Variable","name":{"kind":"Name","value":"comment"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<E2ePushRefuseExtensionMutation, E2ePushRefuseExtensionMutationVariables>;
export const E2ePushNoticesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"E2ePushNotices"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"readKey"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pushNotices"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"readKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"readKey"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<E2ePushNoticesQuery, E2ePushNoticesQueryVariables>;
export const E2eRenameResolutionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"E2eRenameResolution"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateResolutionInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateResolution"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"titleVi"}}]}}]}}]} as unknown as DocumentNode<E2eRenameResolutionMutation, E2eRenameResolutionMutationVariables>;
export const E2eSyncHealthPushDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"E2eSyncHealthPush"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SyncPushInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"syncPush"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"results"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"reason"}}]}}]}}]}}]} as unknown as DocumentNode<E2eSyncHealthPushMutation, E2eSyncHealthPushMutationVariables>;
export const E2eSignInDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"E2eSignIn"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"username"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"password"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"signIn"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"username"},"value":{"kind":"Variable","name":{"kind":"Name","value":"username"}}},{"kind":"Argument","name":{"kind":"Name","value":"password"},"value":{"kind":"Variable","name":{"kind":"Name","value":"password"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accessToken"}},{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"displayName"}}]}}]}}]}}]} as unknown as DocumentNode<E2eSignInMutation, E2eSignInMutationVariables>;
export const E2eUpdateTaskDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"E2eUpdateTask"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UpdateTaskInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateTask"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}}]}}]} as unknown as DocumentNode<E2eUpdateTaskMutation, E2eUpdateTaskMutationVariables>;
export const E2ePublishResolutionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"E2ePublishResolution"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"resolutionId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"unitId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"publishResolution"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"resolutionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"resolutionId"}}},{"kind":"Argument","name":{"kind":"Name","value":"unitId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"unitId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<E2ePublishResolutionMutation, E2ePublishResolutionMutationVariables>;