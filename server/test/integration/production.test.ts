import { builtinModules } from 'node:module';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { ormOptions } from '../../src/db/orm.js';
import { Role } from '../../src/modules/accounts/role.js';
import { buildAccountWithPassword, PASSWORD, SIGN_IN, type SignInData } from '../support/auth-helpers.js';
import { buildUnit } from '../support/factories.js';
import {
  buildServer,
  graphql,
  health,
  queryOnce,
  serverDir,
  startCompiled,
  type ServerProcess,
} from '../support/server-process.js';
import { createTestDatabase } from '../support/test-app.js';

// The compiled server as an operator runs it: `npm run build`, then `node dist/main.js`.

const ME = `{ me { id username } }`;
const running: ServerProcess[] = [];
let databaseUrl: string;
let username: string;

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    DATA_DIR: '/tmp/resolute-test-data',
    LOG_LEVEL: 'info',
    JWT_SECRET: 'production-test-secret-'.padEnd(48, 'x'),
    SIGNIN_DELAY_MS: '1',
    ...(process.env.REDIS_URL
      ? { REDIS_URL: process.env.REDIS_URL, REDIS_KEY_PREFIX: `resolute-prod-test-${process.pid}:` }
      : {}),
    ...extra,
  };
}

function start(extra: Record<string, string> = {}): ServerProcess {
  const p = startCompiled(env(extra));
  running.push(p);
  onTestFailed(() => console.log(p.output()));
  return p;
}

const sql = <T>(query: string, params: unknown[] = []) => queryOnce<T>(databaseUrl, query, params);

/** Sessions holding the background leader's lock: exactly one when all is well. */
const leaderSessions = () =>
  sql<{ pid: number }>(
    `select a.pid from pg_stat_activity a join pg_locks l on l.pid = a.pid and l.locktype = 'advisory' and l.granted
      where a.datname = current_database() and a.application_name = 'resolute-leader'`,
  );

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  const orm = await MikroORM.init(ormOptions(databaseUrl));
  try {
    const em = orm.em.fork();
    const unit = await buildUnit(em, { kind: 'CENTRAL' });
    username = (await buildAccountWithPassword(em, unit, [Role.REPORTER])).username;
  } finally {
    await orm.close(true);
  }
  await buildServer();
}, 240_000);

afterAll(async () => {
  for (const p of running) if (p.child.exitCode === null) p.child.kill('SIGKILL');
});

describe('the production build', () => {
  it('imports nothing at run time but node built-ins and the server’s dependencies', async () => {
    const pkg = JSON.parse(await readFile(path.join(serverDir, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const allowed = new Set([...Object.keys(pkg.dependencies), ...builtinModules]);
    const dist = path.join(serverDir, 'dist');
    const files = (await readdir(dist, { recursive: true })).filter((f) => f.endsWith('.js'));
    expect(files).toContain('main.js');
    expect(files).toContain(path.join('server', 'src', 'main.js'));
    expect(files.some((f) => f.startsWith(`migrations${path.sep}`))).toBe(true);
    const used = new Set<string>();
    for (const file of files) {
      const code = await readFile(path.join(dist, file), 'utf8');
      const statements = code.matchAll(/^(?:import|export)\s(?:[^;]*?\sfrom\s*)?'([^']+)';$|\bimport\(\s*'([^']+)'\s*\)/gm);
      for (const [, a, b] of statements) {
        const spec = (a ?? b)!;
        if (spec.startsWith('.')) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (!name.startsWith('node:')) used.add(name);
      }
    }
    expect(used.size).toBeGreaterThan(5);
    expect([...used].filter((name) => !allowed.has(name))).toEqual([]);
  });

  it('serves /healthz and GraphQL from several processes, one of them the leader, another taking over when it dies', async () => {
    const p = start({ WEB_CONCURRENCY: '2' });
    let step = 'start';
    onTestFailed(() => console.log(`failed at: ${step}`));
    await p.waitFor(/"msg":"API processes started"/);
    const [, url] = await p.waitFor(/"url":"(http:\/\/localhost:\d+\/)","graphql"/);
    await until('two listening processes', async () =>
      (p.output().match(/"msg":"listening"/g) ?? []).length === 2 ? true : undefined,
    );
    // node:cluster gives every process the same port, even for PORT=0.
    expect(new Set(p.output().match(/"url":"http:\/\/localhost:\d+\/"/g))).toHaveLength(1);

    step = 'graphql';
    // A real query through the compiled resolvers, entities and migrations.
    const signIn = await graphql<SignInData>(url!, SIGN_IN, { username, password: PASSWORD });
    expect(signIn.errors).toBeUndefined();
    const me = await graphql<{ me: { username: string } }>(url!, ME, {}, signIn.data!.signIn.accessToken);
    expect(me).toMatchObject({ status: 200, data: { me: { username } } });

    step = 'both processes';
    // Requests on new connections reach both processes; exactly one of them leads.
    const seen = new Map<number, boolean>();
    await until('both processes and a leader', async () => {
      for (let i = 0; i < 10; i++) {
        const h = await health(url!);
        expect(h.status).toBe('ok');
        seen.set(h.pid, h.leader);
      }
      return seen.size === 2 && [...seen.values()].includes(true) ? true : undefined;
    });
    expect([...seen.values()].filter(Boolean)).toHaveLength(1);
    const [leaderPid] = [...seen].find(([, leader]) => leader)!;
    expect(await leaderSessions()).toHaveLength(1);

    step = 'kill';
    // Killed outright (no shutdown), the leader's session and lock go; another process leads within seconds.
    const killedAt = Date.now();
    process.kill(leaderPid, 'SIGKILL');
    const next = await until('a new leader', async () => {
      const h = await health(url!);
      return h.leader && h.pid !== leaderPid ? h.pid : undefined;
    });
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect(next).not.toBe(leaderPid);
    expect(await leaderSessions()).toHaveLength(1);
    step = 'replaced';
    // The supervisor replaces the dead process.
    await p.waitFor(/"msg":"API process exited; starting another"/);
    const pids = new Set<number>();
    await until('two processes again', async () => {
      pids.add((await health(url!)).pid);
      return pids.size >= 2 ? true : undefined;
    });
    expect(pids.has(leaderPid)).toBe(false);

    step = 'shutdown';
    const from = p.output().length;
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(
      (
        p
          .output()
          .slice(from)
          .match(/"msg":"stopped"/g) ?? []
      ).length,
    ).toBe(3);
    expect(await leaderSessions()).toHaveLength(0);
  }, 180_000);

  it('shares rate limits and revoked sign-ins between two separate processes', async () => {
    const [a, b] = [start({ RATE_LIMIT_SIGNIN_PER_USERNAME: '3' }), start({ RATE_LIMIT_SIGNIN_PER_USERNAME: '3' })];
    const [, urlA] = await a.waitFor(/"url":"(http:\/\/localhost:\d+\/)","graphql"/);
    const [, urlB] = await b.waitFor(/"url":"(http:\/\/localhost:\d+\/)","graphql"/);
    expect(urlA).not.toBe(urlB);
    await until('one leader of the two', async () => {
      const leaders = [(await health(urlA!)).leader, (await health(urlB!)).leader];
      return leaders.filter(Boolean).length === 1 ? true : undefined;
    });

    // Signed in through A, signed out through A: B refuses the token at once.
    const session = (await graphql<SignInData>(urlA!, SIGN_IN, { username, password: PASSWORD })).data!.signIn;
    expect((await graphql(urlB!, ME, {}, session.accessToken)).data).toMatchObject({ me: { username } });
    expect(
      (
        await graphql(
          urlA!,
          `
            mutation {
              signOut
            }
          `,
          {},
          session.accessToken,
        )
      ).data,
    ).toEqual({ signOut: true });
    const refused = await graphql(urlB!, ME, {}, session.accessToken);
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    // Three attempts for one username, spread over both processes, use up its limit everywhere.
    const other = `nobody.${Date.now()}`;
    for (const url of [urlA, urlB, urlA]) {
      const res = await graphql(url!, SIGN_IN, { username: other, password: 'wrong password' });
      expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    const limited = await graphql(urlB!, SIGN_IN, { username: other, password: 'wrong password' });
    expect(limited.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');

    a.child.kill('SIGTERM');
    b.child.kill('SIGTERM');
    expect([await a.exited, await b.exited]).toEqual([0, 0]);
  }, 180_000);
});
