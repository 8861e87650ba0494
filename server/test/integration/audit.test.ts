import { spawn } from 'node:child_process';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../src/modules/accounts/role.js';
import { verifyAuditChains } from '../../src/modules/audit/audit-verify.js';
import { chainKeyFor } from '../../src/modules/audit/audit.service.js';
import { buildTree, buildUnit, tokenFor } from '../support/factories.js';
import { createTestApp, errorCode, ok, type TestApp } from '../support/test-app.js';

let t: TestApp;
let tree: Awaited<ReturnType<typeof buildTree>>;

beforeAll(async () => {
  t = await createTestApp();
  tree = await buildTree(t.em());
});
afterAll(() => t.close());

/** Writes `n` events into the chain of `unitPath` through the service, as the app does, and seals them. */
async function record(unitPath: string, n: number, action = 'test.event') {
  await append(unitPath, n, action);
  await t.drain();
}

/** Appends `n` events without sealing them. */
async function append(unitPath: string, n: number, action = 'test.event') {
  const em = t.em();
  for (let i = 0; i < n; i++) {
    await em.transactional((tx) =>
      t.app.services.audit.record(
        tx,
        { accountId: null, username: 'kiem.tra', unitId: null, unitPath },
        { action, entityType: 'Test', entityId: String(i), after: { i, note: 'Ghi chú' } },
      ),
    );
  }
}

/** Tampering as a database superuser would: past the append-only trigger. */
async function tamper(em: EntityManager, sql: string, params: unknown[]) {
  await em.transactional(async (tx) => {
    const ctx = tx.getTransactionContext();
    await tx.getConnection().execute(`set local session_replication_role = replica`, [], 'run', ctx);
    await tx.getConnection().execute(sql, params, 'run', ctx);
  });
}

async function eventIds(chainKey: string) {
  return t
    .em()
    .getConnection()
    .execute<{ id: string; chain_seq: string }[]>(
      `select id, chain_seq from audit_event where chain_key = ? order by chain_seq`,
      [chainKey],
    );
}

describe('audit chain', () => {
  it('refuses updates and deletes through the append-only trigger', async () => {
    const unit = await buildUnit(t.em(), { parent: tree.central });
    await record(unit.path, 1);
    const [row] = await eventIds(chainKeyFor(unit.path));
    await expect(t.em().getConnection().execute(`update audit_event set action = 'x' where id = ?`, [row!.id])).rejects.toThrow(
      /append-only/,
    );
    await expect(t.em().getConnection().execute(`delete from audit_event where id = ?`, [row!.id])).rejects.toThrow(
      /append-only/,
    );
  });

  it('appends events unsealed and the derived worker seals them in order, once', async () => {
    const unit = await buildUnit(t.em(), { parent: tree.central });
    await t.app.derived.stop();
    await append(unit.path, 3);
    const before = await verifyAuditChains(t.em());
    expect(before.problems).toEqual([]);
    expect(before.unsealed).toBeGreaterThanOrEqual(3);
    await t.drain();
    t.app.derived.start();
    const rows = await eventIds(chainKeyFor(unit.path));
    expect(rows.map((r) => r.chain_seq)).toEqual(['1', '2', '3']);
    expect((await verifyAuditChains(t.em())).unsealed).toBe(0);
    // A sealed event is never sealed again, nor changed.
    await expect(
      t.em().getConnection().execute(`update audit_event set hash = repeat('0', 64) where id = ?`, [rows[0]!.id]),
    ).rejects.toThrow(/append-only/);
  });

  it('keeps every unsealed event in the seal queue, and reports one that is not', async () => {
    const unit = await buildUnit(t.em(), { parent: tree.central });
    await t.app.derived.stop();
    try {
      await append(unit.path, 2);
      const conn = t.em().getConnection();
      const [queued] = await conn.execute<{ n: number }[]>(
        `select count(*)::int n from audit_event e join audit_unsealed q using (id) where e.chain_key = ?`,
        [chainKeyFor(unit.path)],
      );
      expect(queued!.n).toBe(2);
      const [lost] = await conn.execute<{ id: string }[]>(
        `delete from audit_unsealed where id = (select max(id) from audit_event where chain_key = ?) returning id::text`,
        [chainKeyFor(unit.path)],
      );
      const problems = (await verifyAuditChains(t.em())).problems.filter((p) => p.kind === 'UNQUEUED');
      expect(problems).toEqual([expect.objectContaining({ eventId: lost!.id })]);
      await conn.execute(`insert into audit_unsealed (id) values (?)`, [lost!.id]);
    } finally {
      t.app.derived.start();
    }
    await t.drain();
    expect((await verifyAuditChains(t.em())).problems).toEqual([]);
  });

  it('verifies intact chains', async () => {
    await record(tree.province.path, 3);
    await record(tree.otherProvince.path, 2);
    const result = await verifyAuditChains(t.em());
    expect(result.problems).toEqual([]);
    expect(result.events).toBeGreaterThanOrEqual(5);
  });

  it('finds an edited row', async () => {
    const unit = await buildUnit(t.em(), { parent: tree.central });
    await record(unit.path, 4);
    const rows = await eventIds(chainKeyFor(unit.path));
    await tamper(t.em(), `update audit_event set after = '{"i": 99}'::jsonb where id = ?`, [rows[2]!.id]);
    const problem = (await verifyAuditChains(t.em())).problems.find((p) => p.chainKey === chainKeyFor(unit.path));
    expect(problem).toMatchObject({ kind: 'EDITED', chainSeq: '3', eventId: rows[2]!.id });
  });

  it('finds a deleted row in the middle', async () => {
    const unit = await buildUnit(t.em(), { parent: tree.central });
    await record(unit.path, 4);
    const rows = await eventIds(chainKeyFor(unit.path));
    await tamper(t.em(), `delete from audit_event where id = ?`, [rows[1]!.id]);
    const problem = (await verifyAuditChains(t.em())).problems.find((p) => p.chainKey === chainKeyFor(unit.path));
    expect(problem).toMatchObject({ kind: 'MISSING', chainSeq: '2' });
  });

  it('finds deleted last rows through the chain head', async () => {
    const unit = await buildUnit(t.em(), { parent: tree.central });
    await record(unit.path, 3);
    const rows = await eventIds(chainKeyFor(unit.path));
    await tamper(t.em(), `delete from audit_event where id = ?`, [rows[2]!.id]);
    const problem = (await verifyAuditChains(t.em())).problems.find((p) => p.chainKey === chainKeyFor(unit.path));
    expect(problem).toMatchObject({ kind: 'TRUNCATED', chainSeq: '3' });
  });

  it('finds rows whose order was swapped', async () => {
    const unit = await buildUnit(t.em(), { parent: tree.central });
    await record(unit.path, 3);
    const rows = await eventIds(chainKeyFor(unit.path));
    const key = chainKeyFor(unit.path);
    await tamper(t.em(), `update audit_event set chain_seq = -1 where id = ?`, [rows[0]!.id]);
    await tamper(t.em(), `update audit_event set chain_seq = 1 where id = ?`, [rows[1]!.id]);
    await tamper(t.em(), `update audit_event set chain_seq = 2 where id = ?`, [rows[0]!.id]);
    const problem = (await verifyAuditChains(t.em())).problems.find((p) => p.chainKey === key);
    expect(problem?.kind).toMatch(/EDITED|BROKEN_LINK/);
    expect(problem?.chainSeq).toBe('1');
  });

  it('finds a row whose whole content and hash were rewritten, by the broken link after it', async () => {
    const unit = await buildUnit(t.em(), { parent: tree.central });
    await record(unit.path, 3);
    const rows = await eventIds(chainKeyFor(unit.path));
    await tamper(t.em(), `update audit_event set prev_hash = repeat('1', 64) where id = ?`, [rows[1]!.id]);
    const problem = (await verifyAuditChains(t.em())).problems.find((p) => p.chainKey === chainKeyFor(unit.path));
    expect(problem?.chainSeq).toBe('2');
  });
});

/** Runs `npm run audit:verify`'s script against this file's database. */
function runVerify(): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/scripts/audit-verify.ts'], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: t.databaseUrl, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

describe('npm run audit:verify', () => {
  it('prints the first broken link of each broken chain and exits with status 1', async () => {
    const unit = await buildUnit(t.em(), { parent: tree.central });
    await record(unit.path, 3);
    const rows = await eventIds(chainKeyFor(unit.path));
    await tamper(t.em(), `update audit_event set action = 'test.rewritten' where id = ?`, [rows[1]!.id]);
    const { code, output } = await runVerify();
    expect(output).toContain(`BROKEN EDITED at ${chainKeyFor(unit.path)}#2`);
    expect(code).toBe(1);
  }, 60_000);
});

describe('auditEvents', () => {
  const EVENTS = `query($filter: AuditEventFilter, $first: Int, $after: String) {
    auditEvents(filter: $filter, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } nodes { id action entityId actorUsername actorUnit { id } before after }
    }
  }`;
  interface Page {
    auditEvents: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      nodes: { id: string; action: string; entityId: string | null; after: { i: number } | null }[];
    };
  }

  it('shows admins and leaders the events of their subtree only, newest first, page by page', async () => {
    const unit = await buildUnit(t.em(), { parent: tree.commune });
    await record(unit.path, 5, 'test.mine');
    await record(tree.siblingCommune.path, 2, 'test.mine');
    const { token } = await tokenFor(t, tree.commune, [Role.LEADER]);
    const seen: number[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Page = ok(await t.gql<Page>(EVENTS, { filter: { actions: ['test.mine'] }, first: 2, after }, token));
      expect(page.auditEvents.totalCount).toBe(5);
      seen.push(...page.auditEvents.nodes.map((n) => n.after!.i));
      if (!page.auditEvents.pageInfo.hasNextPage) break;
      after = page.auditEvents.pageInfo.endCursor;
    }
    expect(seen).toEqual([4, 3, 2, 1, 0]);
  });

  it('answers NOT_FOUND for a unit outside the subtree and FORBIDDEN for other roles', async () => {
    const { token } = await tokenFor(t, tree.commune, [Role.ADMIN]);
    expect(errorCode(await t.gql(EVENTS, { filter: { unitId: tree.siblingCommune.id } }, token))).toBe('NOT_FOUND');
    const focal = await tokenFor(t, tree.commune, [Role.FOCAL, Role.REPORTER, Role.VIEWER]);
    expect(errorCode(await t.gql(EVENTS, {}, focal.token))).toBe('FORBIDDEN');
  });

  it('records sign-ins and account changes with before and after, never password hashes', async () => {
    const admin = await tokenFor(t, tree.province, [Role.ADMIN, Role.REPORTER]);
    const created = ok(
      await t.gql<{ createAccount: { account: { id: string } } }>(
        `mutation($input: CreateAccountInput!) { createAccount(input: $input) { account { id } } }`,
        { input: { username: 'audit.moi', displayName: 'Người mới', unitId: tree.commune.id, roles: ['REPORTER'] } },
        admin.token,
      ),
    ).createAccount.account;
    ok(await t.gql(`mutation($id: ID!) { resetPassword(id: $id) { temporaryPassword } }`, { id: created.id }, admin.token));
    const page = ok(await t.gql<Page>(EVENTS, { filter: { entityId: created.id } }, admin.token));
    expect(page.auditEvents.nodes.map((n) => n.action)).toEqual(['account.password_reset', 'account.created']);
    expect(JSON.stringify(page)).not.toMatch(/argon2|passwordHash|temporaryPassword/);
  });

  it('names the acting account, which the actor filter then takes', async () => {
    const admin = await tokenFor(t, tree.province, [Role.ADMIN]);
    const other = await tokenFor(t, tree.province, [Role.ADMIN]);
    const ward = await buildUnit(t.em(), { parent: tree.commune });
    const rename = `mutation($id: ID!, $name: String!) { updateUnit(id: $id, input: { name: $name }) { id } }`;
    ok(await t.gql(rename, { id: ward.id, name: 'Tên một' }, admin.token));
    ok(await t.gql(rename, { id: ward.id, name: 'Tên hai' }, other.token));
    const ACTORS = `query($filter: AuditEventFilter) { auditEvents(filter: $filter) { nodes { actorAccountId after } } }`;
    type Actors = { auditEvents: { nodes: { actorAccountId: string | null; after: { name: string } }[] } };
    const all = ok(await t.gql<Actors>(ACTORS, { filter: { entityId: ward.id } }, admin.token)).auditEvents.nodes;
    expect(all.map((n) => [n.actorAccountId, n.after.name])).toEqual([
      [other.account.id, 'Tên hai'],
      [admin.account.id, 'Tên một'],
    ]);
    const mine = ok(await t.gql<Actors>(ACTORS, { filter: { entityId: ward.id, actorAccountId: admin.account.id } }, admin.token))
      .auditEvents.nodes;
    expect(mine.map((n) => n.after.name)).toEqual(['Tên một']);
  });
});
