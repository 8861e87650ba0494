// Operations of the administration, audit, evaluation and report screens. Their types are
// generated from schema/schema.graphql (`npm run codegen`).
import { graphql } from './generated';
import type {
  AdminAccountFieldsFragment,
  AdminEvaluationQuery,
  AdminUnitFieldsFragment,
  AuditEventFilter,
  AdminAuditEventsQuery,
  EvaluationRating,
  RankedUnitFieldsFragment,
  Role as SchemaRole,
  WarningItemFieldsFragment,
} from './generated/graphql';

export type Role = SchemaRole;
export const ROLES: Role[] = ['ADMIN', 'LEADER', 'FOCAL', 'REPORTER', 'VIEWER'];

// ——— Units ———

export type AdminUnit = AdminUnitFieldsFragment;

graphql(`
  fragment AdminUnitFields on Unit {
    id
    code
    name
    kind
    depth
    active
  }
`);

export const MY_UNIT = graphql(`
  query AdminMyUnit {
    myUnit {
      ...AdminUnitFields
    }
  }
`);

export const UNIT_CHILDREN = graphql(`
  query AdminUnitChildren($id: ID!) {
    unit(id: $id) {
      ...AdminUnitFields
      children(includeInactive: true) {
        ...AdminUnitFields
      }
    }
  }
`);

export const CREATE_UNIT = graphql(`
  mutation AdminCreateUnit($input: CreateUnitInput!) {
    createUnit(input: $input) {
      ...AdminUnitFields
    }
  }
`);

export const UPDATE_UNIT = graphql(`
  mutation AdminUpdateUnit($id: ID!, $input: UpdateUnitInput!) {
    updateUnit(id: $id, input: $input) {
      ...AdminUnitFields
    }
  }
`);

export const MOVE_UNIT = graphql(`
  mutation AdminMoveUnit($id: ID!, $newParentId: ID!) {
    moveUnit(id: $id, newParentId: $newParentId) {
      ...AdminUnitFields
    }
  }
`);

export const DEACTIVATE_UNIT = graphql(`
  mutation AdminDeactivateUnit($id: ID!) {
    deactivateUnit(id: $id) {
      ...AdminUnitFields
    }
  }
`);

export const REACTIVATE_UNIT = graphql(`
  mutation AdminReactivateUnit($id: ID!) {
    reactivateUnit(id: $id) {
      ...AdminUnitFields
    }
  }
`);

// ——— Accounts ———

/** A unit and two levels below it, for the unit pickers of the account forms. */
export const UNIT_OPTIONS = graphql(`
  query AdminUnitOptions($id: ID!) {
    unit(id: $id) {
      id
      name
      depth
      children {
        id
        name
        depth
        children {
          id
          name
          depth
        }
      }
    }
  }
`);

export type AdminAccount = AdminAccountFieldsFragment;

graphql(`
  fragment AdminAccountFields on Account {
    id
    username
    displayName
    roles
    mustChangePassword
    disabledAt
    lockedUntil
    lastSignInAt
    unit {
      id
      name
    }
  }
`);

export const ACCOUNTS = graphql(`
  query AdminAccounts($unitId: ID, $search: String, $includeDisabled: Boolean!, $after: String) {
    accounts(unitId: $unitId, search: $search, includeDisabled: $includeDisabled, first: 25, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        ...AdminAccountFields
      }
    }
  }
`);

export const CREATE_ACCOUNT = graphql(`
  mutation AdminCreateAccount($input: CreateAccountInput!) {
    createAccount(input: $input) {
      temporaryPassword
      account {
        ...AdminAccountFields
      }
    }
  }
`);

export const UPDATE_ACCOUNT = graphql(`
  mutation AdminUpdateAccount($id: ID!, $input: UpdateAccountInput!) {
    updateAccount(id: $id, input: $input) {
      ...AdminAccountFields
    }
  }
`);

export const DISABLE_ACCOUNT = graphql(`
  mutation AdminDisableAccount($id: ID!) {
    disableAccount(id: $id) {
      ...AdminAccountFields
    }
  }
`);

export const ENABLE_ACCOUNT = graphql(`
  mutation AdminEnableAccount($id: ID!) {
    enableAccount(id: $id) {
      ...AdminAccountFields
    }
  }
`);

export const RESET_PASSWORD = graphql(`
  mutation AdminResetPassword($id: ID!) {
    resetPassword(id: $id) {
      temporaryPassword
      account {
        ...AdminAccountFields
      }
    }
  }
`);

// ——— Audit ———

export type AuditItem = AdminAuditEventsQuery['auditEvents']['nodes'][number];
export type AuditFilter = AuditEventFilter;

export const AUDIT_EVENTS = graphql(`
  query AdminAuditEvents($filter: AuditEventFilter, $after: String) {
    auditEvents(filter: $filter, first: 30, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        at
        action
        entityType
        entityId
        actorAccountId
        actorUsername
        actorUnit {
          id
          name
        }
        before
        after
      }
    }
  }
`);

// ——— Evaluation ———

export type Rating = EvaluationRating;
export const RATINGS: Rating[] = ['DONE_WELL', 'DONE', 'NOT_DONE'];

export type RateableTask = AdminEvaluationQuery['tasks']['nodes'][number];
/** One page of a period's ratings. */
export type EvaluationsPage = AdminEvaluationQuery['evaluations'];
export type RankedUnit = RankedUnitFieldsFragment;

graphql(`
  fragment RankedUnitFields on RankedUnit {
    rank
    own
    unit {
      id
      name
      kind
    }
    score {
      doneWell
      done
      notDone
      rated
      ratingScore
      onTimeRate
      ratingWeight
      onTimeWeight
      score
      formula
    }
  }
`);

graphql(`
  fragment EvaluationFields on TaskEvaluation {
    id
    period
    rating
    comment
    updatedAt
    task {
      id
      title
      leadUnit {
        id
        name
      }
    }
  }
`);

export const EVALUATION = graphql(`
  query AdminEvaluation($resolutionId: ID, $period: String!, $after: String) {
    tasks(filter: { resolutionId: $resolutionId }, first: 50, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        title
        dueOn
        status
        progress
        leadUnit {
          id
          name
        }
      }
    }
    evaluations(resolutionId: $resolutionId, period: $period, first: 200) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        ...EvaluationFields
      }
    }
    unitRanking(resolutionId: $resolutionId, period: $period) {
      ...RankedUnitFields
    }
  }
`);

/** The rest of a period's ratings, when there are more than one page. */
export const EVALUATIONS = graphql(`
  query AdminEvaluations($resolutionId: ID, $period: String!, $after: String) {
    evaluations(resolutionId: $resolutionId, period: $period, first: 200, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        ...EvaluationFields
      }
    }
  }
`);

export const RESOLUTIONS = graphql(`
  query AdminResolutions {
    resolutions {
      ...ResolutionFields
    }
  }
`);

export const EVALUATE_TASK = graphql(`
  mutation AdminEvaluateTask($input: EvaluateTaskInput!) {
    evaluateTask(input: $input) {
      id
      period
      rating
      comment
      updatedAt
    }
  }
`);

// ——— Printed report ———

export type ReportWarning = WarningItemFieldsFragment;

export const PRINT_REPORT = graphql(`
  query AdminPrintReport($unitId: ID!, $resolutionId: ID) {
    unit(id: $unitId) {
      id
      name
      kind
    }
    analyticsSummary(unitId: $unitId, resolutionId: $resolutionId) {
      ...SummaryFields
    }
    analyticsByChild(unitId: $unitId, resolutionId: $resolutionId) {
      ...UnitRowFields
    }
    warningCounts(unitId: $unitId, resolutionId: $resolutionId) {
      kind
      count
    }
    warningsAsOf(unitId: $unitId, resolutionId: $resolutionId)
    warnings(unitId: $unitId, resolutionId: $resolutionId, first: 30) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        ...WarningItemFields
      }
    }
    unitRanking(unitId: $unitId, resolutionId: $resolutionId) {
      ...RankedUnitFields
    }
    resolutions {
      ...ResolutionFields
    }
  }
`);
