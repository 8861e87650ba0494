import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { queryOnce } from './server-process.js';

const run = promisify(execFile);

/** The PostgreSQL server binaries (Debian: `pg_config --bindir`), or why there are none. */
export function postgresBinaries(): { bindir: string } | { missing: string } {
  let bindir: string;
  try {
    bindir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  } catch {
    return { missing: 'pg_config is not installed (Debian: apt-get install postgresql-15 postgresql-server-dev-15)' };
  }
  for (const tool of ['initdb', 'pg_ctl', 'pg_basebackup']) {
    if (!existsSync(path.join(bindir, tool))) return { missing: `${tool} is not in ${bindir} (apt-get install postgresql-15)` };
  }
  return { bindir };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface Cluster {
  dir: string;
  port: number;
  /** URL of `database` on this server. */
  url(database?: string): string;
  query<T>(sql: string, database?: string): Promise<T[]>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A primary and a streaming hot standby from the installed PostgreSQL binaries, each in a
 * temporary directory on a free port (initdb, then pg_basebackup -R). PostgreSQL refuses to run
 * as root: as root, the servers run as the `postgres` user.
 */
export async function startPrimaryAndStandby(
  bindir: string,
): Promise<{ primary: Cluster; standby: Cluster; close(): Promise<void> }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'resolute-replica-'));
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? await postgresUser() : null;
  if (owner) await chown(root, owner.uid, owner.gid);
  const exec = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', path.join(bindir, tool), ...args]) : run(path.join(bindir, tool), args);

  const cluster = (name: string, port: number): Cluster => {
    const dir = path.join(root, name);
    const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`;
    return {
      dir,
      port,
      url,
      query: <T>(sql: string, database?: string) => queryOnce<T>(url(database), sql),
      async start() {
        await exec('pg_ctl', ['-D', dir, '-l', path.join(root, `${name}.log`), '-w', '-t', '60', 'start']);
      },
      async stop() {
        await exec('pg_ctl', ['-D', dir, '-m', 'fast', '-w', 'stop']);
      },
    };
  };

  const primary = cluster('primary', await freePort());
  const standby = cluster('standby', await freePort());
  const settings = (port: number) =>
    [
      `port = ${port}`,
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = '${root}'`,
      'wal_level = replica',
      'max_wal_senders = 4',
      'hot_standby = on',
      // Small and quick: a test server, not a tuned one.
      'shared_buffers = 32MB',
      'fsync = off',
      'synchronous_commit = off',
      'full_page_writes = off',
    ].join('\n') + '\n';
  try {
    await exec('initdb', [
      '-D',
      primary.dir,
      '-U',
      'postgres',
      '--auth=trust',
      '--no-sync',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
    ]);
    await writeAsOwner(path.join(primary.dir, 'postgresql.auto.conf'), settings(primary.port), owner);
    await primary.start();
    await exec('pg_basebackup', [
      '-h',
      '127.0.0.1',
      '-p',
      String(primary.port),
      '-U',
      'postgres',
      '-D',
      standby.dir,
      '-R',
      '-X',
      'stream',
      '-c',
      'fast',
    ]);
    // -R appended primary_conninfo to postgresql.auto.conf; only the port differs.
    await writeAsOwner(path.join(standby.dir, 'postgresql.auto.conf'), `port = ${standby.port}\n`, owner, true);
    await standby.start();
  } catch (error) {
    await primary.stop().catch(() => {});
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  return {
    primary,
    standby,
    async close() {
      await standby.stop().catch(() => {});
      await primary.stop().catch(() => {});
      await rm(root, { recursive: true, force: true });
    },
  };
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const { stdout } = await run('id', ['-u', 'postgres']);
  const { stdout: gid } = await run('id', ['-g', 'postgres']);
  return { uid: Number(stdout.trim()), gid: Number(gid.trim()) };
}

async function writeAsOwner(
  file: string,
  text: string,
  owner: { uid: number; gid: number } | null,
  append = false,
): Promise<void> {
  await (append ? appendFile(file, text) : writeFile(file, text));
  if (owner) await chown(file, owner.uid, owner.gid);
}
