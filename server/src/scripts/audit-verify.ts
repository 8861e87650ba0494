// npm run audit:verify: walks every audit hash chain; prints the first broken link of each and
// exits with status 1 when any chain is broken.
import 'reflect-metadata';
import { loadConfig } from '../config.js';
import { createLogger } from '../common/logger.js';
import { connectDatabase } from '../db/database.js';
import { verifyAuditChains } from '../modules/audit/audit-verify.js';

const config = loadConfig();
const db = await connectDatabase(config, createLogger(config.logLevel === 'silent' ? 'warn' : config.logLevel));
let exitCode = 0;
try {
  const result = await verifyAuditChains(db.orm.em.fork());
  for (const p of result.problems) console.error(`BROKEN ${p.kind} at ${p.chainKey}#${p.chainSeq}: ${p.message}`);
  if (result.problems.length) {
    console.error(`${result.problems.length} of ${result.chains} audit chain(s) broken (${result.events} events read)`);
    exitCode = 1;
  } else {
    console.log(`All ${result.chains} audit chain(s) intact: ${result.events} events verified`);
  }
  if (result.unsealed)
    console.log(
      `${result.unsealed} event(s) appended and not yet sealed (oldest ${result.oldestUnsealedAt?.toISOString()}): the derived worker links them next`,
    );
} catch (error) {
  console.error('audit verification failed:', error);
  exitCode = 2;
} finally {
  await db.close();
}
process.exit(exitCode);
