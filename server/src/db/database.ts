import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config.js';
import type { Logger } from '../common/logger.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded.js';
import { openDatabase } from './orm.js';
import { ReadReplicas } from './replicas.js';

export interface Database {
  orm: MikroORM;
  embedded: EmbeddedDatabase | null;
  /** DATABASE_REPLICA_URLS, or null when none is set. */
  replicas: ReadReplicas | null;
  close(): Promise<void>;
}

/** DATABASE_URL when set, otherwise an embedded PostgreSQL in DATA_DIR; migrations applied; replicas connected. */
export async function connectDatabase(config: Config, logger: Logger): Promise<Database> {
  const embedded = config.databaseUrl ? null : await startEmbeddedPostgres(config.dataDir, logger);
  const url = config.databaseUrl ?? embedded!.url;
  try {
    const orm = await openDatabase(url, logger);
    const replicas = config.databaseReplicaUrls.length
      ? await ReadReplicas.open(config.databaseReplicaUrls, { primary: orm, maxLagSeconds: config.replicaMaxLagSeconds, logger })
      : null;
    return {
      orm,
      embedded,
      replicas,
      async close() {
        await replicas?.close();
        await orm.close(true);
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}
