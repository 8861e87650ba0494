import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { auditServer } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../src/modules/accounts/role.js';
import { ProgressReport } from '../../src/modules/reports/progress-report.entity.js';
import { buildTask, buildTree, tokenFor } from '../support/factories.js';
import { createTestApp, type GraphQLResponse, type TestApp } from '../support/test-app.js';

/** A pino destination that keeps every line. */
function capture() {
  const lines: string[] = [];
  return {
    stream: { write: (line: string) => void lines.push(line) },
    entries: () => lines.map((l) => JSON.parse(l) as { level: number; msg: string }),
  };
}

const logs = capture();
let t: TestApp;
let token: string;
let taskId: string;

beforeAll(async () => {
  t = await createTestApp({ LOG_LEVEL: 'info', MAX_REQUEST_BYTES: '65536' }, { logs: logs.stream });
  const tree = await buildTree(t.em());
  taskId = (await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell })).id;
  token = (await tokenFor(t, tree.cell, [Role.REPORTER])).token;
});
afterAll(() => t.close());

const SUBMIT = `mutation Submit($input: SubmitReportInput!) { submitReport(input: $input) { created report { id } } }`;

async function send(body: string | Buffer | undefined, headers: Record<string, string> = {}) {
  const res = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, ...headers },
    body: typeof body === 'string' || body === undefined ? body : new Uint8Array(body),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), json: JSON.parse(text) as GraphQLResponse };
}

const json = (value: unknown, headers: Record<string, string> = {}) =>
  send(JSON.stringify(value), { 'content-type': 'application/json', ...headers });

const firstError = (res: { json: GraphQLResponse }) => res.json.errors![0]!;

/** No line at level error or above: a client's mistake is not a server fault. */
function expectNoServerFaultLogged(since: number) {
  const faults = logs
    .entries()
    .slice(since)
    .filter((e) => e.level >= 50);
  expect(faults.map((e) => e.msg)).toEqual([]);
}

describe('variables', () => {
  it('names the missing required field of a submitReport input, and stores nothing', async () => {
    const since = logs.entries().length;
    const id = randomUUID();
    const input = { id, taskId, percent: 40, values: [], hasObstacles: false }; // no writtenAt
    const plain = await json({ query: SUBMIT, variables: { input } });
    expect(plain.status).toBe(200);
    expect(plain.json.data).toBeUndefined();
    expect(firstError(plain).extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.writtenAt' });
    expect(firstError(plain).message).toBe('Variable $input.writtenAt: is required');

    const spec = await json({ query: SUBMIT, variables: { input } }, { accept: 'application/graphql-response+json' });
    expect(spec.status).toBe(400);
    expect(spec.type).toContain('application/graphql-response+json');
    expect(firstError(spec).extensions?.field).toBe('input.writtenAt');

    expect(await t.em().count(ProgressReport, { id })).toBe(0);
    expectNoServerFaultLogged(since);
  });

  it('names a value of the wrong type by its path, without echoing it back', async () => {
    const since = logs.entries().length;
    const huge = 'x'.repeat(20_000);
    const input = { id: randomUUID(), taskId, percent: huge, values: [], writtenAt: new Date().toISOString() };
    const res = await json({ query: SUBMIT, variables: { input } });
    expect(firstError(res).extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.percent' });
    expect(firstError(res).message).toMatch(/^Variable \$input\.percent: Float cannot represent/);
    expect(JSON.stringify(res.json).length).toBeLessThan(1000);

    const badItem = { ...input, percent: 10, values: [{ indicatorId: randomUUID(), value: 'lots' }] };
    const item = await json({ query: SUBMIT, variables: { input: badItem } });
    expect(firstError(item).extensions?.field).toBe('input.values.0.value');

    const extra = await json({ query: SUBMIT, variables: { input: { ...input, percent: 10, colour: 'red' } } });
    expect(firstError(extra).extensions?.field).toBe('input');
    expect(firstError(extra).message).toContain('"colour"');

    const nulled = await json({ query: SUBMIT, variables: { input: null } });
    expect(firstError(nulled).extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input' });
    expect(firstError(nulled).message).toBe('Variable $input: must not be null (type SubmitReportInput!)');

    const absent = await json({ query: SUBMIT });
    expect(firstError(absent).message).toBe('Variable $input: a value of type SubmitReportInput! is required');
    expectNoServerFaultLogged(since);
  });

  it('refuses variables that are not an object', async () => {
    for (const variables of ['{}', 3, ['a']]) {
      const res = await json({ query: SUBMIT, variables });
      expect(res.status).toBe(400);
      expect(firstError(res).extensions?.code).toBe('BAD_REQUEST');
      expect(firstError(res).message).toMatch(/variables/);
    }
  });
});

describe('documents and operations', () => {
  it('answers parse and validation failures with their code: 200 for application/json, 400 for graphql-response+json', async () => {
    const since = logs.entries().length;
    for (const [query, code] of [
      ['{', 'GRAPHQL_PARSE_FAILED'],
      ['{ noSuchField }', 'GRAPHQL_VALIDATION_FAILED'],
    ] as const) {
      const plain = await json({ query });
      expect([plain.status, firstError(plain).extensions?.code]).toEqual([200, code]);
      const spec = await json({ query }, { accept: 'application/graphql-response+json' });
      expect([spec.status, firstError(spec).extensions?.code]).toEqual([400, code]);
    }
    expectNoServerFaultLogged(since);
  });

  it('refuses a string in the query that cannot be stored, each time the same text is sent', async () => {
    const query = '{ unit(id: "a\\u0000b") { id } }';
    for (let i = 0; i < 2; i++) {
      const res = await json({ query });
      expect(res.json.data ?? null).toBeNull();
      expect(firstError(res).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'query' });
      expect(firstError(res).message).toContain('NUL');
    }
  });

  it('names an operation that the document does not hold', async () => {
    const res = await json({ query: 'query A { me { id } } query B { me { id } }', operationName: 'C' });
    expect(res.status).toBe(400);
    expect(firstError(res).extensions?.code).toBe('OPERATION_RESOLUTION_FAILURE');
    expect(firstError(res).message).toContain('"C"');
    const wrongType = await json({ query: '{ me { id } }', operationName: 7 });
    expect([wrongType.status, firstError(wrongType).extensions?.code]).toEqual([400, 'BAD_REQUEST']);
  });

  it('refuses a body without a query, and batches', async () => {
    const none = await json({ qeury: '{ me { id } }' });
    expect([none.status, firstError(none).extensions?.code]).toEqual([400, 'BAD_REQUEST']);
    const batch = await json([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]);
    expect([batch.status, firstError(batch).extensions?.code]).toEqual([400, 'BAD_REQUEST']);
  });
});

describe('request bodies', () => {
  it('says the body is not JSON', async () => {
    const since = logs.entries().length;
    const res = await send('{ "query": ', { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    expect(firstError(res).extensions).toEqual({ code: 'BAD_REQUEST', field: 'body' });
    expect(firstError(res).message).toMatch(/^The request body is not valid JSON/);
    const scalar = await send('"just a string"', { 'content-type': 'application/json' });
    expect([scalar.status, firstError(scalar).extensions?.code]).toEqual([400, 'BAD_REQUEST']);
    expectNoServerFaultLogged(since);
  });

  it('answers other content types 415, naming application/json', async () => {
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
    ]) {
      const res = await send('query=%7B%20me%20%7B%20id%20%7D%20%7D', { 'content-type': type });
      expect(res.status).toBe(415);
      expect(firstError(res).extensions).toEqual({ code: 'UNSUPPORTED_MEDIA_TYPE', field: 'content-type' });
      expect(firstError(res).message).toContain('application/json');
    }
    const untyped = await send(undefined);
    expect([untyped.status, firstError(untyped).message]).toEqual([
      415,
      'The request has no Content-Type; send it as application/json',
    ]);
  });

  it('refuses a charset or content encoding it cannot read', async () => {
    const latin = await send('{"query":"{ me { id } }"}', { 'content-type': 'application/json; charset=latin1' });
    expect([latin.status, firstError(latin).extensions?.field]).toEqual([415, 'content-type']);
    const zipped = await send('{"query":"{ me { id } }"}', {
      'content-type': 'application/json',
      'content-encoding': 'zstd-ish',
    });
    expect([zipped.status, firstError(zipped).extensions?.field]).toEqual([415, 'content-encoding']);
  });

  it('reads a gzipped body, and counts its size after inflating (no zip bomb)', async () => {
    const small = await send(gzipSync(JSON.stringify({ query: '{ me { id } }' })), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(small.status).toBe(200);
    const bomb = gzipSync(JSON.stringify({ query: '{ me { id } }', variables: { pad: ' '.repeat(5_000_000) } }));
    expect(bomb.length).toBeLessThan(65_536);
    const res = await send(bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect([res.status, firstError(res).extensions?.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });
});

describe('GraphQL over HTTP', () => {
  it("passes graphql-http's server audit with no error and no warning", async () => {
    const results = await auditServer({ url: `${t.url}/graphql` });
    expect(results.length).toBeGreaterThan(50);
    expect(results.filter((r) => r.status === 'ok').length).toBeGreaterThan(45);
    const failed = results.filter((r) => r.status !== 'ok' && r.status !== 'notice');
    expect(failed.map((r) => `${r.id} ${r.name}: ${'reason' in r ? r.reason : ''}`)).toEqual([]);
  });
});
