// Operations of the import screen and of activating an imported account. Their types are
// generated from schema/schema.graphql (`npm run codegen`).
import { graphql } from './generated';

export const PREVIEW_IMPORT = graphql(`
  mutation PreviewImport($uploadId: ID!) {
    previewImport(uploadId: $uploadId) {
      ...ImportReportFields
    }
  }
`);

export const APPLY_IMPORT = graphql(`
  mutation ApplyImport($uploadId: ID!) {
    applyImport(uploadId: $uploadId) {
      ...ImportReportFields
      activationCodes {
        fileName
        contentBase64
        count
        expiresAt
      }
    }
  }
`);

graphql(`
  fragment ImportReportFields on ImportReport {
    uploadId
    kind
    applied
    totalRows
    created
    updated
    unchanged
    refused
    rows(first: 2000) {
      row
      outcome
      key
      column
      reason
      detail
    }
  }
`);

export const IMPORT_PROGRESS = graphql(`
  query ImportProgress($uploadId: ID!) {
    importProgress(uploadId: $uploadId) {
      state
      phase
      processed
      total
    }
  }
`);

export const ACTIVATE_ACCOUNT = graphql(`
  mutation ActivateAccount($username: String!, $code: String!, $newPassword: String!) {
    activateAccount(username: $username, code: $code, newPassword: $newPassword) {
      ...SessionFields
    }
  }
`);
