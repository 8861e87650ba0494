// npm run import -- FILE --kind units|accounts|tasks [--apply] --as USERNAME [--codes-out FILE] [--rows]
// Checks (and with --apply imports, all or nothing) a spreadsheet as the account USERNAME would
// through the committee screen: the same rules, scope and audit trail. Exit status 1 when a row is refused.
import 'reflect-metadata';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { AppError } from '../common/errors.js';
import { createLogger } from '../common/logger.js';
import { connectDatabase } from '../db/database.js';
import { ImportKind, ImportOutcome } from '../modules/imports/import-columns.js';
import { reasonMessage } from '../modules/imports/import-plan.js';
import { sniffFormat } from '../modules/imports/import-reader.js';
import { ImportService, type ImportPhase } from '../modules/imports/import.service.js';
import type { Role } from '../modules/accounts/role.js';
import type { Viewer } from '../modules/scope/viewer.js';
import { randomUUID } from 'node:crypto';

const USAGE = 'npm run import -- FILE --kind units|accounts|tasks [--apply] --as USERNAME [--codes-out FILE] [--rows]';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    kind: { type: 'string' },
    apply: { type: 'boolean', default: false },
    as: { type: 'string' },
    'codes-out': { type: 'string' },
    rows: { type: 'boolean', default: false },
  },
});
const kind = { units: ImportKind.UNITS, accounts: ImportKind.ACCOUNTS, tasks: ImportKind.TASKS }[values.kind ?? ''];
if (positionals.length !== 1 || !kind || !values.as) {
  console.error(`usage: ${USAGE}`);
  process.exit(2);
}
const cwd = process.env.INIT_CWD ?? process.cwd();
const file = path.resolve(cwd, positionals[0]!);

/** A one-line progress bar on stderr, redrawn at most ten times a second. */
function progressBar(): (phase: ImportPhase, done: number, total: number) => void {
  let last = 0;
  const tty = process.stderr.isTTY;
  return (phase, done, total) => {
    const now = Date.now();
    if (now - last < 100 && done !== total) return;
    last = now;
    const width = 30;
    const share = total ? Math.min(1, done / total) : 0;
    const bar = total
      ? `[${'#'.repeat(Math.round(share * width)).padEnd(width, '-')}] ${(share * 100).toFixed(0).padStart(3)}%`
      : '[reading…]';
    const line = `${phase.padEnd(5)} ${bar} ${done.toLocaleString('en')}${total ? `/${total.toLocaleString('en')}` : ''} rows`;
    if (tty) process.stderr.write(`\r${line.padEnd(72)}${done === total && phase === 'write' ? '\n' : ''}`);
    else if (done === total) process.stderr.write(`${line}\n`);
  };
}

const config = loadConfig();
const db = await connectDatabase(config, createLogger(config.logLevel === 'silent' ? 'warn' : config.logLevel));
let exitCode = 0;
try {
  const em = db.orm.em.fork();
  const [account] = await em.execute<
    { id: string; username: string; display_name: string; unit_id: string; path: string; roles: Role[] }[]
  >(
    `select a.id, a.username, a.display_name, a.unit_id, u.path, a.roles from account a join unit u on u.id = a.unit_id
      where a.username = ? and a.disabled_at is null and u.active`,
    [values.as.trim().toLowerCase()],
  );
  if (!account) throw new Error(`No enabled account "${values.as}"`);
  const viewer: Viewer = {
    accountId: account.id,
    username: account.username,
    displayName: account.display_name,
    unitId: account.unit_id,
    unitPath: account.path,
    roles: account.roles,
    mustChangePassword: false,
    familyId: randomUUID(),
  };
  const bytes = await readFile(file);
  const started = Date.now();
  let listed = false;
  const report = await new ImportService(config.activationCodeDays).run(em, viewer, kind, bytes, sniffFormat(bytes), {
    apply: values.apply,
    activationCodeDays: config.activationCodeDays,
    onProgress: progressBar(),
    // The outcomes stream out a page at a time: a national file's list is never held whole.
    onResults: (rows) => {
      for (const r of rows) {
        if (r.outcome !== ImportOutcome.REFUSED && !values.rows) continue;
        if (!listed) process.stderr.write('\n');
        listed = true;
        const why = r.reason ? `  ${r.column}: ${reasonMessage(r.reason, r.detail)}` : '';
        console.log(`row ${String(r.row).padStart(6)}  ${r.outcome.padEnd(9)} ${r.key}${why}`);
      }
    },
  });
  process.stderr.write('\n');
  const c = report.counts;
  const verb = report.applied ? 'imported' : 'dry run (nothing written; add --apply)';
  console.log(
    `${path.basename(file)}: ${report.totalRows} rows, ${verb}: ${c.CREATE} to create, ${c.UPDATE} to update, ${c.UNCHANGED} unchanged, ${c.REFUSED} refused (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  if (c.REFUSED) exitCode = 1;
  if (report.activationCodes) {
    const out = path.resolve(
      cwd,
      values['codes-out'] ?? `activation-codes-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.xlsx`,
    );
    await writeFile(out, report.activationCodes.sheet, { mode: 0o600 });
    await chmod(out, 0o600);
    console.log(
      `${report.activationCodes.count} activation codes written to ${out} (the only copy: hand them out, then delete the file)`,
    );
  }
} catch (error) {
  process.stderr.write('\n');
  if (error instanceof AppError) {
    console.error(`refused: ${error.message}`);
    exitCode = 1;
  } else {
    console.error('import failed:', error);
    exitCode = 2;
  }
} finally {
  await db.close();
}
process.exit(exitCode);
