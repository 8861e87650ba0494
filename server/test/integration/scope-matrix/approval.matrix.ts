import { Role } from '../../../src/modules/accounts/role.js';
import { buildTask } from '../../support/factories.js';
import { lineOfCommand, type MatrixEntry, type Outcome, type Position } from './matrix.js';

/** Approval levels (docs/WORKFLOW.md): the task's setting and the committee's pipeline figures. */
export const entries: MatrixEntry[] = [
  {
    // As the other assigner-only edits: the assigning unit's focal officers; visible to the task's line and its lead.
    operation: 'Mutation.setTaskApprovalLevels',
    document: `mutation($input: SetTaskApprovalLevelsInput!) { setTaskApprovalLevels(input: $input) { id } }`,
    variables: async (fx) => ({
      input: {
        id: (await buildTask(fx.em(), { assigner: fx.units.unit, lead: fx.units.child })).id,
        baseVersion: 1,
        approvalLevels: 2,
        reason: 'Nhiệm vụ trọng điểm',
      },
    }),
    expect: (role: Role, position: Position): Outcome =>
      !['unit', 'parent', 'child'].includes(position)
        ? 'NOT_FOUND'
        : role === Role.FOCAL && position === 'unit'
          ? 'ALLOW'
          : 'FORBIDDEN',
  },
  {
    operation: 'Query.approvalPipeline',
    document: `query($unitId: ID, $resolutionId: ID) { approvalPipeline(unitId: $unitId, resolutionId: $resolutionId) { approvedNotFinal } }`,
    variables: (fx) => ({ unitId: fx.units.unit.id, resolutionId: fx.resolution.id }),
    expect: lineOfCommand,
  },
];
