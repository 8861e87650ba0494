import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../src/modules/accounts/role.js';
import { createTestApp, errorCode, ok, type TestApp } from '../support/test-app.js';
import { buildIndicator, buildPlan, buildResolution, buildTask, buildTree, tokenFor } from '../support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const PUBLISH = `mutation($r: ID!, $u: ID!) { publishResolution(resolutionId: $r, unitId: $u) { id published snapshotAt } }`;
const WITHDRAW = `mutation($r: ID!, $u: ID!) { withdrawPublication(resolutionId: $r, unitId: $u) { id published } }`;

async function arrange() {
  const em = t.em();
  const tree = await buildTree(em);
  const resolution = await buildResolution(em);
  const plan = await buildPlan(em, tree.province, { resolution });
  const task = await buildTask(em, {
    plan,
    assigner: tree.province,
    lead: tree.commune,
    title: 'Phổ cập kỹ năng số',
    responsiblePerson: 'Nguyễn Văn A',
  });
  await buildIndicator(em, task, { name: 'Tỷ lệ người dân có kỹ năng số', baseline: 20, target: 80, currentValue: 50 });
  const { token } = await tokenFor(t, tree.province, [Role.LEADER]);
  return { tree, resolution, task, token };
}

describe('public dashboard', () => {
  it('shows a published resolution without sign-in: aggregates and targets, never people', async () => {
    const { tree, resolution, token } = await arrange();
    const pub = ok(
      await t.gql<{ publishResolution: { id: string; published: boolean } }>(
        PUBLISH,
        { r: resolution.id, u: tree.province.id },
        token,
      ),
    ).publishResolution;
    expect(pub.published).toBe(true);

    const index = await fetch(`${t.url}/api/public/dashboards`);
    expect(index.status).toBe(200);
    const list = (await index.json()) as { dashboards: { id: string; unit: { name: string } }[] };
    expect(list.dashboards.find((d) => d.id === pub.id)?.unit.name).toBe(tree.province.name);

    const res = await fetch(`${t.url}/api/public/dashboards/${pub.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('public');
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^".+"$/);
    const text = await res.text();
    const body = JSON.parse(text) as {
      summary: { total: number };
      targets: { name: string; achievement: number }[];
      units: { name: string }[];
    };
    expect(body.summary.total).toBe(1);
    expect(body.targets[0]).toMatchObject({ name: 'Tỷ lệ người dân có kỹ năng số', achievement: 0.5 });
    expect(body.units.map((u) => u.name)).toContain(tree.commune.name);
    expect(text).not.toContain('Nguyễn Văn A');

    const again = await fetch(`${t.url}/api/public/dashboards/${pub.id}`, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);

    const audit = await t
      .em()
      .getConnection()
      .execute<{ action: string }[]>(`select action from audit_event where entity_id = ?`, [pub.id]);
    expect(audit.map((a) => a.action)).toEqual(['publication.publish']);
  });

  it('stops showing a withdrawn publication at once', async () => {
    const { tree, resolution, token } = await arrange();
    const pub = ok(
      await t.gql<{ publishResolution: { id: string } }>(PUBLISH, { r: resolution.id, u: tree.commune.id }, token),
    ).publishResolution;
    ok(await t.gql(WITHDRAW, { r: resolution.id, u: tree.commune.id }, token));
    expect((await fetch(`${t.url}/api/public/dashboards/${pub.id}`)).status).toBe(404);
    const list = (await (await fetch(`${t.url}/api/public/dashboards`)).json()) as { dashboards: { id: string }[] };
    expect(list.dashboards.some((d) => d.id === pub.id)).toBe(false);
  });

  it('lets only a leader of the unit or above publish', async () => {
    const { tree, resolution, token } = await arrange();
    expect(errorCode(await t.gql(PUBLISH, { r: resolution.id, u: tree.otherProvince.id }, token))).toBe('NOT_FOUND');
    const { token: focal } = await tokenFor(t, tree.province, [Role.FOCAL]);
    expect(errorCode(await t.gql(PUBLISH, { r: resolution.id, u: tree.province.id }, focal))).toBe('FORBIDDEN');
    expect(errorCode(await t.gql(PUBLISH, { r: resolution.id, u: tree.province.id }))).toBe('UNAUTHENTICATED');
    expect((await fetch(`${t.url}/api/public/dashboards/not-an-id`)).status).toBe(400);
  });
});
