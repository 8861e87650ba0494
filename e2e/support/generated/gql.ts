/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation E2ePushRequestExtension($input: RequestExtensionInput!) {\n    requestExtension(input: $input) {\n      request {\n        id\n      }\n    }\n  }\n": typeof types.E2ePushRequestExtensionDocument,
    "\n  mutation E2ePushRefuseExtension($id: ID!, $comment: String!) {\n    refuseExtension(id: $id, comment: $comment) {\n      id\n    }\n  }\n": typeof types.E2ePushRefuseExtensionDocument,
    "\n  query E2ePushNotices($readKey: String!) {\n    pushNotices(readKey: $readKey) {\n      id\n    }\n  }\n": typeof types.E2ePushNoticesDocument,
    "\n  mutation E2eRenameResolution($input: UpdateResolutionInput!) {\n    updateResolution(input: $input) {\n      id\n      titleVi\n    }\n  }\n": typeof types.E2eRenameResolutionDocument,
    "\n  mutation E2eSyncHealthPush($input: SyncPushInput!) {\n    syncPush(input: $input) {\n      results {\n        id\n        status\n        reason\n      }\n    }\n  }\n": typeof types.E2eSyncHealthPushDocument,
    "\n  mutation E2eSignIn($username: String!, $password: String!) {\n    signIn(username: $username, password: $password) {\n      accessToken\n      account {\n        displayName\n      }\n    }\n  }\n": typeof types.E2eSignInDocument,
    "\n  mutation E2eUpdateTask($input: UpdateTaskInput!) {\n    updateTask(input: $input) {\n      id\n      version\n    }\n  }\n": typeof types.E2eUpdateTaskDocument,
    "\n  mutation E2ePublishResolution($resolutionId: ID!, $unitId: ID!) {\n    publishResolution(resolutionId: $resolutionId, unitId: $unitId) {\n      id\n    }\n  }\n": typeof types.E2ePublishResolutionDocument,
};
const documents: Documents = {
    "\n  mutation E2ePushRequestExtension($input: RequestExtensionInput!) {\n    requestExtension(input: $input) {\n      request {\n        id\n      }\n    }\n  }\n": types.E2ePushRequestExtensionDocument,
    "\n  mutation E2ePushRefuseExtension($id: ID!, $comment: String!) {\n    refuseExtension(id: $id, comment: $comment) {\n      id\n    }\n  }\n": types.E2ePushRefuseExtensionDocument,
    "\n  query E2ePushNotices($readKey: String!) {\n    pushNotices(readKey: $readKey) {\n      id\n    }\n  }\n": types.E2ePushNoticesDocument,
    "\n  mutation E2eRenameResolution($input: UpdateResolutionInput!) {\n    updateResolution(input: $input) {\n      id\n      titleVi\n    }\n  }\n": types.E2eRenameResolutionDocument,
    "\n  mutation E2eSyncHealthPush($input: SyncPushInput!) {\n    syncPush(input: $input) {\n      results {\n        id\n        status\n        reason\n      }\n    }\n  }\n": types.E2eSyncHealthPushDocument,
    "\n  mutation E2eSignIn($username: String!, $password: String!) {\n    signIn(username: $username, password: $password) {\n      accessToken\n      account {\n        displayName\n      }\n    }\n  }\n": types.E2eSignInDocument,
    "\n  mutation E2eUpdateTask($input: UpdateTaskInput!) {\n    updateTask(input: $input) {\n      id\n      version\n    }\n  }\n": types.E2eUpdateTaskDocument,
    "\n  mutation E2ePublishResolution($resolutionId: ID!, $unitId: ID!) {\n    publishResolution(resolutionId: $resolutionId, unitId: $unitId) {\n      id\n    }\n  }\n": types.E2ePublishResolutionDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation E2ePushRequestExtension($input: RequestExtensionInput!) {\n    requestExtension(input: $input) {\n      request {\n        id\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation E2ePushRequestExtension($input: RequestExtensionInput!) {\n    requestExtension(input: $input) {\n      request {\n        id\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation E2ePushRefuseExtension($id: ID!, $comment: String!) {\n    refuseExtension(id: $id, comment: $comment) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation E2ePushRefuseExtension($id: ID!, $comment: String!) {\n    refuseExtension(id: $id, comment: $comment) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query E2ePushNotices($readKey: String!) {\n    pushNotices(readKey: $readKey) {\n      id\n    }\n  }\n"): (typeof documents)["\n  query E2ePushNotices($readKey: String!) {\n    pushNotices(readKey: $readKey) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation E2eRenameResolution($input: UpdateResolutionInput!) {\n    updateResolution(input: $input) {\n      id\n      titleVi\n    }\n  }\n"): (typeof documents)["\n  mutation E2eRenameResolution($input: UpdateResolutionInput!) {\n    updateResolution(input: $input) {\n      id\n      titleVi\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation E2eSyncHealthPush($input: SyncPushInput!) {\n    syncPush(input: $input) {\n      results {\n        id\n        status\n        reason\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation E2eSyncHealthPush($input: SyncPushInput!) {\n    syncPush(input: $input) {\n      results {\n        id\n        status\n        reason\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation E2eSignIn($username: String!, $password: String!) {\n    signIn(username: $username, password: $password) {\n      accessToken\n      account {\n        displayName\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation E2eSignIn($username: String!, $password: String!) {\n    signIn(username: $username, password: $password) {\n      accessToken\n      account {\n        displayName\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation E2eUpdateTask($input: UpdateTaskInput!) {\n    updateTask(input: $input) {\n      id\n      version\n    }\n  }\n"): (typeof documents)["\n  mutation E2eUpdateTask($input: UpdateTaskInput!) {\n    updateTask(input: $input) {\n      id\n      version\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation E2ePublishResolution($resolutionId: ID!, $unitId: ID!) {\n    publishResolution(resolutionId: $resolutionId, unitId: $unitId) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation E2ePublishResolution($resolutionId: ID!, $unitId: ID!) {\n    publishResolution(resolutionId: $resolutionId, unitId: $unitId) {\n      id\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;