import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../src/modules/accounts/role.js';
import { Attachment } from '../../src/modules/attachments/attachment.entity.js';
import { buildReport, buildTask, buildTree, tokenFor } from '../support/factories.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let tree: Awaited<ReturnType<typeof buildTree>>;

beforeAll(async () => {
  t = await createTestApp({ MAX_UPLOAD_BYTES: '4096' });
  tree = await buildTree(t.em());
});
afterAll(() => t.close());

const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('x'.repeat(2000))]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function reportOfCell() {
  const task = await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell });
  const reporter = await tokenFor(t, tree.cell, [Role.REPORTER]);
  const report = await buildReport(t.em(), task, reporter.account);
  return { report, token: reporter.token };
}

function start(token: string, body: Record<string, unknown>) {
  return fetch(`${t.url}/files/uploads`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

function patch(token: string, id: string, offset: number | string, body: Buffer) {
  return fetch(`${t.url}/files/uploads/${id}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${token}`, 'upload-offset': String(offset) },
    body: new Uint8Array(body),
  });
}

async function uploadState(id: string) {
  const a = await t.em().findOneOrFail(Attachment, { id });
  return { status: a.status, receivedBytes: Number(a.receivedBytes) };
}

const announce = (reportId: string, file: Buffer, over: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  reportId,
  sha256: sha(file),
  size: file.length,
  contentType: 'image/jpeg',
  fileName: 'anh.jpg',
  ...over,
});

describe('evidence uploads', () => {
  it('resumes at the offset the server has, answering a wrong one with 409 and the real offset', async () => {
    const { report, token } = await reportOfCell();
    const a = announce(report.id, jpeg);
    expect((await start(token, a)).status).toBe(201);
    expect((await start(token, a)).status).toBe(200);
    expect((await patch(token, a.id, 0, jpeg.subarray(0, 700))).status).toBe(204);
    const head = await fetch(`${t.url}/files/uploads/${a.id}`, { method: 'HEAD', headers: { authorization: `Bearer ${token}` } });
    expect(head.status).toBe(204);
    expect(head.headers.get('upload-offset')).toBe('700');
    const wrong = await patch(token, a.id, 0, jpeg);
    expect(wrong.status).toBe(409);
    expect(wrong.headers.get('upload-offset')).toBe('700');
    const done = await patch(token, a.id, 700, jpeg.subarray(700));
    expect(done.status).toBe(200);
    expect((await t.em().findOneOrFail(Attachment, { id: a.id })).status).toBe('VERIFIED');
  });

  it('throws away bytes that do not match the declared hash and restarts at 0', async () => {
    const { report, token } = await reportOfCell();
    const a = announce(report.id, jpeg);
    await start(token, a);
    const tampered = Buffer.from(jpeg);
    tampered[100] = 0x41;
    const res = await patch(token, a.id, 0, tampered);
    expect(res.status).toBe(422);
    expect(await uploadState(a.id)).toEqual({ status: 'UPLOADING', receivedBytes: 0 });
    expect((await patch(token, a.id, 0, jpeg)).status).toBe(200);
  });

  it('judges the type by the bytes, not the name', async () => {
    const { report, token } = await reportOfCell();
    const html = Buffer.from('<html><script>alert(1)</script></html>');
    const a = announce(report.id, html, { fileName: 'anh.jpg' });
    await start(token, a);
    expect((await patch(token, a.id, 0, html)).status).toBe(415);
    expect(await uploadState(a.id)).toEqual({ status: 'UPLOADING', receivedBytes: 0 });
    expect((await fetch(`${t.url}/files/${a.id}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
  });

  it('refuses a file above the size limit, an unlisted type, more bytes than declared and a stranger', async () => {
    const { report, token } = await reportOfCell();
    expect((await start(token, announce(report.id, jpeg, { size: 5000 }))).status).toBe(413);
    expect((await start(token, announce(report.id, jpeg, { contentType: 'text/html' }))).status).toBe(415);
    const a = announce(report.id, jpeg.subarray(0, 100));
    await start(token, a);
    expect((await patch(token, a.id, 0, jpeg)).status).toBe(413);
    const { token: stranger } = await tokenFor(t, tree.siblingCell, [Role.REPORTER]);
    expect((await start(stranger, announce(report.id, jpeg))).status).toBe(404);
    expect((await patch(stranger, a.id, 0, jpeg)).status).toBe(404);
    const { token: above } = await tokenFor(t, tree.commune, [Role.FOCAL]);
    expect((await start(above, announce(report.id, jpeg))).status).toBe(403);
    expect((await fetch(`${t.url}/files/uploads`, { method: 'POST' })).status).toBe(401);
    expect(await t.em().count(Attachment, { report: report.id })).toBe(1);
  });
});
