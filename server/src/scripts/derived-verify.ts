// npm run derived:verify: applies what the change log still holds, then recomputes every derived
// table and field from the base tables; prints the differences and exits with status 1 if any.
import 'reflect-metadata';
import { loadConfig } from '../config.js';
import { createLogger } from '../common/logger.js';
import { connectDatabase } from '../db/database.js';
import { DerivedWorker } from '../modules/derived/derived-worker.js';
import { verifyDerived } from '../modules/derived/derived-verify.js';

const config = loadConfig();
const db = await connectDatabase(config, createLogger(config.logLevel === 'silent' ? 'warn' : config.logLevel));
let exitCode = 0;
try {
  if (!process.argv.includes('--no-drain')) await new DerivedWorker(db.orm, undefined, { warnings: config.warnings }).drain();
  const started = Date.now();
  const result = await verifyDerived(db.orm.em.fork(), { warnings: config.warnings });
  for (const d of result.differences) {
    console.error(`DIFFERENT ${d.check}: ${d.count} row(s)`);
    for (const e of d.examples) console.error(`  ${e}`);
  }
  const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
  if (result.differences.length) {
    console.error(`${result.differences.length} of ${result.checks} derived checks differ (${took})`);
    exitCode = 1;
  } else console.log(`All ${result.checks} derived checks match the base tables: 0 differences (${took})`);
} catch (error) {
  console.error('derived verification failed:', error);
  exitCode = 2;
} finally {
  await db.close();
}
process.exit(exitCode);
