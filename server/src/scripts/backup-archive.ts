import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import * as tar from 'tar';
import { ConfigError, loadConfig, type Config } from '../config.js';

const run = promisify(execFile);

/**
 * One backup archive (a plain tar): `manifest.json`, `database.dump` (pg_dump's custom format,
 * taken from the same snapshot as the manifest's row counts) and `files/<aa>/<sha256>`, the
 * evidence files, each named by its own checksum.
 */
export interface Manifest {
  format: 'resolute-backup/1';
  createdAt: string;
  serverVersion: string;
  pgDumpVersion: string;
  /** Rows per table at the snapshot the dump was taken from. */
  rowCounts: Record<string, number>;
  /** Evidence files: path inside `files/` → SHA-256 and size. */
  files: Record<string, { sha256: string; bytes: number }>;
}

export class BackupError extends Error {}

/** The PostgreSQL client programs: PG_BIN when set, otherwise whatever PATH finds. */
export async function pgTool(name: 'pg_dump' | 'pg_restore'): Promise<{ path: string; major: number; version: string }> {
  const tool = process.env.PG_BIN ? path.join(process.env.PG_BIN, name) : name;
  try {
    const { stdout } = await run(tool, ['--version']);
    const version = stdout.trim();
    const major = Number(/(\d+)(?:\.\d+)?/.exec(version.replace(/^\D+/, ''))?.[1]);
    return { path: tool, major, version };
  } catch {
    throw new BackupError(
      `${name} was not found${process.env.PG_BIN ? ` in PG_BIN (${process.env.PG_BIN})` : ' on PATH'}. ` +
        `Install the PostgreSQL client of the server's major version (Debian: apt-get install postgresql-client-<major>) ` +
        `or set PG_BIN to the directory holding ${name}.`,
    );
  }
}

async function serverMajor(client: pg.Client): Promise<{ major: number; version: string }> {
  const { rows } = await client.query<{ num: string; version: string }>(
    `select current_setting('server_version_num') as num, current_setting('server_version') as version`,
  );
  return { major: Math.floor(Number(rows[0]!.num) / 10000), version: rows[0]!.version };
}

async function tables(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ tablename: string }>(
    `select tablename from pg_tables where schemaname = 'public' order by tablename`,
  );
  return rows.map((r) => r.tablename);
}

async function rowCounts(client: pg.Client): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await tables(client)) {
    const { rows } = await client.query<{ n: number }>(`select count(*)::int as n from "${table}"`);
    counts[table] = rows[0]!.n;
  }
  return counts;
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

/** Stored evidence files under `<dataDir>/files`, without uploads still being staged. */
async function evidenceFiles(filesDir: string): Promise<string[]> {
  if (!existsSync(filesDir)) return [];
  const out: string[] = [];
  for (const prefix of await readdir(filesDir)) {
    if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
    for (const name of await readdir(path.join(filesDir, prefix))) if (/^[0-9a-f]{64}$/.test(name)) out.push(`${prefix}/${name}`);
  }
  return out.sort();
}

/**
 * Writes the archive of `databaseUrl` and `<dataDir>/files` to `out`. The row counts and the dump
 * share one exported snapshot, so the manifest describes exactly what the dump holds; files are
 * copied after it, and being content-addressed and never rewritten, cover every row that names one.
 */
export async function createBackup(options: { databaseUrl: string; dataDir: string; out: string }): Promise<Manifest> {
  const pgDump = await pgTool('pg_dump');
  const client = new pg.Client({ connectionString: options.databaseUrl, application_name: 'resolute-backup' });
  await client.connect();
  const work = await mkdtemp(path.join(os.tmpdir(), 'resolute-backup-'));
  try {
    const server = await serverMajor(client);
    if (pgDump.major < server.major) {
      throw new BackupError(
        `${pgDump.version} cannot dump a PostgreSQL ${server.version} server: install pg_dump ${server.major} or newer, or set PG_BIN`,
      );
    }
    await client.query('begin isolation level repeatable read read only');
    const { rows } = await client.query<{ snapshot: string }>('select pg_export_snapshot() as snapshot');
    const counts = await rowCounts(client);
    await run(pgDump.path, [
      '--format=custom',
      `--snapshot=${rows[0]!.snapshot}`,
      '--no-owner',
      '--no-privileges',
      `--file=${path.join(work, 'database.dump')}`,
      `--dbname=${options.databaseUrl}`,
    ]);
    await client.query('commit');

    const filesDir = path.join(options.dataDir, 'files');
    const files: Manifest['files'] = {};
    for (const rel of await evidenceFiles(filesDir)) {
      const target = path.join(work, 'files', rel);
      await mkdir(path.dirname(target), { recursive: true });
      await copyFile(path.join(filesDir, rel), target);
      const sha256 = await sha256Of(target);
      files[rel] = { sha256, bytes: (await stat(target)).size };
    }
    const manifest: Manifest = {
      format: 'resolute-backup/1',
      createdAt: new Date().toISOString(),
      serverVersion: server.version,
      pgDumpVersion: pgDump.version,
      rowCounts: counts,
      files,
    };
    await writeFile(path.join(work, 'manifest.json'), JSON.stringify(manifest, null, 2));
    await mkdir(path.dirname(path.resolve(options.out)), { recursive: true });
    await tar.create({ file: options.out, cwd: work, portable: true }, [
      'manifest.json',
      'database.dump',
      ...(Object.keys(files).length ? ['files'] : []),
    ]);
    return manifest;
  } finally {
    await client.end().catch(() => {});
    await rm(work, { recursive: true, force: true });
  }
}

export interface RestoreResult {
  manifest: Manifest;
  tables: number;
  rows: number;
  files: number;
}

/**
 * Loads an archive into an empty database and an empty files directory, then checks both against
 * the manifest: every table's row count and every file's checksum. Refuses a database that
 * already has tables, or a files directory that already has files.
 */
export async function restoreBackup(options: { archive: string; databaseUrl: string; dataDir: string }): Promise<RestoreResult> {
  if (!existsSync(options.archive)) throw new BackupError(`No archive at ${options.archive}`);
  const pgRestore = await pgTool('pg_restore');
  const work = await mkdtemp(path.join(os.tmpdir(), 'resolute-restore-'));
  const client = new pg.Client({ connectionString: options.databaseUrl, application_name: 'resolute-restore' });
  await client.connect();
  try {
    await tar.extract({ file: options.archive, cwd: work, strict: true });
    const manifest = JSON.parse(await readFile(path.join(work, 'manifest.json'), 'utf8')) as Manifest;
    if (manifest.format !== 'resolute-backup/1')
      throw new BackupError(`Not a Resolute backup: format ${String(manifest.format)}`);
    if ((await tables(client)).length) {
      throw new BackupError(
        'The target database already has tables: restore into an empty database (createdb, then DATABASE_URL)',
      );
    }
    const filesDir = path.join(options.dataDir, 'files');
    if ((await evidenceFiles(filesDir)).length)
      throw new BackupError(`${filesDir} already holds evidence files: restore into an empty DATA_DIR`);

    await run(pgRestore.path, [
      '--exit-on-error',
      '--single-transaction',
      '--no-owner',
      '--no-privileges',
      `--dbname=${options.databaseUrl}`,
      path.join(work, 'database.dump'),
    ]);
    const counts = await rowCounts(client);
    const wrong = Object.entries(manifest.rowCounts).filter(([table, n]) => counts[table] !== n);
    if (wrong.length) {
      throw new BackupError(
        `Restored row counts differ from the manifest: ${wrong.map(([t, n]) => `${t} ${counts[t] ?? 'missing'} (expected ${n})`).join(', ')}`,
      );
    }

    for (const [rel, expected] of Object.entries(manifest.files)) {
      if (!/^[0-9a-f]{2}\/[0-9a-f]{64}$/.test(rel)) throw new BackupError(`Unexpected file name in the manifest: ${rel}`);
      const from = path.join(work, 'files', rel);
      const actual = existsSync(from) ? await sha256Of(from) : 'missing';
      if (actual !== expected.sha256 || path.basename(rel) !== expected.sha256) {
        throw new BackupError(`Evidence file ${rel} does not match its checksum (${actual})`);
      }
      const to = path.join(filesDir, rel);
      await mkdir(path.dirname(to), { recursive: true });
      await copyFile(from, to);
    }
    return {
      manifest,
      tables: Object.keys(counts).length,
      rows: Object.values(counts).reduce((a, b) => a + b, 0),
      files: Object.keys(manifest.files).length,
    };
  } finally {
    await client.end().catch(() => {});
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Runs a backup command: the configuration with `npm start`'s data directory (the repository's
 * .data) unless DATA_DIR says otherwise; exit 0 when done, 2 with the message for what the
 * operator can fix, 1 with the stack for anything else.
 */
export async function runBackupCommand(main: (config: Config) => Promise<void>): Promise<never> {
  try {
    await main(
      loadConfig({ ...process.env, DATA_DIR: process.env.DATA_DIR ?? path.resolve(import.meta.dirname, '../../../.data') }),
    );
    process.exit(0);
  } catch (error) {
    if (error instanceof BackupError || error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    console.error('failed:', error);
    process.exit(1);
  }
}

/** A path typed by the operator: npm runs workspace scripts in server/, so relative means where it was typed. */
export function operatorPath(file: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
}
