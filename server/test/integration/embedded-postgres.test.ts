import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/common/logger.js';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('startEmbeddedPostgres', () => {
  it('starts a real PostgreSQL and keeps its data across restarts', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'resolute-embedded-'));
    dirs.push(dir);
    const logger = createLogger('silent');
    const first = await startEmbeddedPostgres(dir, logger, 'resolute');
    try {
      await query(first.url, `create table kept (note text); insert into kept values ('Lâm Đồng')`);
    } finally {
      await first.stop();
    }
    const second = await startEmbeddedPostgres(dir, logger, 'resolute');
    try {
      expect(await query(second.url, 'select note from kept')).toEqual([{ note: 'Lâm Đồng' }]);
      const [{ server_version }] = await query(second.url, 'show server_version');
      expect(Number.parseInt(server_version, 10)).toBeGreaterThanOrEqual(15);
    } finally {
      await second.stop();
    }
  }, 60_000);
});
