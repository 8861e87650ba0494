import { Role } from '../../../src/modules/accounts/role.js';
import { lineOfCommand, onlyRoles, type MatrixEntry } from './matrix.js';

/** The committee's review queue, the decomposition screen's unit picker and task tree. */
export const entries: MatrixEntry[] = [
  {
    // Leaders only; the unit filter must be a unit the viewer can see.
    operation: 'Query.reviewQueue',
    document: `query($unitId: ID) { reviewQueue(unitId: $unitId) { totalCount nodes { id } } }`,
    variables: (fx) => ({ unitId: fx.units.unit.id }),
    expect: onlyRoles([Role.LEADER], lineOfCommand),
  },
  {
    operation: 'Query.units',
    document: `query($unitId: ID) { units(unitId: $unitId, search: "a") { totalCount nodes { id } } }`,
    variables: (fx) => ({ unitId: fx.units.unit.id }),
    expect: lineOfCommand,
  },
];
