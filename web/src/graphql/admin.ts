// Operations of the administration, audit, evaluation and report screens, typed by hand
// against schema/schema.graphql (test/admin-documents.test.ts validates them).
import type { TypedDocumentNode } from '@apollo/client/core';
import { parse } from 'graphql/language/parser';
import type { Resolution, Summary, UnitRow } from './committee';

const typed = <R, V>(source: string) => parse(source) as TypedDocumentNode<R, V>;

export type Role = 'ADMIN' | 'LEADER' | 'FOCAL' | 'REPORTER' | 'VIEWER';
export const ROLES: Role[] = ['ADMIN', 'LEADER', 'FOCAL', 'REPORTER', 'VIEWER'];

interface Page<T> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: T[];
}

// ——— Units ———

export interface AdminUnit {
  id: string;
  code: string;
  name: string;
  kind: string;
  depth: number;
  active: boolean;
}
const UNIT = 'id code name kind depth active';

export const MY_UNIT = typed<{ myUnit: AdminUnit }, Record<string, never>>(`query AdminMyUnit { myUnit { ${UNIT} } }`);

export const UNIT_CHILDREN = typed<{ unit: AdminUnit & { children: AdminUnit[] } }, { id: string }>(
  `query AdminUnitChildren($id: ID!) { unit(id: $id) { ${UNIT} children(includeInactive: true) { ${UNIT} } } }`,
);

export const CREATE_UNIT = typed<
  { createUnit: AdminUnit },
  { input: { parentId: string; code: string; name: string; kind: string } }
>(`mutation AdminCreateUnit($input: CreateUnitInput!) { createUnit(input: $input) { ${UNIT} } }`);

export const UPDATE_UNIT = typed<{ updateUnit: AdminUnit }, { id: string; input: { name?: string; kind?: string } }>(
  `mutation AdminUpdateUnit($id: ID!, $input: UpdateUnitInput!) { updateUnit(id: $id, input: $input) { ${UNIT} } }`,
);

export const MOVE_UNIT = typed<{ moveUnit: AdminUnit }, { id: string; newParentId: string }>(
  `mutation AdminMoveUnit($id: ID!, $newParentId: ID!) { moveUnit(id: $id, newParentId: $newParentId) { ${UNIT} } }`,
);

export const DEACTIVATE_UNIT = typed<{ deactivateUnit: AdminUnit }, { id: string }>(
  `mutation AdminDeactivateUnit($id: ID!) { deactivateUnit(id: $id) { ${UNIT} } }`,
);

export const REACTIVATE_UNIT = typed<{ reactivateUnit: AdminUnit }, { id: string }>(
  `mutation AdminReactivateUnit($id: ID!) { reactivateUnit(id: $id) { ${UNIT} } }`,
);

// ——— Accounts ———

interface UnitOption {
  id: string;
  name: string;
  depth: number;
  children?: UnitOption[];
}
/** A unit and two levels below it, for the unit pickers of the account forms. */
export const UNIT_OPTIONS = typed<{ unit: UnitOption }, { id: string }>(`query AdminUnitOptions($id: ID!) {
  unit(id: $id) { id name depth children { id name depth children { id name depth } } }
}`);

export interface AdminAccount {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  mustChangePassword: boolean;
  disabledAt: string | null;
  lockedUntil: string | null;
  lastSignInAt: string | null;
  unit: { id: string; name: string };
}
const ACCOUNT = 'id username displayName roles mustChangePassword disabledAt lockedUntil lastSignInAt unit { id name }';

export const ACCOUNTS = typed<
  { accounts: Page<AdminAccount> },
  { unitId: string | null; search: string | null; includeDisabled: boolean; after: string | null }
>(`query AdminAccounts($unitId: ID, $search: String, $includeDisabled: Boolean!, $after: String) {
  accounts(unitId: $unitId, search: $search, includeDisabled: $includeDisabled, first: 25, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { ${ACCOUNT} }
  }
}`);

export interface Credentials {
  account: AdminAccount;
  temporaryPassword: string;
}

export const CREATE_ACCOUNT = typed<
  { createAccount: Credentials },
  { input: { username: string; displayName: string; unitId: string; roles: Role[] } }
>(`mutation AdminCreateAccount($input: CreateAccountInput!) {
  createAccount(input: $input) { temporaryPassword account { ${ACCOUNT} } }
}`);

export const UPDATE_ACCOUNT = typed<
  { updateAccount: AdminAccount },
  { id: string; input: { displayName?: string; roles?: Role[]; unitId?: string } }
>(`mutation AdminUpdateAccount($id: ID!, $input: UpdateAccountInput!) { updateAccount(id: $id, input: $input) { ${ACCOUNT} } }`);

export const DISABLE_ACCOUNT = typed<{ disableAccount: AdminAccount }, { id: string }>(
  `mutation AdminDisableAccount($id: ID!) { disableAccount(id: $id) { ${ACCOUNT} } }`,
);

export const ENABLE_ACCOUNT = typed<{ enableAccount: AdminAccount }, { id: string }>(
  `mutation AdminEnableAccount($id: ID!) { enableAccount(id: $id) { ${ACCOUNT} } }`,
);

export const RESET_PASSWORD = typed<{ resetPassword: Credentials }, { id: string }>(
  `mutation AdminResetPassword($id: ID!) { resetPassword(id: $id) { temporaryPassword account { ${ACCOUNT} } } }`,
);

// ——— Audit ———

export interface AuditItem {
  id: string;
  at: string;
  action: string;
  entityType: string;
  entityId: string | null;
  actorAccountId: string | null;
  actorUsername: string | null;
  actorUnit: { id: string; name: string } | null;
  before: unknown;
  after: unknown;
}

export interface AuditFilter {
  actions?: string[] | null;
  entityType?: string | null;
  entityId?: string | null;
  actorAccountId?: string | null;
  from?: string | null;
  to?: string | null;
}

export const AUDIT_EVENTS = typed<{ auditEvents: Page<AuditItem> }, { filter: AuditFilter; after: string | null }>(
  `query AdminAuditEvents($filter: AuditEventFilter, $after: String) {
  auditEvents(filter: $filter, first: 30, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id at action entityType entityId actorAccountId actorUsername actorUnit { id name } before after }
  }
}`,
);

// ——— Evaluation ———

export type Rating = 'DONE_WELL' | 'DONE' | 'NOT_DONE';
export const RATINGS: Rating[] = ['DONE_WELL', 'DONE', 'NOT_DONE'];

export interface RateableTask {
  id: string;
  title: string;
  dueOn: string | null;
  status: string;
  progress: number;
  leadUnit: { id: string; name: string };
}

export interface Evaluation {
  id: string;
  period: string;
  rating: Rating;
  comment: string | null;
  updatedAt: string;
  task: { id: string; title: string; leadUnit: { id: string; name: string } };
}

export interface UnitScore {
  doneWell: number;
  done: number;
  notDone: number;
  rated: number;
  ratingScore: number | null;
  onTimeRate: number | null;
  ratingWeight: number;
  onTimeWeight: number;
  score: number | null;
  formula: string;
}

export interface RankedUnit {
  rank: number;
  own: boolean;
  unit: { id: string; name: string; kind: string };
  score: UnitScore;
}

const SCORE = 'doneWell done notDone rated ratingScore onTimeRate ratingWeight onTimeWeight score formula';

export const EVALUATION = typed<
  {
    tasks: Page<RateableTask>;
    evaluations: Page<Evaluation>;
    unitRanking: RankedUnit[];
  },
  { resolutionId: string | null; period: string; after: string | null }
>(`query AdminEvaluation($resolutionId: ID, $period: String!, $after: String) {
  tasks(filter: { resolutionId: $resolutionId }, first: 50, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id title dueOn status progress leadUnit { id name } }
  }
  evaluations(resolutionId: $resolutionId, period: $period, first: 200) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id period rating comment updatedAt task { id title leadUnit { id name } } }
  }
  unitRanking(resolutionId: $resolutionId, period: $period) { rank own unit { id name kind } score { ${SCORE} } }
}`);

/** The rest of a period's ratings, when there are more than one page. */
export const EVALUATIONS = typed<
  { evaluations: Page<Evaluation> },
  { resolutionId: string | null; period: string; after: string | null }
>(`query AdminEvaluations($resolutionId: ID, $period: String!, $after: String) {
  evaluations(resolutionId: $resolutionId, period: $period, first: 200, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id period rating comment updatedAt task { id title leadUnit { id name } } }
  }
}`);

export const RESOLUTIONS = typed<{ resolutions: Resolution[] }, Record<string, never>>(
  `query AdminResolutions { resolutions { id code titleVi titleEn } }`,
);

export const EVALUATE_TASK = typed<
  { evaluateTask: { id: string; period: string; rating: Rating; comment: string | null; updatedAt: string } },
  { input: { taskId: string; period: string; rating: Rating; comment: string | null } }
>(`mutation AdminEvaluateTask($input: EvaluateTaskInput!) {
  evaluateTask(input: $input) { id period rating comment updatedAt }
}`);

// ——— Printed report ———

const SUMMARY = `total completionRate onTimeRate averageProgress byStatus { status count }
  indicators { count withValue achieved averageAchievement }`;

export interface ReportWarning {
  id: string;
  kind: string;
  severity: number;
  messageVi: string;
  messageEn: string;
  unit: { id: string; name: string };
  task: { id: string; title: string };
}

export const PRINT_REPORT = typed<
  {
    unit: { id: string; name: string; kind: string };
    analyticsSummary: Summary;
    analyticsByChild: UnitRow[];
    warnings: Page<ReportWarning>;
    warningCounts: { kind: string; count: number }[];
    warningsAsOf: string | null;
    unitRanking: RankedUnit[];
    resolutions: Resolution[];
  },
  { unitId: string; resolutionId: string | null }
>(`query AdminPrintReport($unitId: ID!, $resolutionId: ID) {
  unit(id: $unitId) { id name kind }
  analyticsSummary(unitId: $unitId, resolutionId: $resolutionId) { ${SUMMARY} }
  analyticsByChild(unitId: $unitId, resolutionId: $resolutionId) { own unit { id name kind } summary { ${SUMMARY} } }
  warningCounts(unitId: $unitId, resolutionId: $resolutionId) { kind count }
  warningsAsOf(unitId: $unitId, resolutionId: $resolutionId)
  warnings(unitId: $unitId, resolutionId: $resolutionId, first: 30) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id kind severity messageVi messageEn unit { id name } task { id title } }
  }
  unitRanking(unitId: $unitId, resolutionId: $resolutionId) { rank own unit { id name kind } score { ${SCORE} } }
  resolutions { id code titleVi titleEn }
}`);

/** Every document above, for the test that checks them against the schema. */
export const ADMIN_DOCUMENTS = {
  MY_UNIT,
  UNIT_CHILDREN,
  CREATE_UNIT,
  UPDATE_UNIT,
  MOVE_UNIT,
  DEACTIVATE_UNIT,
  REACTIVATE_UNIT,
  UNIT_OPTIONS,
  ACCOUNTS,
  CREATE_ACCOUNT,
  UPDATE_ACCOUNT,
  DISABLE_ACCOUNT,
  ENABLE_ACCOUNT,
  RESET_PASSWORD,
  AUDIT_EVENTS,
  EVALUATION,
  EVALUATIONS,
  RESOLUTIONS,
  EVALUATE_TASK,
  PRINT_REPORT,
};
