import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import 'reflect-metadata';
import { createLogger } from '../src/common/logger.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../src/db/embedded.js';
import { openDatabase } from '../src/db/orm.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A database URL whose database name is replaced per test file. */
    adminUrl: string;
    /** Name of a database with every migration applied, copied for each test file. */
    templateDb: string;
  }
}

/**
 * Uses DATABASE_URL's server when set (CI), otherwise starts an embedded PostgreSQL. Migrates a
 * template database once; each test file then gets its own copy, so files never interfere.
 */
export default async function setup(project: TestProject) {
  let embedded: EmbeddedDatabase | null = null;
  let tmp: string | null = null;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'resolute-test-'));
    embedded = await startEmbeddedPostgres(tmp, createLogger('silent'), 'postgres');
    adminUrl = embedded.url;
  }
  const templateDb = `resolute_tpl_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: withDatabase(adminUrl, 'postgres') });
  await admin.connect();
  await admin.query(`create database "${templateDb}"`);
  const orm = await openDatabase(withDatabase(adminUrl, templateDb));
  await orm.close(true);
  project.provide('adminUrl', adminUrl);
  project.provide('templateDb', templateDb);

  return async () => {
    // Drop every database this run made, then the server if it was ours.
    const { rows } = await admin.query<{ datname: string }>(`select datname from pg_database where datname like $1`, [
      `${templateDb.replace('tpl', '%')}%`,
    ]);
    for (const { datname } of rows) await admin.query(`drop database if exists "${datname}" with (force)`);
    await admin.query(`drop database if exists "${templateDb}" with (force)`);
    await admin.end();
    await embedded?.stop();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
