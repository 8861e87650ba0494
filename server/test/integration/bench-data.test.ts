import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { generateDataset, verifyDataset, type GenerateResult } from '../../../bench/data/dataset.js';
import { schemaFingerprint } from '../../../bench/data/schema-guard.js';
import { startApi, type Api } from '../../../bench/lib/harness.js';
import { DEMO_PASSWORD } from '../../src/db/seed/seed.js';
import { withDatabase } from '../global-setup.js';
import { ok, type GraphQLResponse } from '../support/test-app.js';

const AS_OF = '2026-11-30';

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** An empty database (the generator migrates it), named so the global teardown drops it. */
async function createEmptyDatabase(): Promise<string> {
  const adminUrl = inject('adminUrl');
  const name = inject('templateDb').replace('tpl', `b${randomBytes(4).toString('hex')}`);
  await query(withDatabase(adminUrl, 'postgres'), `create database "${name}"`);
  return withDatabase(adminUrl, name);
}

describe('the benchmark data generator at small scale', () => {
  const t = { databaseUrl: '' };
  let api: Api;
  let result: GenerateResult;

  beforeAll(async () => {
    t.databaseUrl = await createEmptyDatabase();
    result = await generateDataset({ databaseUrl: t.databaseUrl, scale: 'small', seed: 7, asOf: AS_OF });
    api = await startApi(t.databaseUrl);
  }, 180_000);
  afterAll(() => api?.close());

  const gql = async <T>(q: string, variables: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>> => {
    const res = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query: q, variables }),
    });
    return (await res.json()) as GraphQLResponse<T>;
  };

  it('writes units of every level, accounts, task trees, indicators and reports', async () => {
    const [c] = await query<Record<string, string>>(
      t.databaseUrl,
      `select (select count(*) from unit where kind = 'COMMUNE') as communes, (select count(*) from unit where kind = 'CELL') as cells,
              (select count(*) from task) as tasks, (select count(*) from indicator) as indicators,
              (select count(*) from progress_report) as reports, (select count(distinct resolution_id) from task) as resolutions,
              (select max(depth) + 1 from task) as depth, (select count(distinct state) from progress_report) as states`,
    );
    expect(Number(c!.communes)).toBe(6);
    expect(Number(c!.cells)).toBe(18);
    expect(Number(c!.resolutions)).toBe(7);
    expect(Number(c!.tasks)).toBe(result.counts.task);
    expect(Number(c!.reports)).toBeGreaterThan(0);
    expect(Number(c!.indicators)).toBeGreaterThan(0);
    expect(Number(c!.depth)).toBeGreaterThanOrEqual(3);
    expect(Number(c!.depth)).toBeLessThanOrEqual(5);
    expect(Number(c!.states)).toBe(3);
  });

  it('refuses a database whose later migrations already ran, as their derived rows would not follow', async () => {
    await expect(generateDataset({ databaseUrl: t.databaseUrl, scale: 'small', seed: 7, asOf: AS_OF })).rejects.toThrow(
      /empty database|already holds/,
    );
  });

  it('keeps every invariant of the application', async () => {
    expect(await verifyDataset(t.databaseUrl)).toEqual([]);
  });

  it('leaves the schema exactly as the migrations made it', async () => {
    const fingerprint = async (url: string) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return await schemaFingerprint(client);
      } finally {
        await client.end();
      }
    };
    const template = withDatabase(inject('adminUrl'), inject('templateDb'));
    expect(await fingerprint(t.databaseUrl)).toBe(await fingerprint(template));
  });

  it('numbers new units from unit_seq, so the app can keep adding units', async () => {
    const [s] = await query<{ max: number; last: string }>(
      t.databaseUrl,
      `select max(seq) as max, (select last_value from unit_seq) as last from unit`,
    );
    expect(Number(s!.last)).toBe(s!.max);
  });

  it('gives accounts the API accepts: a cell officer signs in and sees exactly the tasks of their cell', async () => {
    const [cell] = await query<{ code: string; path: string }>(
      t.databaseUrl,
      `select u.code, u.path from unit u where u.kind = 'CELL' and exists (select 1 from task where lead_unit_id = u.id) order by u.seq limit 1`,
    );
    const session = ok(
      await gql<{ signIn: { accessToken: string } }>(
        `mutation($u: String!, $p: String!) { signIn(username: $u, password: $p) { accessToken } }`,
        { u: `canbo.${cell!.code.toLowerCase()}`, p: DEMO_PASSWORD },
      ),
    );
    const data = ok(
      await gql<{ tasks: { totalCount: number; nodes: { leadUnit: { code: string } }[] } }>(
        `{ tasks(first: 100) { totalCount nodes { leadUnit { code } } } }`,
        {},
        session.signIn.accessToken,
      ),
    );
    const [{ n }] = (await query<{ n: string }>(t.databaseUrl, `select count(*) as n from task where lead_unit_path = $1`, [
      cell!.path,
    ])) as [{ n: string }];
    expect(data.tasks.totalCount).toBe(Number(n));
    expect(data.tasks.nodes.every((node) => node.leadUnit.code === cell!.code)).toBe(true);
  });

  it('makes the same rows from the same seed and day', async () => {
    const again = await createEmptyDatabase();
    await generateDataset({ databaseUrl: again, scale: 'small', seed: 7, asOf: AS_OF });
    const digest = (url: string) =>
      query<{ md5: string }>(
        url,
        `select md5(string_agg(id::text || progress::text || state::text || coalesce(last_report_at::text, ''), ',' order by id)) as md5 from task`,
      );
    expect(await digest(again)).toEqual(await digest(t.databaseUrl));
  }, 180_000);
});
