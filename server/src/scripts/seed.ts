// npm run seed: loads reference data and demo data into the configured database; safe to repeat.
import 'reflect-metadata';
import { loadConfig } from '../config.js';
import { createLogger } from '../common/logger.js';
import { connectDatabase } from '../db/database.js';
import { seedIfEmpty } from '../db/seed/seed.js';

const config = loadConfig();
const logger = createLogger(config.logLevel);
const db = await connectDatabase(config, logger);
try {
  await seedIfEmpty(db.orm.em.fork(), logger, { demo: !process.argv.includes('--reference-only'), print: true });
} finally {
  await db.close();
}
