import { randomUUID } from 'node:crypto';
import { addDays, localDay } from '../../../src/common/dates.js';
import { Role } from '../../../src/modules/accounts/role.js';
import { buildPlan, buildTask, viewerOf } from '../../support/factories.js';
import { anyone, lineOfCommand, onlyRoles, type Fixture, type MatrixEntry, type Outcome, type Position } from './matrix.js';

/**
 * Deadline-extension requests (docs/WORKFLOW.md "Deadline extensions"): the lead unit asks, the
 * assigning unit decides. Each call works on a fresh task or request.
 */

/** A task the parent assigned to the fixture's unit: the unit asks, the parent decides. */
const assignedToUnit = (fx: Fixture) => buildTask(fx.em(), { assigner: fx.units.parent, lead: fx.units.unit });

/** A pending request on such a task, asked by the unit's reporter. */
async function pendingRequest(fx: Fixture): Promise<string> {
  const task = await assignedToUnit(fx);
  const { request } = await fx.t.app.services.extensions.request(fx.em(), viewerOf(fx.account, fx.units.unit), {
    id: randomUUID(),
    taskId: task.id,
    baseVersion: 1,
    requestedDueOn: addDays(localDay(), 90),
    reason: 'Chờ kinh phí',
  });
  return request.id;
}

/** Visible from the unit and its parent; `allowed` decides there, NOT_FOUND elsewhere. */
const seenByLine =
  (allowed: (role: Role, position: Position) => boolean) =>
  (role: Role, position: Position): Outcome =>
    position === 'unit' || position === 'parent' ? (allowed(role, position) ? 'ALLOW' : 'FORBIDDEN') : 'NOT_FOUND';

const decider = seenByLine((role, position) => position === 'parent' && (role === Role.LEADER || role === Role.FOCAL));

export const entries: MatrixEntry[] = [
  {
    operation: 'Query.extensionQueue',
    document: `query($unitId: ID) { extensionQueue(unitId: $unitId) { totalCount nodes { id } } }`,
    variables: (fx) => ({ unitId: fx.units.unit.id }),
    expect: onlyRoles([Role.LEADER, Role.FOCAL], lineOfCommand),
  },
  {
    operation: 'Query.onTimeRules',
    document: `query($r: ID) { onTimeRules(resolutionId: $r) { planId rule } }`,
    variables: (fx) => ({ r: fx.resolution.id }),
    expect: anyone,
  },
  {
    // The lead unit's reporters and focal officers ask; the line above sees the task but may not.
    operation: 'Mutation.requestExtension',
    document: `mutation($input: RequestExtensionInput!) { requestExtension(input: $input) { created } }`,
    variables: async (fx) => ({
      input: {
        taskId: (await assignedToUnit(fx)).id,
        baseVersion: 1,
        requestedDueOn: addDays(localDay(), 90),
        reason: 'Mưa bão',
      },
    }),
    expect: seenByLine((role, position) => position === 'unit' && (role === Role.REPORTER || role === Role.FOCAL)),
  },
  {
    operation: 'Mutation.approveExtension',
    document: `mutation($id: ID!) { approveExtension(id: $id) { id } }`,
    variables: async (fx) => ({ id: await pendingRequest(fx) }),
    expect: decider,
  },
  {
    operation: 'Mutation.refuseExtension',
    document: `mutation($id: ID!) { refuseExtension(id: $id, comment: "Không đủ căn cứ") { id } }`,
    variables: async (fx) => ({ id: await pendingRequest(fx) }),
    expect: decider,
  },
  {
    // The plan's owner unit's focal officers.
    operation: 'Mutation.setOnTimeRule',
    document: `mutation($planId: ID!) { setOnTimeRule(planId: $planId, rule: ORIGINAL) { id } }`,
    variables: async (fx) => ({ planId: (await buildPlan(fx.em(), fx.units.unit)).id }),
    expect: seenByLine((role, position) => position === 'unit' && role === Role.FOCAL),
  },
];
