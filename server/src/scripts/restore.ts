// npm run restore -- FILE: loads a backup archive into the empty database at DATABASE_URL and the
// empty DATA_DIR, checks row counts and file checksums against its manifest, then the audit chains.
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { MikroORM } from '@mikro-orm/postgresql';
import { ormOptions } from '../db/orm.js';
import { verifyAuditChains } from '../modules/audit/audit-verify.js';
import { BackupError, operatorPath, restoreBackup, runBackupCommand } from './backup-archive.js';

const { positionals } = parseArgs({ allowPositionals: true });
await runBackupCommand(async (config) => {
  if (!positionals[0]) throw new BackupError('Name the archive: npm run restore -- FILE');
  if (!config.databaseUrl) throw new BackupError('Set DATABASE_URL to the empty database to restore into');
  const archive = operatorPath(positionals[0]);
  const r = await restoreBackup({ archive, databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  console.log(
    `Restored ${archive} (taken ${r.manifest.createdAt}): ${r.tables} tables and ${r.rows} rows match the manifest; ${r.files} evidence files match their checksums`,
  );
  const orm = await MikroORM.init(ormOptions(config.databaseUrl));
  try {
    const audit = await verifyAuditChains(orm.em.fork());
    if (audit.problems.length) throw new BackupError(`${audit.problems.length} audit chain(s) broken in the restored database`);
    console.log(`All ${audit.chains} audit chain(s) intact: ${audit.events} events verified`);
  } finally {
    await orm.close(true);
  }
});
