import webpush from 'web-push';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addDays, localDay } from '../../src/common/dates.js';
import { Role } from '../../src/modules/accounts/role.js';
import { AuditEvent } from '../../src/modules/audit/audit-event.entity.js';
import { PushSubscription } from '../../src/modules/push/push-subscription.entity.js';
import { MAX_ATTEMPTS } from '../../src/modules/push/push-sender.js';
import { buildReport, buildTask, buildTree, tokenFor } from '../support/factories.js';
import { StandInPushService, type Device } from '../support/push-service.js';
import { createTestApp, errorCode, ok, type TestApp } from '../support/test-app.js';

const vapid = { ...webpush.generateVAPIDKeys(), subject: 'mailto:ops@resolute.example' };
const service = new StandInPushService();
let t: TestApp;
let tree: Awaited<ReturnType<typeof buildTree>>;

beforeAll(async () => {
  await service.start();
  t = await createTestApp({ VAPID_SUBJECT: vapid.subject }, { vapid });
  // The tests run the sender's rounds themselves, so each sees its own round's outcome.
  await t.app.push!.stop();
  tree = await buildTree(t.em());
});
afterAll(async () => {
  await t.close();
  await service.stop();
});
beforeEach(() => {
  service.received.length = 0;
  service.refused.length = 0;
});

const REGISTER = `mutation($input: PushSubscriptionInput!) { registerPushSubscription(input: $input) { id createdAt readKey } }`;
const NOTICES = `query($readKey: String!) { pushNotices(readKey: $readKey) { id kind message taskId reportId taskTitle createdAt } }`;
const REQUEST_EXTENSION = `mutation($input: RequestExtensionInput!) { requestExtension(input: $input) { request { id } } }`;
const REFUSE_EXTENSION = `mutation($id: ID!, $comment: String!) { refuseExtension(id: $id, comment: $comment) { id state } }`;
const APPROVE_EXTENSION = `mutation($id: ID!) { approveExtension(id: $id) { id state } }`;
const UNREGISTER = `mutation($endpoint: String!) { unregisterPushSubscription(endpoint: $endpoint) }`;
const RETURN = `mutation($id: ID!, $comment: String!) { returnReport(id: $id, comment: $comment) { id state } }`;
const REASSIGN = `mutation($input: ReassignTaskInput!) { reassignTask(input: $input) { id } }`;

async function registerDevice(token: string, device: Device): Promise<{ id: string; readKey: string }> {
  const { endpoint, p256dh, auth } = device;
  return ok(
    await t.gql<{ registerPushSubscription: { id: string; readKey: string } }>(
      REGISTER,
      { input: { endpoint, p256dh, auth } },
      token,
    ),
  ).registerPushSubscription;
}

const register = async (token: string, device: Device): Promise<string> => (await registerDevice(token, device)).id;

interface Notice {
  id: string;
  kind: string;
  message: string;
  taskId: string | null;
  reportId: string | null;
  taskTitle: string | null;
}
const notices = (readKey: string) => t.gql<{ pushNotices: Notice[] }>(NOTICES, { readKey });

/** Applies the derived changes (which write the notices), then runs the sender. */
async function send(): Promise<void> {
  await t.drain();
  await t.app.push!.drain();
}

const outbox = async () =>
  t
    .em()
    .getConnection()
    .execute<{ kind: string; attempts: number; subscription_id: string | null }[]>(
      `select kind, attempts, subscription_id from push_outbox order by id`,
    );

describe('Web Push', () => {
  it('wakes the reporter when a report is returned: VAPID-signed, encrypted to the device, naming only the kind', async () => {
    const task = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell, title: 'Chuyển đổi số chi bộ' });
    const reporter = await tokenFor(t, tree.cell, [Role.FOCAL]);
    const leader = await tokenFor(t, tree.commune, [Role.LEADER]);
    const phone = service.device();
    await register(reporter.token, phone);
    const report = await buildReport(t.em(), task, reporter.account);

    ok(await t.gql(RETURN, { id: report.id, comment: 'Thiếu minh chứng của ông Nguyễn Văn A' }, leader.token));
    await send();
    await service.until(() => service.pushesTo(phone).length === 1);

    const [push] = service.pushesTo(phone);
    expect(JSON.parse(push!.payload)).toEqual({ kind: 'REPORT_RETURNED' });
    // Nothing about the task, the unit or the comment travels through the push service.
    expect(push!.payload).not.toMatch(/Chuyển|Nguyễn|minh chứng/);
    expect(push!.vapid).toMatchObject({ aud: service.origin, sub: vapid.subject, publicKey: vapid.publicKey });
    expect(push!.headers.topic).toBe('REPORT_RETURNED');
    expect(service.refused).toEqual([]);
    const row = await t.em().findOneOrFail(PushSubscription, { endpoint: phone.endpoint }, { refresh: true });
    expect(row.lastSentAt).toBeInstanceOf(Date);
    expect(await outbox()).toEqual([]);
  });

  it('wakes the new lead unit when a task is reassigned, and the lead unit when it falls due', async () => {
    const task = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell, dueOn: addDays(localDay(), 2) });
    const focal = await tokenFor(t, tree.commune, [Role.FOCAL]);
    const newLead = await tokenFor(t, tree.siblingCell, [Role.REPORTER]);
    const oldLead = await tokenFor(t, tree.cell, [Role.REPORTER]);
    const phone = service.device();
    const oldPhone = service.device();
    await register(newLead.token, phone);
    await register(oldLead.token, oldPhone);

    ok(
      await t.gql(
        REASSIGN,
        { input: { id: task.id, leadUnitId: tree.siblingCell.id, baseVersion: task.version, reason: 'Điều chỉnh' } },
        focal.token,
      ),
    );
    await send();
    await service.until(() => service.pushesTo(phone).length === 1);
    expect(JSON.parse(service.pushesTo(phone)[0]!.payload)).toEqual({ kind: 'TASK_ASSIGNED' });

    await t.app.services.notifications.sweepDueSoon(t.em(), localDay(), t.config.push.dueSoonDays);
    await send();
    await service.until(() => service.pushesTo(phone).length === 2);
    expect(JSON.parse(service.pushesTo(phone)[1]!.payload)).toEqual({ kind: 'TASK_DUE_SOON' });
    // The old lead unit's device hears of neither.
    expect(service.pushesTo(oldPhone)).toEqual([]);
  });

  it('sends one push per device and kind however many notices a batch makes', async () => {
    const reporter = await tokenFor(t, tree.siblingCell, [Role.REPORTER]);
    const phone = service.device();
    const tablet = service.device();
    await register(reporter.token, phone);
    await register(reporter.token, tablet);
    for (let i = 0; i < 3; i++)
      await buildTask(t.em(), { assigner: tree.commune, lead: tree.siblingCell, dueOn: addDays(localDay(), 1) });

    await t.app.services.notifications.sweepDueSoon(t.em(), localDay(), 3);
    await send();
    await service.until(() => service.pushesTo(phone).length === 1 && service.pushesTo(tablet).length === 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(service.pushesTo(phone)).toHaveLength(1);
    expect(service.pushesTo(tablet)).toHaveLength(1);
  });

  it('removes a subscription the push service says is gone (404, 410) and retries one that failed for now', async () => {
    const reporter = await tokenFor(t, tree.otherCommune, [Role.REPORTER]);
    const gone = service.device();
    const missing = service.device();
    const flaky = service.device();
    for (const d of [gone, missing, flaky]) await register(reporter.token, d);
    service.status(gone.id, 410);
    service.status(missing.id, 404);
    service.status(flaky.id, 503);
    await buildTask(t.em(), { assigner: tree.otherProvince, lead: tree.otherCommune, dueOn: addDays(localDay(), 1) });

    await t.app.services.notifications.sweepDueSoon(t.em(), localDay(), 3);
    await send();
    const left = await t.em().find(PushSubscription, { account: reporter.account.id });
    expect(left.map((s) => s.endpoint)).toEqual([flaky.endpoint]);
    const flakyRow = left[0]!;
    expect(await outbox()).toEqual([{ kind: 'TASK_DUE_SOON', attempts: 1, subscription_id: flakyRow.id }]);

    // Once the service answers again, the queued retry (made due now) goes to that device alone.
    service.status(flaky.id, 201);
    await t.em().getConnection().execute(`update push_outbox set not_before = now()`);
    await send();
    await service.until(() => service.pushesTo(flaky).length === 1);
    expect(await outbox()).toEqual([]);
  });

  it('gives up on a device after the last attempt', async () => {
    const reporter = await tokenFor(t, tree.otherCommune, [Role.FOCAL]);
    const flaky = service.device();
    await register(reporter.token, flaky);
    service.status(flaky.id, 500);
    const id = (await t.em().findOneOrFail(PushSubscription, { endpoint: flaky.endpoint })).id;
    await t
      .em()
      .getConnection()
      .execute(`insert into push_outbox (account_id, kind, subscription_id, attempts) values (?, 'TASK_ASSIGNED', ?, ?)`, [
        reporter.account.id,
        id,
        MAX_ATTEMPTS - 1,
      ]);
    await send();
    expect(await outbox()).toEqual([]);
    expect(await t.em().count(PushSubscription, { id })).toBe(1);
    // Out of the way of the later tests' due-soon sweeps.
    ok(await t.gql(UNREGISTER, { endpoint: flaky.endpoint }, reporter.token));
  });

  it('stops pushing to a device whose officer signed out', async () => {
    const reporter = await tokenFor(t, tree.siblingCommune, [Role.REPORTER]);
    const phone = service.device();
    await register(reporter.token, phone);
    ok(await t.gql(`mutation { signOut }`, {}, reporter.token));
    expect(await t.em().count(PushSubscription, { endpoint: phone.endpoint })).toBe(0);

    await buildTask(t.em(), { assigner: tree.province, lead: tree.siblingCommune, dueOn: addDays(localDay(), 1) });
    await t.app.services.notifications.sweepDueSoon(t.em(), localDay(), 3);
    await send();
    await new Promise((r) => setTimeout(r, 300));
    expect(service.pushesTo(phone)).toEqual([]);
  });

  it('sends nothing to the device of a sign-in revoked another way (a password changed on another device)', async () => {
    const reporter = await tokenFor(t, tree.siblingCommune, [Role.FOCAL]);
    const phone = service.device();
    await register(reporter.token, phone);
    await t
      .em()
      .getConnection()
      .execute(`update refresh_token set revoked_at = now() where account_id = ?`, [reporter.account.id]);
    await t
      .em()
      .getConnection()
      .execute(`insert into push_outbox (account_id, kind) values (?, 'TASK_ASSIGNED')`, [reporter.account.id]);
    await send();
    expect(service.pushesTo(phone)).toEqual([]);
    expect(await outbox()).toEqual([]);
  });

  it("is sent by the leader's own loop, without anyone draining it", async () => {
    const reporter = await tokenFor(t, tree.cell, [Role.FOCAL]);
    const phone = service.device();
    await register(reporter.token, phone);
    t.app.push!.start(t.app.derived.election);
    try {
      await t
        .em()
        .getConnection()
        .execute(`insert into push_outbox (account_id, kind) values (?, 'TASK_ASSIGNED')`, [reporter.account.id]);
      await service.until(() => service.pushesTo(phone).length === 1);
    } finally {
      await t.app.push!.stop();
    }
  });

  it('wakes the lead unit when its request for more time is decided, approved or refused', async () => {
    const task = await buildTask(t.em(), {
      assigner: tree.commune,
      lead: tree.cell,
      title: 'Sửa nhà văn hoá',
      dueOn: addDays(localDay(), 20),
    });
    const reporter = await tokenFor(t, tree.cell, [Role.REPORTER]);
    const decider = await tokenFor(t, tree.commune, [Role.LEADER]);
    const phone = service.device();
    const { readKey } = await registerDevice(reporter.token, phone);
    const ask = async (days: number, baseVersion: number) =>
      ok(
        await t.gql<{ requestExtension: { request: { id: string } } }>(
          REQUEST_EXTENSION,
          { input: { taskId: task.id, baseVersion, requestedDueOn: addDays(localDay(), days), reason: 'Mưa bão kéo dài' } },
          reporter.token,
        ),
      ).requestExtension.request.id;

    ok(await t.gql(REFUSE_EXTENSION, { id: await ask(40, task.version), comment: 'Chưa đủ lý do' }, decider.token));
    await send();
    await service.until(() => service.pushesTo(phone).length === 1);
    expect(JSON.parse(service.pushesTo(phone)[0]!.payload)).toEqual({ kind: 'EXTENSION_DECIDED' });
    const refused = ok(await notices(readKey)).pushNotices.filter((n) => n.kind === 'EXTENSION_DECIDED');
    expect(refused).toEqual([
      expect.objectContaining({
        taskId: task.id,
        taskTitle: 'Sửa nhà văn hoá',
        message: 'Đề nghị gia hạn nhiệm vụ «Sửa nhà văn hoá» không được chấp thuận: Chưa đủ lý do',
      }),
    ]);

    ok(await t.gql(APPROVE_EXTENSION, { id: await ask(30, task.version) }, decider.token));
    await send();
    await service.until(() => service.pushesTo(phone).length === 2);
    const [approved] = ok(await notices(readKey)).pushNotices;
    const due = addDays(localDay(), 30).split('-').reverse().join('/');
    expect(approved).toMatchObject({
      kind: 'EXTENSION_DECIDED',
      taskId: task.id,
      message: `Đề nghị gia hạn nhiệm vụ «Sửa nhà văn hoá» được chấp thuận: hạn mới ${due}`,
    });
  });

  describe('the notices a device reads with its key', () => {
    it("gives the service worker the account's unread pushed notices, newest first, with the task's title", async () => {
      const task = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell, title: 'Số hoá hồ sơ đảng viên' });
      const focal = await tokenFor(t, tree.cell, [Role.FOCAL]);
      const leader = await tokenFor(t, tree.commune, [Role.LEADER]);
      const { readKey } = await registerDevice(focal.token, service.device());
      const report = await buildReport(t.em(), task, focal.account);
      ok(await t.gql(RETURN, { id: report.id, comment: 'Thiếu ảnh' }, leader.token));
      await send();

      const list = ok(await notices(readKey)).pushNotices;
      const returned = list.find((n) => n.kind === 'REPORT_RETURNED' && n.taskId === task.id);
      expect(returned).toMatchObject({ reportId: report.id, taskTitle: 'Số hoá hồ sơ đảng viên' });
      // Only the kinds a device is woken for, only this account's.
      expect(new Set(list.map((n) => n.kind))).toEqual(new Set(['REPORT_RETURNED']));
      const own = await t
        .em()
        .getConnection()
        .execute<{ id: string }[]>(`select id from notification where account_id = ? and read_at is null`, [focal.account.id]);
      expect(list.map((n) => n.id).every((id) => own.some((o) => o.id === id))).toBe(true);

      // A notice read on another device is no longer offered.
      ok(await t.gql(`mutation($id: ID!) { markNotificationRead(id: $id) { id } }`, { id: returned!.id }, focal.token));
      expect(ok(await notices(readKey)).pushNotices.map((n) => n.id)).not.toContain(returned!.id);
    });

    it('refuses a wrong, replaced or malformed key, and every key once the officer signed out', async () => {
      const reporter = await tokenFor(t, tree.siblingCell, [Role.REPORTER]);
      const phone = service.device();
      const first = await registerDevice(reporter.token, phone);
      expect(ok(await notices(first.readKey)).pushNotices).toEqual(expect.any(Array));

      const wrong = `${first.readKey.slice(0, -2)}${first.readKey.endsWith('AA') ? 'BB' : 'AA'}`;
      expect(errorCode(await notices(wrong))).toBe('UNAUTHENTICATED');
      const malformed = await notices('not a key');
      expect([errorCode(malformed), malformed.errors![0]!.extensions?.field]).toEqual(['BAD_USER_INPUT', 'readKey']);

      // Registering again (the app turned pushes on again) replaces the key.
      const second = await registerDevice(reporter.token, phone);
      expect(second.readKey).not.toBe(first.readKey);
      expect(errorCode(await notices(first.readKey))).toBe('UNAUTHENTICATED');
      expect(ok(await notices(second.readKey)).pushNotices).toEqual(expect.any(Array));
      // Stored as a hash: the database row is not the key.
      const [row] = await t
        .em()
        .getConnection()
        .execute<{ read_key_hash: string }[]>(`select read_key_hash from push_subscription where endpoint = ?`, [phone.endpoint]);
      expect(row!.read_key_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row!.read_key_hash).not.toContain(second.readKey);

      ok(await t.gql(`mutation { signOut }`, {}, reporter.token));
      expect(errorCode(await notices(second.readKey))).toBe('UNAUTHENTICATED');
    });
  });

  describe('registering', () => {
    it('is per device and per account: the same phone signed in by someone else moves to them', async () => {
      const first = await tokenFor(t, tree.cell, [Role.REPORTER]);
      const second = await tokenFor(t, tree.siblingCell, [Role.REPORTER]);
      const phone = service.device();
      const id = await register(first.token, phone);
      expect(await register(first.token, phone)).toBe(id);
      await register(second.token, phone);
      const rows = await t.em().find(PushSubscription, { endpoint: phone.endpoint });
      expect(rows.map((r) => r.account.id)).toEqual([second.account.id]);
      expect(await t.em().count(AuditEvent, { action: 'push.registered', entityId: id })).toBeGreaterThanOrEqual(2);
    });

    it('lets an account remove only its own devices', async () => {
      const owner = await tokenFor(t, tree.cell, [Role.REPORTER]);
      const other = await tokenFor(t, tree.cell, [Role.ADMIN, Role.LEADER, Role.FOCAL]);
      const phone = service.device();
      await register(owner.token, phone);
      expect(
        ok(await t.gql<{ unregisterPushSubscription: boolean }>(UNREGISTER, { endpoint: phone.endpoint }, other.token)),
      ).toEqual({
        unregisterPushSubscription: false,
      });
      expect(await t.em().count(PushSubscription, { endpoint: phone.endpoint })).toBe(1);
      expect(
        ok(await t.gql<{ unregisterPushSubscription: boolean }>(UNREGISTER, { endpoint: phone.endpoint }, owner.token)),
      ).toEqual({
        unregisterPushSubscription: true,
      });
      expect(await t.em().count(PushSubscription, { endpoint: phone.endpoint })).toBe(0);
    });

    it('refuses endpoints the server must not post to, and malformed keys, naming the field', async () => {
      const { token } = await tokenFor(t, tree.cell, [Role.REPORTER]);
      const phone = service.device();
      const good = { endpoint: phone.endpoint, p256dh: phone.p256dh, auth: phone.auth };
      const refused = async (input: Record<string, string>) => {
        const res = await t.gql(REGISTER, { input: { ...good, ...input } }, token);
        return [errorCode(res), res.errors![0]!.extensions?.field];
      };
      expect(await refused({ endpoint: 'https://intranet.example.org/push/1' })).toEqual(['BAD_USER_INPUT', 'endpoint']);
      expect(await refused({ endpoint: 'http://fcm.googleapis.com/fcm/send/1' })).toEqual(['BAD_USER_INPUT', 'endpoint']);
      expect(await refused({ endpoint: 'http://10.0.0.8/push/1' })).toEqual(['BAD_USER_INPUT', 'endpoint']);
      expect(await refused({ endpoint: 'not a url' })).toEqual(['BAD_USER_INPUT', 'endpoint']);
      expect(await refused({ p256dh: 'AAAA' })).toEqual(['BAD_USER_INPUT', 'p256dh']);
      expect(await refused({ auth: phone.p256dh })).toEqual(['BAD_USER_INPUT', 'auth']);
      expect(await t.em().count(PushSubscription, { endpoint: phone.endpoint })).toBe(0);
      // A real browser's endpoint on a known push service is accepted.
      ok(await t.gql(REGISTER, { input: { ...good, endpoint: 'https://fcm.googleapis.com/fcm/send/abc:def' } }, token));
    });

    it('needs a sign-in, and hands out the public key to subscribe with', async () => {
      expect(errorCode(await t.gql(`{ pushPublicKey }`))).toBe('UNAUTHENTICATED');
      const phone = service.device();
      expect(
        errorCode(await t.gql(REGISTER, { input: { endpoint: phone.endpoint, p256dh: phone.p256dh, auth: phone.auth } })),
      ).toBe('UNAUTHENTICATED');
      const { token } = await tokenFor(t, tree.cell, [Role.VIEWER]);
      expect(ok(await t.gql<{ pushPublicKey: string }>(`{ pushPublicKey }`, {}, token)).pushPublicKey).toBe(vapid.publicKey);
    });
  });
});
