import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../src/modules/accounts/role.js';
import { AuditEvent } from '../../src/modules/audit/audit-event.entity.js';
import { Indicator } from '../../src/modules/indicators/indicator.entity.js';
import { Notification, NotificationKind } from '../../src/modules/notifications/notification.entity.js';
import { Task } from '../../src/modules/tasks/task.entity.js';
import { buildTree, tokenFor } from '../support/factories.js';
import { createTestApp, errorCode, ok, type TestApp } from '../support/test-app.js';

let t: TestApp;
let tree: Awaited<ReturnType<typeof buildTree>>;

beforeAll(async () => {
  t = await createTestApp();
  tree = await buildTree(t.em());
});
afterAll(() => t.close());

const CREATE_TASK = `mutation($input: CreateTaskInput!) { createTask(input: $input) { id depth progress status missingClears leadUnit { id } } }`;
const CREATE_INDICATOR = `mutation($input: CreateIndicatorInput!) { createIndicator(input: $input) { id version } }`;
const SUBMIT = `mutation($input: SubmitReportInput!) { submitReport(input: $input) { created report { id state } } }`;
const RETURN = `mutation($id: ID!, $comment: String!) { returnReport(id: $id, comment: $comment) { id state reviewComment } }`;
const APPROVE = `mutation($id: ID!) { approveReport(id: $id) { id state } }`;

type Created = { createTask: { id: string; depth: number; status: string; missingClears: string[] } };

const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('ảnh hiện trường '.repeat(200)),
]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function countTasks() {
  return t.em().count(Task, {});
}

describe('the resolution workflow, from the centre down to a cell and back', () => {
  it('decomposes, reports with a photo, returns, resubmits, approves and rolls progress up', async () => {
    const [admin, centralFocal, provinceFocal, communeFocal, communeLeader, cellReporter, cellLeader, otherCell] =
      await Promise.all([
        tokenFor(t, tree.central, [Role.ADMIN]),
        tokenFor(t, tree.central, [Role.FOCAL]),
        tokenFor(t, tree.province, [Role.FOCAL]),
        tokenFor(t, tree.commune, [Role.FOCAL]),
        tokenFor(t, tree.commune, [Role.LEADER]),
        tokenFor(t, tree.cell, [Role.REPORTER]),
        tokenFor(t, tree.cell, [Role.LEADER]),
        tokenFor(t, tree.siblingCell, [Role.REPORTER, Role.LEADER]),
      ]);

    // The centre records the resolution and its plan, and assigns a task to the province.
    const resolution = ok(
      await t.gql<{ createResolution: { id: string } }>(
        `mutation($input: CreateResolutionInput!) { createResolution(input: $input) { id } }`,
        { input: { code: '99-NQ/TW', titleVi: 'Nghị quyết thử nghiệm', titleEn: 'Trial resolution', issuedOn: '2025-05-04' } },
        admin.token,
      ),
    ).createResolution;
    const plan = ok(
      await t.gql<{ createActionPlan: { id: string } }>(
        `mutation($input: CreateActionPlanInput!) { createActionPlan(input: $input) { id } }`,
        {
          input: { resolutionId: resolution.id, title: 'Kế hoạch thực hiện', periodStart: '2025-06-01', periodEnd: '2030-12-31' },
        },
        centralFocal.token,
      ),
    ).createActionPlan;
    const root = ok(
      await t.gql<Created>(
        CREATE_TASK,
        {
          input: {
            planId: plan.id,
            title: 'Phổ cập kỹ năng số cho người dân',
            description: 'Mỗi hộ có ít nhất một người biết dùng dịch vụ công trực tuyến',
            leadUnitId: tree.province.id,
            responsiblePerson: 'Sở Khoa học và Công nghệ',
            expectedResult: 'Báo cáo tổng kết',
            dueOn: '2030-12-31',
          },
        },
        centralFocal.token,
      ),
    ).createTask;
    expect(root).toMatchObject({ depth: 0, status: 'NOT_STARTED', missingClears: [] });

    // The province splits it between two communes, weighted 3 : 1.
    const communeTask = ok(
      await t.gql<Created>(
        CREATE_TASK,
        {
          input: {
            parentId: root.id,
            title: 'Tổ chức lớp kỹ năng số tại phường',
            leadUnitId: tree.commune.id,
            coordinatingUnitIds: [tree.siblingCommune.id],
            dueOn: '2030-06-30',
            weight: 3,
          },
        },
        provinceFocal.token,
      ),
    ).createTask;
    expect(communeTask.missingClears).toEqual(['TASK', 'PERSON', 'RESULT']);
    const siblingTask = ok(
      await t.gql<Created>(
        CREATE_TASK,
        { input: { parentId: root.id, title: 'Lớp kỹ năng số', leadUnitId: tree.siblingCommune.id, dueOn: '2030-06-30' } },
        provinceFocal.token,
      ),
    ).createTask;
    expect(siblingTask.depth).toBe(1);

    // Refusals change nothing.
    const before = await countTasks();
    const late = await t.gql(
      CREATE_TASK,
      { input: { parentId: root.id, title: 'Quá hạn cha', leadUnitId: tree.commune.id, dueOn: '2031-03-01' } },
      provinceFocal.token,
    );
    expect(errorCode(late)).toBe('BAD_USER_INPUT');
    expect(late.errors![0]!.extensions!.field).toBe('dueOn');
    const outside = await t.gql(
      CREATE_TASK,
      { input: { parentId: root.id, title: 'Ngoài phạm vi', leadUnitId: tree.otherCommune.id } },
      provinceFocal.token,
    );
    expect(errorCode(outside)).toBe('NOT_FOUND');
    const hidden = await t.gql(
      CREATE_TASK,
      { input: { parentId: root.id, title: 'Không thấy', leadUnitId: tree.cell.id } },
      communeFocal.token,
    );
    expect(errorCode(hidden)).toBe('NOT_FOUND');
    const notAssignedToMe = await t.gql(
      CREATE_TASK,
      { input: { parentId: communeTask.id, title: 'Không phải của tôi', leadUnitId: tree.cell.id } },
      provinceFocal.token,
    );
    expect(errorCode(notAssignedToMe)).toBe('FORBIDDEN');
    expect(await countTasks()).toBe(before);

    // The commune assigns the work to its cell, with a target.
    const cellTask = ok(
      await t.gql<Created>(
        CREATE_TASK,
        {
          input: {
            parentId: communeTask.id,
            title: 'Hướng dẫn các hộ cài ứng dụng VNeID',
            description: 'Đến từng hộ',
            leadUnitId: tree.cell.id,
            responsiblePerson: 'Bí thư chi bộ',
            expectedResult: 'Danh sách hộ đã cài',
            dueOn: '2030-03-31',
          },
        },
        communeFocal.token,
      ),
    ).createTask;
    expect(cellTask.depth).toBe(2);
    const indicator = ok(
      await t.gql<{ createIndicator: { id: string } }>(
        CREATE_INDICATOR,
        { input: { taskId: cellTask.id, name: 'Số hộ được hướng dẫn', unitOfMeasure: 'hộ', target: 200 } },
        communeFocal.token,
      ),
    ).createIndicator;
    expect(
      await t
        .em()
        .count(Notification, { task: cellTask.id, account: cellReporter.account.id, kind: NotificationKind.TASK_ASSIGNED }),
    ).toBe(1);

    // The cell reports with a photo.
    const first = randomUUID();
    ok(
      await t.gql(
        SUBMIT,
        {
          input: {
            id: first,
            taskId: cellTask.id,
            percent: 60,
            values: [{ indicatorId: indicator.id, value: 120 }],
            narrative: 'Đã hướng dẫn 120 hộ',
            hasObstacles: true,
            obstacles: 'Nhiều hộ không có điện thoại thông minh',
            writtenAt: new Date().toISOString(),
          },
        },
        cellReporter.token,
      ),
    );
    const photoId = randomUUID();
    const auth = (token: string) => ({ authorization: `Bearer ${token}` });
    const started = await fetch(`${t.url}/files/uploads`, {
      method: 'POST',
      headers: { ...auth(cellReporter.token), 'content-type': 'application/json' },
      body: JSON.stringify({
        id: photoId,
        reportId: first,
        sha256: sha(png),
        size: png.length,
        contentType: 'image/png',
        fileName: 'hien-truong.png',
      }),
    });
    expect(started.status).toBe(201);
    const half = 1000;
    const part1 = await fetch(`${t.url}/files/uploads/${photoId}`, {
      method: 'PATCH',
      headers: { ...auth(cellReporter.token), 'upload-offset': '0' },
      body: new Uint8Array(png.subarray(0, half)),
    });
    expect(part1.status).toBe(204);
    expect(part1.headers.get('upload-offset')).toBe(String(half));
    const part2 = await fetch(`${t.url}/files/uploads/${photoId}`, {
      method: 'PATCH',
      headers: { ...auth(cellReporter.token), 'upload-offset': String(half) },
      body: new Uint8Array(png.subarray(half)),
    });
    expect(part2.status).toBe(200);
    expect(await part2.json()).toMatchObject({ status: 'VERIFIED', receivedBytes: png.length });

    // The commune leader sees the photo; a sibling cell cannot.
    const seen = await fetch(`${t.url}/files/${photoId}`, { headers: auth(communeLeader.token) });
    expect(seen.status).toBe(200);
    expect(seen.headers.get('content-type')).toBe('image/png');
    expect(seen.headers.get('x-content-type-options')).toBe('nosniff');
    expect(seen.headers.get('content-security-policy')).toContain('sandbox');
    expect(Buffer.from(await seen.arrayBuffer()).equals(png)).toBe(true);
    expect((await fetch(`${t.url}/files/${photoId}`, { headers: auth(otherCell.token) })).status).toBe(404);

    // The cell's own leader may not review its report; the commune leader returns it.
    expect(errorCode(await t.gql(APPROVE, { id: first }, cellLeader.token))).toBe('FORBIDDEN');
    expect(errorCode(await t.gql(RETURN, { id: first, comment: '  ' }, communeLeader.token))).toBe('BAD_USER_INPUT');
    const returned = ok(
      await t.gql<{ returnReport: { state: string } }>(RETURN, { id: first, comment: 'Thiếu danh sách hộ' }, communeLeader.token),
    );
    expect(returned.returnReport.state).toBe('RETURNED');
    expect(errorCode(await t.gql(APPROVE, { id: first }, communeLeader.token))).toBe('CONFLICT');
    expect(
      await t
        .em()
        .count(Notification, { report: first, account: cellReporter.account.id, kind: NotificationKind.REPORT_RETURNED }),
    ).toBe(1);

    // The cell answers with a new report; the leader approves it.
    const second = randomUUID();
    ok(
      await t.gql(
        SUBMIT,
        {
          input: {
            id: second,
            taskId: cellTask.id,
            percent: 100,
            values: [{ indicatorId: indicator.id, value: 200 }],
            narrative: 'Đã hoàn thành, kèm danh sách',
            hasObstacles: false,
            writtenAt: new Date().toISOString(),
            answersReportId: first,
          },
        },
        cellReporter.token,
      ),
    );
    ok(await t.gql(APPROVE, { id: second }, communeLeader.token));

    // Progress rolls up: cell 100 → commune 100 → root (3·100 + 1·0) / 4 = 75.
    const em = t.em();
    const [cellRow, communeRow, rootRow] = await Promise.all(
      [cellTask.id, communeTask.id, root.id].map((id) => em.findOneOrFail(Task, { id })),
    );
    expect(cellRow).toMatchObject({ progress: 100, state: 'COMPLETED' });
    expect(cellRow.completedAt).toBeInstanceOf(Date);
    expect(communeRow).toMatchObject({ progress: 100, state: 'COMPLETED' });
    expect(rootRow).toMatchObject({ progress: 75, state: 'OPEN' });
    expect((await em.findOneOrFail(Indicator, { id: indicator.id })).currentValue).toBe(200);
    const view = ok(
      await t.gql<{ task: { status: string; progress: number; latestReport: { id: string; attachments: unknown[] } } }>(
        `query($id: ID!) { task(id: $id) { status progress latestReport { id answersReportId attachments { id } } } }`,
        { id: cellTask.id },
        cellReporter.token,
      ),
    );
    expect(view.task).toMatchObject({
      status: 'COMPLETED_ON_TIME',
      progress: 100,
      latestReport: { id: second, attachments: [] },
    });

    // Every step left an audit event.
    for (const action of [
      'resolution.create',
      'plan.create',
      'task.create',
      'indicator.created',
      'report.submit',
      'attachment.start',
      'attachment.verify',
      'report.return',
      'report.approve',
    ])
      expect(await em.count(AuditEvent, { action }), action).toBeGreaterThan(0);
  });
});
