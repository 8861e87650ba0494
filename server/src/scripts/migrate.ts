// npm run migrate: applies pending migrations to the configured database and exits.
import 'reflect-metadata';
import { loadConfig } from '../config.js';
import { createLogger } from '../common/logger.js';
import { connectDatabase } from '../db/database.js';

const config = loadConfig();
const db = await connectDatabase(config, createLogger(config.logLevel === 'silent' ? 'info' : config.logLevel));
await db.close();
