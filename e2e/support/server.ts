import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

const root = path.resolve(import.meta.dirname, '../..');

export interface RunningServer {
  url: string;
  databaseUrl: string | null;
  /** The server's DATA_DIR (evidence files live under files/). */
  dataDir: string;
  /** Runs SQL against the server's database (DATABASE_URL's or the embedded one). */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * The real server, as `npm start` runs it, on a free port against a fresh database seeded with
 * the demo data: a new database on DATABASE_URL's server, or an embedded PostgreSQL in a
 * temporary folder when DATABASE_URL is unset.
 */
export async function startServer(): Promise<RunningServer> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'resolute-e2e-'));
  const adminUrl = process.env.DATABASE_URL;
  let databaseUrl: string | null = null;
  let dbName: string | null = null;
  if (adminUrl) {
    dbName = `resolute_e2e_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: withDatabase(adminUrl, 'postgres') });
    await admin.connect();
    await admin.query(`create database "${dbName}"`);
    await admin.end();
    databaseUrl = withDatabase(adminUrl, dbName);
  }
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NODE_ENV: 'development',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    SEED_DEMO: 'true',
    LOG_LEVEL: 'info',
    WEB_DIST: path.join(root, 'web', 'dist'),
    // Journeys sign in often from one address.
    RATE_LIMIT_SIGNIN_PER_IP: '10000',
  };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: path.join(root, 'server'),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = output.match(/"url":"(http:\/\/localhost:\d+\/)".*?"msg":"listening"/);
      if (m) {
        clearInterval(timer);
        resolve(m[1]!.replace('localhost', '127.0.0.1'));
      } else if (child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`the server exited:\n${output}`));
      }
    }, 100);
  });
  if (!databaseUrl) {
    // The embedded PostgreSQL the server started in DATA_DIR: its port is logged, its password kept there.
    const port = output.match(/"port":(\d+).*?"msg":"embedded PostgreSQL started"/)?.[1];
    const password = (await readFile(path.join(dataDir, 'postgres-password'), 'utf8').catch(() => '')).trim();
    if (port && password) databaseUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/resolute`;
  }
  return {
    url,
    databaseUrl,
    dataDir,
    async sql(text, params = []) {
      if (!databaseUrl) throw new Error('the server did not say where its database is');
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        return (await client.query(text, params)).rows;
      } finally {
        await client.end();
      }
    },
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      if (adminUrl && dbName) {
        const admin = new pg.Client({ connectionString: withDatabase(adminUrl, 'postgres') });
        await admin.connect();
        await admin.query(`drop database if exists "${dbName}" with (force)`);
        await admin.end();
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
