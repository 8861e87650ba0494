/**
 * The scope matrix: every Query and Mutation field of the schema, run as every role at five
 * positions around one unit, with the exact outcome each must give. The runner
 * (../scope-matrix.test.ts) fails when an operation of the schema has no entry here.
 *
 * To add an operation: put one `MatrixEntry` in a `*.matrix.ts` file of this folder (a new file
 * per area is best, e.g. `review.matrix.ts`), exporting `entries`. It is picked up on its own.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Account } from '../../../src/modules/accounts/account.entity.js';
import { Role } from '../../../src/modules/accounts/role.js';
import type { Unit } from '../../../src/modules/organisations/unit.entity.js';
import type { ActionPlan } from '../../../src/modules/plans/action-plan.entity.js';
import type { ProgressReport } from '../../../src/modules/reports/progress-report.entity.js';
import type { Resolution } from '../../../src/modules/resolutions/resolution.entity.js';
import type { Task } from '../../../src/modules/tasks/task.entity.js';
import type { TestApp } from '../../support/test-app.js';

/**
 * Where the viewer's unit sits relative to the fixture's unit, which owns the data under test:
 * the unit itself, its parent, its child, its sibling (same parent), a unit of another province.
 */
export type Position = 'unit' | 'parent' | 'child' | 'sibling' | 'otherProvince';
export const POSITIONS: Position[] = ['unit', 'parent', 'child', 'sibling', 'otherProvince'];
export const ROLES: Role[] = [Role.ADMIN, Role.LEADER, Role.FOCAL, Role.REPORTER, Role.VIEWER];

/** ALLOW means the call answered without any error; otherwise the expected `extensions.code`. */
export type Outcome = 'ALLOW' | 'FORBIDDEN' | 'NOT_FOUND' | 'UNAUTHENTICATED' | 'PASSWORD_CHANGE_REQUIRED';

/** The data every entry can use: the tree, one of each record at `units.unit`, and builders. */
export interface Fixture {
  t: TestApp;
  units: Record<Position, Unit>;
  resolution: Resolution;
  /** Owned by `units.unit`. */
  plan: ActionPlan;
  /** Assigned by `units.unit` to itself. */
  task: Task;
  /** Written by `units.unit` on `task`. */
  report: ProgressReport;
  /** A REPORTER account at `units.unit`. */
  account: Account;
  /** A new EntityManager. */
  em(): EntityManager;
  /** A new account at `unit` whose password is PASSWORD (see support/auth-helpers). */
  newAccount(unit: Unit, roles?: Role[]): Promise<Account>;
  /** A new unit below `parent`. */
  newUnit(parent: Unit): Promise<Unit>;
  /** A value no other call of this run has used (usernames, codes). */
  unique(prefix: string): string;
}

/** Who runs one call: a single-role account at a position. */
export interface MatrixViewer {
  role: Role;
  position: Position;
  unit: Unit;
  account: Account;
}

export interface MatrixEntry {
  /** `Query.<field>` or `Mutation.<field>`, as in the schema. */
  operation: string;
  /** The GraphQL document, calling only this operation. */
  document: string;
  /**
   * Variables for one call. Mutations should build a fresh target on each call, so that one
   * viewer's success never changes what the next viewer sees.
   */
  variables?: (fx: Fixture, viewer: MatrixViewer) => Record<string, unknown> | Promise<Record<string, unknown>>;
  /** The exact outcome for each role at each position. */
  expect: (role: Role, position: Position) => Outcome;
  /** The outcome with no token at all; UNAUTHENTICATED when omitted. */
  anonymous?: Outcome;
  /** Run as a new account with the same role and position (for calls that end or change the viewer's own sign-in). */
  freshViewer?: boolean;
}

// Building blocks for `expect`.

/** Every signed-in account may call it. */
export const anyone = (): Outcome => 'ALLOW';

/** Allowed from these positions; NOT_FOUND elsewhere, whatever the role. */
export const from =
  (...positions: Position[]) =>
  (_role: Role, position: Position): Outcome =>
    positions.includes(position) ? 'ALLOW' : 'NOT_FOUND';

/** FORBIDDEN for roles outside `roles`; for those, `then` decides. */
export const onlyRoles =
  (roles: Role[], then: (role: Role, position: Position) => Outcome) =>
  (role: Role, position: Position): Outcome =>
    roles.includes(role) ? then(role, position) : 'FORBIDDEN';

/** Data owned by the fixture's unit: visible to it and to the units above it. */
export const lineOfCommand = from('unit', 'parent');
