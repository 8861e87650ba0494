import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../src/modules/accounts/role.js';
import { Unit } from '../../src/modules/organisations/unit.entity.js';
import { ProgressReport } from '../../src/modules/reports/progress-report.entity.js';
import { Task } from '../../src/modules/tasks/task.entity.js';
import { buildAccount, buildReport, buildTask, buildTree, buildUnit, tokenFor } from '../support/factories.js';
import { createTestApp, errorCode, ok, type TestApp } from '../support/test-app.js';

let t: TestApp;
let tree: Awaited<ReturnType<typeof buildTree>>;
let admin: string;

beforeAll(async () => {
  t = await createTestApp();
  tree = await buildTree(t.em());
  admin = (await tokenFor(t, tree.province, [Role.ADMIN, Role.FOCAL, Role.REPORTER])).token;
});
afterAll(() => t.close());

const CREATE = `mutation($input: CreateUnitInput!) { createUnit(input: $input) { id code name kind depth parent { id } } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateUnitInput!) { updateUnit(id: $id, input: $input) { id name kind } }`;
const MOVE = `mutation($id: ID!, $to: ID!) { moveUnit(id: $id, newParentId: $to) { id depth parent { id } } }`;
const DEACTIVATE = `mutation($id: ID!) { deactivateUnit(id: $id) { id active } }`;

const reload = (id: string) => t.em().findOneOrFail(Unit, { id });

describe('createUnit and updateUnit', () => {
  it('creates a unit below the admin, with its path under its parent', async () => {
    const res = ok(
      await t.gql<{ createUnit: { id: string; depth: number; parent: { id: string } } }>(
        CREATE,
        { input: { parentId: tree.commune.id, code: 'CB-TDP9', name: 'Chi bộ Tổ dân phố 9', kind: 'cell' } },
        admin,
      ),
    ).createUnit;
    const unit = await reload(res.id);
    expect(unit.path.startsWith(tree.commune.path)).toBe(true);
    expect(unit.kind).toBe('CELL');
    expect(res.depth).toBe(tree.commune.depth + 1);
    expect(
      errorCode(
        await t.gql(CREATE, { input: { parentId: tree.commune.id, code: 'CB-TDP9', name: 'Trùng', kind: 'CELL' } }, admin),
      ),
    ).toBe('CONFLICT');
  });

  it('answers NOT_FOUND under a unit outside the subtree', async () => {
    expect(
      errorCode(await t.gql(CREATE, { input: { parentId: tree.otherProvince.id, code: 'X-1', name: 'X', kind: 'CELL' } }, admin)),
    ).toBe('NOT_FOUND');
  });

  it("renames a unit below but not the admin's own unit", async () => {
    expect(
      ok(
        await t.gql<{ updateUnit: { name: string } }>(
          UPDATE,
          { id: tree.siblingCommune.id, input: { name: 'Phường Lang Biang mới' } },
          admin,
        ),
      ).updateUnit.name,
    ).toBe('Phường Lang Biang mới');
    expect(errorCode(await t.gql(UPDATE, { id: tree.province.id, input: { name: 'Tỉnh khác' } }, admin))).toBe('FORBIDDEN');
    expect(errorCode(await t.gql(UPDATE, { id: tree.otherCommune.id, input: { name: 'X' } }, admin))).toBe('NOT_FOUND');
  });
});

describe('moveUnit', () => {
  it('re-paths the whole subtree, the tasks and the reports in one go', async () => {
    const em = t.em();
    const ward = await buildUnit(em, { parent: tree.commune, kind: 'WARD' });
    const cell = await buildUnit(em, { parent: ward, kind: 'CELL' });
    const reporter = await buildAccount(em, cell, [Role.REPORTER]);
    const inside = await buildTask(em, { assigner: ward, lead: cell });
    const fromAbove = await buildTask(em, { assigner: tree.province, lead: cell });
    const report = await buildReport(em, inside, reporter);

    const moved = ok(
      await t.gql<{ moveUnit: { depth: number; parent: { id: string } } }>(
        MOVE,
        { id: ward.id, to: tree.siblingCommune.id },
        admin,
      ),
    ).moveUnit;
    expect(moved.parent.id).toBe(tree.siblingCommune.id);

    const newWard = await reload(ward.id);
    const newCell = await reload(cell.id);
    expect(newWard.path).toBe(`${tree.siblingCommune.path}${ward.seq.toString(36)}/`);
    expect(newCell.path).toBe(`${newWard.path}${cell.seq.toString(36)}/`);
    expect(newCell.depth).toBe(newWard.depth + 1);
    const check = t.em();
    const [a, b] = [await check.findOneOrFail(Task, { id: inside.id }), await check.findOneOrFail(Task, { id: fromAbove.id })];
    expect([a.assignerUnitPath, a.leadUnitPath]).toEqual([newWard.path, newCell.path]);
    expect([b.assignerUnitPath, b.leadUnitPath]).toEqual([tree.province.path, newCell.path]);
    expect((await check.findOneOrFail(ProgressReport, { id: report.id })).unitPath).toBe(newCell.path);
    // The cell's people now see through the new path: the task is still theirs.
    const session = await t.app.services.auth.startSession(t.em(), reporter);
    expect(
      ok(
        await t.gql<{ task: { id: string } }>(`query($id: ID!) { task(id: $id) { id } }`, { id: inside.id }, session.accessToken),
      ).task.id,
    ).toBe(inside.id);
  });

  it('refuses to move a unit under itself or under one of its own units', async () => {
    const ward = await buildUnit(t.em(), { parent: tree.commune });
    const below = await buildUnit(t.em(), { parent: ward });
    for (const to of [ward, below]) {
      const res = await t.gql(MOVE, { id: ward.id, to: to.id }, admin);
      expect(errorCode(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0]!.extensions!.field).toBe('newParentId');
    }
    expect((await reload(ward.id)).path).toBe(ward.path);
  });

  it("refuses with CONFLICT, changing nothing, when a task would leave its assigner's subtree", async () => {
    const em = t.em();
    const ward = await buildUnit(em, { parent: tree.commune });
    const cell = await buildUnit(em, { parent: ward });
    const task = await buildTask(em, { assigner: tree.commune, lead: cell, title: 'Số hoá hồ sơ' });
    const res = await t.gql(MOVE, { id: ward.id, to: tree.siblingCommune.id }, admin);
    expect(errorCode(res)).toBe('CONFLICT');
    expect(res.errors![0]!.message).toContain('Số hoá hồ sơ');
    expect((await reload(cell.id)).path).toBe(cell.path);
    expect((await t.em().findOneOrFail(Task, { id: task.id })).leadUnitPath).toBe(cell.path);
  });

  it('answers NOT_FOUND for a unit or a new parent outside the subtree, FORBIDDEN for its own unit', async () => {
    const ward = await buildUnit(t.em(), { parent: tree.commune });
    expect(errorCode(await t.gql(MOVE, { id: ward.id, to: tree.otherProvince.id }, admin))).toBe('NOT_FOUND');
    expect(errorCode(await t.gql(MOVE, { id: tree.otherCommune.id, to: tree.commune.id }, admin))).toBe('NOT_FOUND');
    expect(errorCode(await t.gql(MOVE, { id: tree.province.id, to: tree.commune.id }, admin))).toBe('FORBIDDEN');
  });

  it('records the move for the old and the new line of command', async () => {
    const ward = await buildUnit(t.em(), { parent: tree.commune });
    ok(await t.gql(MOVE, { id: ward.id, to: tree.siblingCommune.id }, admin));
    const events = await t
      .em()
      .getConnection()
      .execute<{ actor_unit_path: string; before: { path: string }; after: { path: string } }[]>(
        `select actor_unit_path, before, after from audit_event where entity_id = ? and action = 'unit.moved' order by id`,
        [ward.id],
      );
    const moved = await reload(ward.id);
    expect(events.map((e) => e.actor_unit_path)).toEqual([moved.path, tree.commune.path]);
    expect(events[0]!.before.path).toBe(ward.path);
    expect(events[0]!.after.path).toBe(moved.path);
  });
});

describe('deactivateUnit', () => {
  it('refuses while active units or enabled accounts remain, then deactivates', async () => {
    const em = t.em();
    const ward = await buildUnit(em, { parent: tree.commune });
    const cell = await buildUnit(em, { parent: ward });
    const person = await buildAccount(em, ward, [Role.REPORTER]);
    const blockedByUnit = await t.gql(DEACTIVATE, { id: ward.id }, admin);
    expect(errorCode(blockedByUnit)).toBe('CONFLICT');
    expect(blockedByUnit.errors![0]!.message).toMatch(/active unit/);
    ok(await t.gql(DEACTIVATE, { id: cell.id }, admin));
    const blockedByAccount = await t.gql(DEACTIVATE, { id: ward.id }, admin);
    expect(blockedByAccount.errors![0]!.message).toMatch(/enabled account/);
    ok(await t.gql(`mutation($id: ID!) { disableAccount(id: $id) { id } }`, { id: person.id }, admin));
    expect(
      ok(await t.gql<{ deactivateUnit: { active: boolean } }>(DEACTIVATE, { id: ward.id }, admin)).deactivateUnit.active,
    ).toBe(false);
  });
});

describe('reactivateUnit', () => {
  const REACTIVATE = `mutation($id: ID!) { reactivateUnit(id: $id) { id active } }`;
  const CHILDREN = `query($id: ID!) { unit(id: $id) { children { id } } }`;

  it('re-activates a deactivated unit, audited, and it takes new units again', async () => {
    const ward = await buildUnit(t.em(), { parent: tree.commune });
    ok(await t.gql(DEACTIVATE, { id: ward.id }, admin));
    const underDeactivated = await t.gql(
      CREATE,
      { input: { parentId: ward.id, code: 'RE-1', name: 'Chi bộ mới', kind: 'CELL' } },
      admin,
    );
    expect(errorCode(underDeactivated)).toBe('BAD_USER_INPUT');

    const res = ok(await t.gql<{ reactivateUnit: { active: boolean } }>(REACTIVATE, { id: ward.id }, admin));
    expect(res.reactivateUnit.active).toBe(true);
    expect((await reload(ward.id)).active).toBe(true);
    const listed = ok(await t.gql<{ unit: { children: { id: string }[] } }>(CHILDREN, { id: tree.commune.id }, admin));
    expect(listed.unit.children.map((c) => c.id)).toContain(ward.id);
    ok(await t.gql(CREATE, { input: { parentId: ward.id, code: 'RE-1', name: 'Chi bộ mới', kind: 'CELL' } }, admin));

    const events = await t
      .em()
      .getConnection()
      .execute<{ action: string; before: { active: boolean }; after: { active: boolean } }[]>(
        `select action, before, after from audit_event where entity_id = ? and action like 'unit.%activated' order by id`,
        [ward.id],
      );
    expect(events.map((e) => [e.action, e.before.active, e.after.active])).toEqual([
      ['unit.deactivated', true, false],
      ['unit.reactivated', false, true],
    ]);
  });

  it('refuses an active unit and a unit under a deactivated parent, changing nothing', async () => {
    const ward = await buildUnit(t.em(), { parent: tree.commune });
    const cell = await buildUnit(t.em(), { parent: ward });
    expect(errorCode(await t.gql(REACTIVATE, { id: cell.id }, admin))).toBe('CONFLICT');
    ok(await t.gql(DEACTIVATE, { id: cell.id }, admin));
    ok(await t.gql(DEACTIVATE, { id: ward.id }, admin));
    const blocked = await t.gql(REACTIVATE, { id: cell.id }, admin);
    expect(errorCode(blocked)).toBe('CONFLICT');
    expect(blocked.errors![0]!.message).toMatch(/unit above/);
    expect((await reload(cell.id)).active).toBe(false);
    ok(await t.gql(REACTIVATE, { id: ward.id }, admin));
    ok(await t.gql(REACTIVATE, { id: cell.id }, admin));
    expect((await reload(cell.id)).active).toBe(true);
  });

  it("answers NOT_FOUND outside the subtree and FORBIDDEN for the admin's own unit", async () => {
    const far = await buildUnit(t.em(), { parent: tree.otherProvince });
    await t.em().nativeUpdate(Unit, { id: far.id }, { active: false });
    expect(errorCode(await t.gql(REACTIVATE, { id: far.id }, admin))).toBe('NOT_FOUND');
    expect((await reload(far.id)).active).toBe(false);
    expect(errorCode(await t.gql(REACTIVATE, { id: tree.province.id }, admin))).toBe('FORBIDDEN');
  });
});
