import { execFile } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../../src/db/embedded.js';

const run = promisify(execFile);

/** A PostgreSQL cluster of its own, in a temporary directory, that a test may stop and start. */
export interface PgCluster {
  port: number;
  /** Where the server's binaries are (`pg_config --bindir`, or PG_BIN). */
  bin: string;
  url(database?: string): string;
  start(): Promise<void>;
  /** `fast`: open connections are ended, as in a restart; `immediate`: as in a crash. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  createDatabase(name: string): Promise<string>;
  destroy(): Promise<void>;
}

export async function postgresBinDir(): Promise<string> {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const { stdout } = await run('pg_config', ['--bindir']);
  return stdout.trim();
}

/**
 * initdb + pg_ctl of the installed PostgreSQL (Debian's postgresql-15 here), listening on a free
 * loopback port with trust authentication. As root, the binaries run as the `postgres` user,
 * since PostgreSQL refuses to run as root.
 */
export async function createPgCluster(): Promise<PgCluster> {
  const bin = await postgresBinDir();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'resolute-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const pgRun = (program: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(bin, program), ...args]) : run(path.join(bin, program), args);
  await pgRun('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  let running = false;
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const cluster: PgCluster = {
    port,
    bin,
    url,
    async start() {
      await pgRun('pg_ctl', [
        '-D',
        data,
        '-l',
        path.join(dir, 'server.log'),
        '-w',
        '-o',
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=50`,
        'start',
      ]);
      running = true;
    },
    async stop(mode = 'fast') {
      await pgRun('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']);
      running = false;
    },
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        await client.query(`create database "${name}"`);
      } finally {
        await client.end();
      }
      return url(name);
    },
    async destroy() {
      if (running) await cluster.stop('immediate').catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
  await cluster.start();
  return cluster;
}
