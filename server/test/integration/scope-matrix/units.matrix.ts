import { Role } from '../../../src/modules/accounts/role.js';
import { Unit } from '../../../src/modules/organisations/unit.entity.js';
import { lineOfCommand, onlyRoles, type MatrixEntry } from './matrix.js';

const adminInLine = onlyRoles([Role.ADMIN], lineOfCommand);

/** Unit management: always on a new unit below the fixture's unit, so each call starts alike. */
export const entries: MatrixEntry[] = [
  {
    operation: 'Mutation.createUnit',
    document: `mutation($input: CreateUnitInput!) { createUnit(input: $input) { id } }`,
    variables: (fx) => ({ input: { parentId: fx.units.unit.id, code: fx.unique('MT'), name: 'Chi bộ ma trận', kind: 'CELL' } }),
    expect: adminInLine,
  },
  {
    operation: 'Mutation.updateUnit',
    document: `mutation($id: ID!) { updateUnit(id: $id, input: { name: "Tên mới" }) { id } }`,
    variables: async (fx) => ({ id: (await fx.newUnit(fx.units.unit)).id }),
    expect: adminInLine,
  },
  {
    // From below the child up to the unit: the child's admin manages the unit moved but not its new parent.
    operation: 'Mutation.moveUnit',
    document: `mutation($id: ID!, $to: ID!) { moveUnit(id: $id, newParentId: $to) { id } }`,
    variables: async (fx) => ({ id: (await fx.newUnit(fx.units.child)).id, to: fx.units.unit.id }),
    expect: adminInLine,
  },
  {
    operation: 'Mutation.deactivateUnit',
    document: `mutation($id: ID!) { deactivateUnit(id: $id) { id } }`,
    variables: async (fx) => ({ id: (await fx.newUnit(fx.units.unit)).id }),
    expect: adminInLine,
  },
  {
    operation: 'Mutation.reactivateUnit',
    document: `mutation($id: ID!) { reactivateUnit(id: $id) { id } }`,
    variables: async (fx) => {
      const unit = await fx.newUnit(fx.units.unit);
      const em = fx.em();
      await em.nativeUpdate(Unit, { id: unit.id }, { active: false });
      return { id: unit.id };
    },
    expect: adminInLine,
  },
];
