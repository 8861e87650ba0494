import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/db/embedded.js';
import { Role } from '../../src/modules/accounts/role.js';
import { buildAccount, buildTask, buildTree } from '../support/factories.js';
import { runScript, spawnServer } from '../support/server-process.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const DEVICES = 16;
const ENTRIES_PER_DEVICE = 30;
const BATCH = 5;

const PUSH = `mutation SyncPush($input: SyncPushInput!) { syncPush(input: $input) { results { id status } } }`;

/** The API as its own process (`npm start`'s entry), so that it can be killed for real. */
function startApi(apiEnv: Record<string, string>) {
  const p = spawnServer('src/main.ts', [], apiEnv);
  // Development mode (the default) prints this line once the port is open, whatever LOG_LEVEL says.
  return { ...p, ready: () => p.waitFor(/Resolute is running/) };
}

/** A field device: an outbox that loses an entry only once the server has acknowledged it. */
interface Device {
  token: string;
  clientId: string;
  outbox: { id: string; kind: string; createdAt: string; createReport: Record<string, unknown> }[];
  acknowledged: Set<string>;
  failures: number;
}

let t: TestApp;
let api: ReturnType<typeof startApi> | null = null;
let env: Record<string, string>;
let url: string;
const devices: Device[] = [];
let inFlight = 0;

beforeAll(async () => {
  // The test's own app only arranges data and signs tokens; it runs no worker.
  t = await createTestApp({ DERIVED_WORKER: 'false' });
  const tree = await buildTree(t.em());
  const tasks = [
    await buildTask(t.em(), { assigner: tree.commune, lead: tree.cell }),
    await buildTask(t.em(), { assigner: tree.commune, lead: tree.siblingCell }),
  ];
  for (let d = 0; d < DEVICES; d++) {
    const unit = d % 2 ? tree.siblingCell : tree.cell;
    const task = tasks[d % 2]!;
    const account = await buildAccount(t.em(), unit, [Role.REPORTER]);
    const session = await t.app.services.auth.startSession(t.em(), account);
    devices.push({
      token: session.accessToken,
      clientId: randomUUID(),
      acknowledged: new Set(),
      failures: 0,
      outbox: Array.from({ length: ENTRIES_PER_DEVICE }, (_, i) => {
        const id = randomUUID();
        const at = new Date(Date.now() - (ENTRIES_PER_DEVICE - i) * 60_000).toISOString();
        return {
          id,
          kind: 'CREATE_REPORT',
          createdAt: at,
          createReport: { reportId: id, taskId: task.id, percent: i * 3, hasObstacles: false, writtenAt: at },
        };
      }),
    });
  }
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  env = {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: t.databaseUrl,
    DATA_DIR: '/tmp/resolute-test-data',
    JWT_SECRET: t.secret,
    SEED_DEMO: 'false',
    LOG_LEVEL: 'warn',
    ACCESS_TOKEN_TTL_SECONDS: '3600',
  };
}, 120_000);

afterAll(async () => {
  if (api && api.child.exitCode === null) {
    api.child.kill('SIGKILL');
    await api.exited;
  }
  await t.close();
});

/** Pushes the device's first entries; keeps them unless the server answered for each. */
async function pushOnce(device: Device): Promise<void> {
  const batch = device.outbox.slice(0, BATCH);
  inFlight++;
  try {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${device.token}` },
      body: JSON.stringify({
        query: PUSH,
        variables: { input: { protocolVersion: 1, clientId: device.clientId, entries: batch } },
      }),
    });
    const body = (await res.json()) as { data?: { syncPush: { results: { id: string; status: string }[] } } };
    if (!res.ok || !body.data) throw new Error(`push answered ${res.status}`);
    for (const r of body.data.syncPush.results) {
      if (r.status !== 'APPLIED' && r.status !== 'ALREADY_APPLIED') throw new Error(`entry ${r.id} ${r.status}`);
      device.acknowledged.add(r.id);
    }
    device.outbox = device.outbox.filter((e) => !device.acknowledged.has(e.id));
  } catch {
    device.failures++; // connection refused or reset: the entries stay in the outbox
    await new Promise((r) => setTimeout(r, 50));
  } finally {
    inFlight--;
  }
}

async function runDevices(until: () => boolean): Promise<void> {
  await Promise.all(
    devices.map(async (d) => {
      while (d.outbox.length && !until()) await pushOnce(d);
    }),
  );
}

const verifyEnv = () => ({
  DATABASE_URL: t.databaseUrl,
  DATA_DIR: '/tmp/resolute-test-data',
  NODE_ENV: 'test',
  LOG_LEVEL: 'warn',
});

describe('kill -9 of the API in the middle of pushes', () => {
  it('loses nothing acknowledged, applies resent entries once, and its background work resumes and verifies', async () => {
    api = startApi(env);
    await api.ready();
    const acknowledgedCount = () => devices.reduce((n, d) => n + d.acknowledged.size, 0);
    const total = DEVICES * ENTRIES_PER_DEVICE;

    // Kill the process once about a third is acknowledged, with every device mid-push.
    const load = runDevices(() => false);
    while (acknowledgedCount() < total / 3) await new Promise((r) => setTimeout(r, 10));
    const first = api;
    const pushesCut = inFlight;
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');
    expect(pushesCut).toBeGreaterThan(0);
    expect(acknowledgedCount()).toBeLessThan(total);

    api = startApi(env);
    await api.ready();
    await load;
    expect(devices.every((d) => d.outbox.length === 0)).toBe(true);
    expect(devices.reduce((n, d) => n + d.failures, 0)).toBeGreaterThan(0);

    const ids = devices.flatMap((d) => [...d.acknowledged]);
    expect(new Set(ids).size).toBe(total);
    const db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    try {
      const stored = await db.query(`select count(*)::int as n from progress_report where id = any($1::uuid[])`, [ids]);
      expect(stored.rows[0].n).toBe(total);
      const audits = await db.query(
        `select count(*)::int as n, count(distinct entity_id)::int as d from audit_event where action = 'report.submit' and entity_id = any($1::text[])`,
        [ids],
      );
      expect(audits.rows[0]).toEqual({ n: total, d: total });
      const applied = await db.query(`select count(*)::int as n from progress_report`);
      expect(applied.rows[0].n).toBe(total);
    } finally {
      await db.end();
    }

    // The new process's worker takes the change log over and drains it by itself.
    const until = Date.now() + 30_000;
    for (;;) {
      const health = (await (await fetch(`${url}/healthz`)).json()) as { derived: { lagSeconds: number; unsealedAudit: number } };
      if (health.derived.lagSeconds === 0 && health.derived.unsealedAudit === 0) break;
      if (Date.now() > until) throw new Error(`background work did not resume: ${JSON.stringify(health)}`);
      await new Promise((r) => setTimeout(r, 250));
    }

    const derived = await runScript('src/scripts/derived-verify.ts', [], verifyEnv());
    expect(derived.output).toMatch(/0 differences/);
    expect(derived.code).toBe(0);
    const audit = await runScript('src/scripts/audit-verify.ts', [], verifyEnv());
    expect(audit.output).toMatch(/audit chain\(s\) intact/);
    expect(audit.code).toBe(0);
  }, 180_000);
});
