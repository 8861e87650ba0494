import { Role } from '../../../src/modules/accounts/role.js';
import { lineOfCommand, onlyRoles, type MatrixEntry } from './matrix.js';

/** The audit trail: admins and leaders, in their subtree. */
export const entries: MatrixEntry[] = [
  {
    operation: 'Query.auditEvents',
    document: `query($unitId: ID) { auditEvents(filter: { unitId: $unitId }) { totalCount } }`,
    variables: (fx) => ({ unitId: fx.units.unit.id }),
    expect: onlyRoles([Role.ADMIN, Role.LEADER], lineOfCommand),
  },
];
