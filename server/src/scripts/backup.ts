// npm run backup -- --out FILE: one archive of the database (pg_dump, custom format, from one
// snapshot), the evidence files and a manifest of row counts and checksums (README, "Backup and restore").
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { BackupError, createBackup, operatorPath, runBackupCommand } from './backup-archive.js';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
await runBackupCommand(async (config) => {
  if (!values.out) throw new BackupError('Say where to write the archive: npm run backup -- --out FILE');
  if (!config.databaseUrl) {
    throw new BackupError(
      'DATABASE_URL is not set. For the embedded database, stop the server and copy DATA_DIR, or point DATABASE_URL at it with a matching pg_dump (README, "Backup and restore")',
    );
  }
  const out = operatorPath(values.out);
  const m = await createBackup({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, out });
  const rows = Object.values(m.rowCounts).reduce((a, b) => a + b, 0);
  console.log(
    `Wrote ${out}: ${Object.keys(m.rowCounts).length} tables, ${rows} rows, ${Object.keys(m.files).length} evidence files (${m.pgDumpVersion}, server ${m.serverVersion})`,
  );
});
