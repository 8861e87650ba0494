import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDay } from '../../src/common/dates.js';
import { Role } from '../../src/modules/accounts/role.js';
import { AuditEvent } from '../../src/modules/audit/audit-event.entity.js';
import { Notification, NotificationKind } from '../../src/modules/notifications/notification.entity.js';
import { buildTask, buildTree, tokenFor } from '../support/factories.js';
import { createTestApp, errorCode, ok, type TestApp } from '../support/test-app.js';

let t: TestApp;
let tree: Awaited<ReturnType<typeof buildTree>>;

beforeAll(async () => {
  t = await createTestApp();
  tree = await buildTree(t.em());
});
afterAll(() => t.close());

const LIST = `query($unreadOnly: Boolean) { notifications(unreadOnly: $unreadOnly) { totalCount nodes { id kind message readAt taskId } } unreadNotificationCount }`;
const MARK = `mutation($id: ID!) { markNotificationRead(id: $id) { id readAt } }`;

interface Listed {
  notifications: {
    totalCount: number;
    nodes: { id: string; kind: string; message: string; readAt: string | null; taskId: string }[];
  };
  unreadNotificationCount: number;
}

describe('notifications', () => {
  it('tells the lead unit of a due-soon task once, and lets each account mark its own read', async () => {
    const em = t.em();
    const task = await buildTask(em, { assigner: tree.commune, lead: tree.siblingCell, dueOn: addDays(localDay(), 3) });
    const { token, account } = await tokenFor(t, tree.siblingCell, [Role.REPORTER]);
    const { token: stranger } = await tokenFor(t, tree.cell, [Role.REPORTER]);
    await t.app.services.notifications.sweepDueSoon(t.em(), localDay(), 7);
    await t.app.services.notifications.sweepDueSoon(t.em(), localDay(), 7);
    const before = ok(await t.gql<Listed>(LIST, { unreadOnly: true }, token));
    const mine = before.notifications.nodes.filter((n) => n.taskId === task.id);
    expect(mine.map((n) => n.kind)).toEqual([NotificationKind.TASK_DUE_SOON]);
    expect(before.unreadNotificationCount).toBe(before.notifications.totalCount);

    expect(errorCode(await t.gql(MARK, { id: mine[0]!.id }, stranger))).toBe('NOT_FOUND');
    expect(errorCode(await t.gql(MARK, { id: randomUUID() }, token))).toBe('NOT_FOUND');
    const read = ok(await t.gql<{ markNotificationRead: { readAt: string } }>(MARK, { id: mine[0]!.id }, token));
    expect(read.markNotificationRead.readAt).toBeTruthy();
    const again = ok(await t.gql<{ markNotificationRead: { readAt: string } }>(MARK, { id: mine[0]!.id }, token));
    expect(again.markNotificationRead.readAt).toBe(read.markNotificationRead.readAt);
    const after = ok(await t.gql<Listed>(LIST, { unreadOnly: true }, token));
    expect(after.unreadNotificationCount).toBe(before.unreadNotificationCount - 1);
    expect(await t.em().count(AuditEvent, { action: 'notification.read', entityId: mine[0]!.id })).toBe(1);
    expect(await t.em().count(Notification, { account: account.id, task: task.id })).toBe(1);
  });

  it('sends no due-soon notice for a task due beyond the window', async () => {
    const em = t.em();
    const far = await buildTask(em, { assigner: tree.commune, lead: tree.cell, dueOn: addDays(localDay(), 60) });
    await t.app.services.notifications.sweepDueSoon(t.em(), localDay(), 7);
    expect(await t.em().count(Notification, { task: far.id })).toBe(0);
  });
});
