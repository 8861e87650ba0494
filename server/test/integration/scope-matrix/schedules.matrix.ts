import { lineOfCommand, type MatrixEntry } from './matrix.js';

/**
 * Periodic reporting (issue 17, part 2). The schedule itself travels in createTask/updateTask
 * (workflow.matrix.ts covers their scope); the compliance figures of the fixture's unit are read
 * by its own line of command, and every other unit answers NOT_FOUND, whatever the role.
 */
export const entries: MatrixEntry[] = [
  {
    operation: 'Query.reportingCompliance',
    document: `query($unitId: ID, $resolutionId: ID) {
      reportingCompliance(unitId: $unitId, resolutionId: $resolutionId) { total { due } byUnit { own } problems { periodKey } }
    }`,
    variables: (fx) => ({ unitId: fx.units.unit.id, resolutionId: fx.resolution.id }),
    expect: lineOfCommand,
  },
];
