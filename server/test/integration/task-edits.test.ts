import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/common/errors.js';
import { Role } from '../../src/modules/accounts/role.js';
import { AuditEvent } from '../../src/modules/audit/audit-event.entity.js';
import { Task } from '../../src/modules/tasks/task.entity.js';
import { TaskHistory } from '../../src/modules/tasks/task-history.entity.js';
import { buildAccount, buildTask, buildTree, tokenFor, viewerOf } from '../support/factories.js';
import { createTestApp, errorCode, ok, type TestApp } from '../support/test-app.js';

let t: TestApp;
let tree: Awaited<ReturnType<typeof buildTree>>;

beforeAll(async () => {
  t = await createTestApp();
  tree = await buildTree(t.em());
});
afterAll(() => t.close());

const UPDATE = `mutation($input: UpdateTaskInput!) { updateTask(input: $input) { id version title responsiblePerson dueOn } }`;

const stored = (id: string) => t.em().findOneOrFail(Task, { id });

describe('updateTask', () => {
  it('lets the lead unit’s focal officer fill in the person, the result and the description', async () => {
    const task = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell, responsiblePerson: null });
    const { token } = await tokenFor(t, tree.cell, [Role.FOCAL]);
    const res = ok(
      await t.gql<{ updateTask: { version: number; responsiblePerson: string } }>(
        UPDATE,
        { input: { id: task.id, baseVersion: 1, responsiblePerson: 'Nguyễn Văn An', expectedResult: 'Biên bản nghiệm thu' } },
        token,
      ),
    );
    expect(res.updateTask).toMatchObject({ version: 2, responsiblePerson: 'Nguyễn Văn An' });
    expect((await stored(task.id)).expectedResult).toBe('Biên bản nghiệm thu');
    const history = await t.em().find(TaskHistory, { task: task.id });
    expect(history.map((h) => h.kind)).toEqual(['UPDATED']);
    expect(history[0]!.before).toEqual({ responsiblePerson: null, expectedResult: 'Báo cáo kết quả' });
    expect(await t.em().count(AuditEvent, { action: 'task.update', entityId: task.id })).toBe(1);
  });

  it('refuses the lead unit a change of title or dates, and changes nothing', async () => {
    const task = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell });
    const { token } = await tokenFor(t, tree.cell, [Role.FOCAL]);
    const res = await t.gql(UPDATE, { input: { id: task.id, baseVersion: 1, title: 'Tên khác' } }, token);
    expect(errorCode(res)).toBe('FORBIDDEN');
    expect((await stored(task.id)).title).toBe(task.title);
  });

  it('lets the assigner unit’s focal officer change every field', async () => {
    const task = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell });
    const { token } = await tokenFor(t, tree.commune, [Role.FOCAL]);
    const res = ok(
      await t.gql<{ updateTask: { title: string; dueOn: string } }>(
        UPDATE,
        { input: { id: task.id, baseVersion: 1, title: 'Tên mới', dueOn: '2031-01-01', priority: 'HIGH', weight: 2 } },
        token,
      ),
    );
    expect(res.updateTask).toMatchObject({ title: 'Tên mới', dueOn: '2031-01-01' });
    expect(await stored(task.id)).toMatchObject({ priority: 'HIGH', weight: 2, version: 2 });
  });

  it('answers a stale version with CONFLICT and the current task, changing nothing', async () => {
    const task = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell });
    const { token } = await tokenFor(t, tree.cell, [Role.FOCAL]);
    ok(await t.gql(UPDATE, { input: { id: task.id, baseVersion: 1, responsiblePerson: 'Trần Thị Bình' } }, token));
    const res = await t.gql(UPDATE, { input: { id: task.id, baseVersion: 1, responsiblePerson: 'Lê Văn Cường' } }, token);
    expect(errorCode(res)).toBe('CONFLICT');
    const current = res.errors![0]!.extensions!.current as Record<string, unknown>;
    expect(current).toMatchObject({ id: task.id, version: 2, responsiblePerson: 'Trần Thị Bình', status: 'NOT_STARTED' });
    expect((await stored(task.id)).responsiblePerson).toBe('Trần Thị Bình');
  });

  it('throws ConflictError with the current task to a direct caller', async () => {
    const task = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell });
    const focal = await buildAccount(t.em(), tree.cell, [Role.FOCAL]);
    const error = await t.app.services.tasks
      .update(t.em(), viewerOf(focal, tree.cell), { id: task.id, baseVersion: 7, description: 'x' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).extensions.current).toMatchObject({ id: task.id, version: 1 });
  });

  it('answers a task outside the subtree with NOT_FOUND and a reader without FOCAL with FORBIDDEN', async () => {
    const hidden = await buildTask(t.em(), { assigner: tree.commune, lead: tree.siblingCell });
    const { token } = await tokenFor(t, tree.cell, [Role.FOCAL]);
    expect(errorCode(await t.gql(UPDATE, { input: { id: hidden.id, baseVersion: 1, description: 'x' } }, token))).toBe(
      'NOT_FOUND',
    );
    const { token: reporter } = await tokenFor(t, tree.siblingCell, [Role.REPORTER]);
    expect(errorCode(await t.gql(UPDATE, { input: { id: hidden.id, baseVersion: 1, description: 'x' } }, reporter))).toBe(
      'FORBIDDEN',
    );
    expect((await stored(hidden.id)).version).toBe(1);
  });

  it('refuses a sub-task due after its parent unless allowed', async () => {
    const parent = await buildTask(t.em(), { assigner: tree.province, lead: tree.commune, dueOn: '2030-06-30' });
    const child = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell, parent, dueOn: '2030-06-01' });
    const { token } = await tokenFor(t, tree.commune, [Role.FOCAL]);
    const late = await t.gql(UPDATE, { input: { id: child.id, baseVersion: 1, dueOn: '2030-07-15' } }, token);
    expect(errorCode(late)).toBe('BAD_USER_INPUT');
    expect(late.errors![0]!.extensions!.field).toBe('dueOn');
    ok(await t.gql(UPDATE, { input: { id: child.id, baseVersion: 1, dueOn: '2030-07-15', allowLaterThanParent: true } }, token));
    expect((await stored(child.id)).dueOn).toBe('2030-07-15');
  });
});
