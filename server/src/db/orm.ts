import path from 'node:path';
import { defineConfig, MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { Logger } from '../common/logger.js';
import { migrationsList } from '../../../migrations/index.js';
import { entities } from './entities.js';

export const migrationsDir = path.resolve(import.meta.dirname, '../../../migrations');

/** MikroORM options for one PostgreSQL URL; the same for the app, the CLI scripts and tests. */
export function ormOptions(clientUrl: string, logger?: Logger): Options {
  return defineConfig({
    clientUrl,
    entities,
    extensions: [Migrator],
    debug: logger ? ['query'] : false,
    logger: (message) => logger?.debug(message),
    forceUtcTimezone: true,
    pool: { min: 0, max: 10 },
    migrations: {
      path: migrationsDir,
      pathTs: migrationsDir,
      glob: '!(*.d|index).{js,ts}',
      migrationsList,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      emit: 'ts',
    },
    // Entities are validated at discovery; a broken mapping stops the start, not a request.
    validate: true,
    strict: true,
  });
}

/** Connects and applies every pending migration. */
export async function openDatabase(clientUrl: string, logger?: Logger): Promise<MikroORM> {
  const orm = await MikroORM.init(ormOptions(clientUrl, logger));
  const applied = await orm.getMigrator().up();
  if (applied.length) logger?.info('migrations applied', { migrations: applied.map((m) => m.name) });
  return orm;
}
