/**
 * npm run bench:import -- [--database-url URL] [--provinces 34] [--communes 3300] [--cells 50000]
 *   [--accounts 150000] [--dir DIR]
 *
 * Onboarding a country from spreadsheets: generates XLSX files of the national shape (units in
 * reverse order, children before their parents, so every parent is resolved within the file;
 * accounts for every unit; a task per province and a sub-task per commune), then imports them
 * into an empty database of its own (default `import_bench`, never a resolute_* one) through
 * the import service as the central administrator would: dry run, then apply. Prints the phases,
 * the peak memory, a Markdown table and a `BENCH {json}` line; then drains the derived worker and
 * checks `derived:verify` finds no difference.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import ExcelJS from 'exceljs';
import pg from 'pg';
import { createLogger } from '../server/src/common/logger.js';
import { loadConfig } from '../server/src/config.js';
import { connectDatabase } from '../server/src/db/database.js';
import { Role } from '../server/src/modules/accounts/role.js';
import { DerivedWorker } from '../server/src/modules/derived/derived-worker.js';
import { verifyDerived } from '../server/src/modules/derived/derived-verify.js';
import { COLUMNS, ImportKind } from '../server/src/modules/imports/import-columns.js';
import { ImportService, type ImportPhase } from '../server/src/modules/imports/import.service.js';
import type { Viewer } from '../server/src/modules/scope/viewer.js';
import { CELL_KINDS, FAMILY, GIVEN, MIDDLE, PLACE_WORDS } from './data/names.js';

const { values } = parseArgs({
  options: {
    'database-url': {
      type: 'string',
      default: process.env.BENCH_IMPORT_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/import_bench',
    },
    provinces: { type: 'string', default: '34' },
    communes: { type: 'string', default: '3300' },
    cells: { type: 'string', default: '50000' },
    accounts: { type: 'string', default: '150000' },
    dir: { type: 'string', default: path.join(os.tmpdir(), 'resolute-bench-import') },
  },
});
const databaseUrl = values['database-url']!;
const dbName = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
if (!dbName || dbName.startsWith('resolute_')) {
  console.error(
    `bench:import drops and recreates its database; refusing "${dbName}" (resolute_* databases hold the benchmark data)`,
  );
  process.exit(2);
}
const N = {
  provinces: Number(values.provinces),
  communes: Number(values.communes),
  cells: Number(values.cells),
  accounts: Number(values.accounts),
};
const fmt = (n: number) => n.toLocaleString('en-US');
const pick = <T>(list: readonly T[], i: number): T => list[i % list.length]!;

// ── the files ────────────────────────────────────────────────────────────────────────────────

async function writeXlsx(
  file: string,
  kind: ImportKind,
  rows: (onRow: (cells: (string | number)[]) => void) => void,
): Promise<number> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: createWriteStream(file),
    useSharedStrings: false,
    useStyles: false,
  });
  const ws = wb.addWorksheet('Dữ liệu');
  ws.addRow(COLUMNS[kind].map((c) => c.vi)).commit();
  let n = 0;
  rows((cells) => {
    ws.addRow(cells).commit();
    n++;
  });
  ws.commit();
  await wb.commit();
  return n;
}

const provinceCode = (p: number) => `P${String(p + 1).padStart(2, '0')}`;
const communeCode = (c: number) => `P${String((c % N.provinces) + 1).padStart(2, '0')}-X${String(c + 1).padStart(4, '0')}`;
const cellCode = (k: number) => `${communeCode(k % N.communes)}-C${String(k + 1).padStart(5, '0')}`;

async function generate(dir: string) {
  await mkdir(dir, { recursive: true });
  const units = path.join(dir, 'units.xlsx');
  const accounts = path.join(dir, 'accounts.xlsx');
  const tasks = path.join(dir, 'tasks.xlsx');
  // Children first: cells, then communes, then provinces.
  const unitRows = await writeXlsx(units, ImportKind.UNITS, (row) => {
    for (let k = N.cells - 1; k >= 0; k--)
      row([cellCode(k), `${pick(CELL_KINDS, k)} ${k + 1}`, 'CELL', communeCode(k % N.communes)]);
    for (let c = N.communes - 1; c >= 0; c--)
      row([communeCode(c), `Xã ${pick(PLACE_WORDS, c)} ${c + 1}`, 'COMMUNE', provinceCode(c % N.provinces)]);
    for (let p = N.provinces - 1; p >= 0; p--)
      row([provinceCode(p), `Tỉnh ${pick(PLACE_WORDS, p * 7)} ${p + 1}`, 'PROVINCE', 'TW']);
  });
  const accountRows = await writeXlsx(accounts, ImportKind.ACCOUNTS, (row) => {
    let n = 0;
    const person = (i: number) => `${pick(FAMILY, i)} ${pick(MIDDLE, i * 3)} ${pick(GIVEN, i * 7)}`;
    for (let p = 0; p < N.provinces && n < N.accounts; p++, n++)
      row([`admin.${provinceCode(p).toLowerCase()}`, person(n), provinceCode(p), 'ADMIN, LEADER']);
    for (let c = 0; c < N.communes && n < N.accounts; c++, n++)
      row([`daumoi.${communeCode(c).toLowerCase()}`, person(n), communeCode(c), 'FOCAL']);
    for (let i = 0; n < N.accounts; i++, n++) {
      const k = i % N.cells;
      row([`canbo${Math.floor(i / N.cells) + 1}.${cellCode(k).toLowerCase()}`, person(n), cellCode(k), 'REPORTER']);
    }
  });
  // Columns: reference, parent, resolution, title, lead unit, person, result, description, start, due, priority, weight.
  const taskRows = await writeXlsx(tasks, ImportKind.TASKS, (row) => {
    for (let c = 0; c < N.communes; c++)
      row([
        `T-${communeCode(c)}`,
        `T-${provinceCode(c % N.provinces)}`,
        '',
        `Triển khai chuyển đổi số tại xã ${c + 1}`,
        communeCode(c),
        '',
        '',
        '',
        '',
        '2027-06-30',
        'NORMAL',
        1,
      ]);
    for (let p = 0; p < N.provinces; p++)
      row([
        `T-${provinceCode(p)}`,
        '',
        '57-NQ/TW',
        `Chỉ đạo chuyển đổi số tỉnh ${p + 1}`,
        provinceCode(p),
        '',
        '',
        '',
        '',
        '2027-12-31',
        'HIGH',
        1,
      ]);
  });
  return { units, accounts, tasks, unitRows, accountRows, taskRows };
}

// ── the database ─────────────────────────────────────────────────────────────────────────────

async function freshDatabase() {
  const u = new URL(databaseUrl);
  u.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: u.toString() });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${dbName}" with (force)`);
    await admin.query(`create database "${dbName}"`);
  } finally {
    await admin.end();
  }
}

// ── the run ──────────────────────────────────────────────────────────────────────────────────

const generated = Date.now();
const files = await generate(values.dir!);
const generateSeconds = (Date.now() - generated) / 1000;
await freshDatabase();
const config = loadConfig({
  NODE_ENV: 'production',
  DATABASE_URL: databaseUrl,
  LOG_LEVEL: 'warn',
  JWT_SECRET: randomUUID() + randomUUID(),
  DERIVED_WORKER: 'false',
});
const db = await connectDatabase(config, createLogger('warn'));
const em = () => db.orm.em.fork();

// The central unit, its administrator (also a focal officer, for the tasks) and its plan for 57.
const centralId = randomUUID();
const adminId = randomUUID();
const [{ seq }] = await em().execute<{ seq: number }[]>(`select nextval('unit_seq')::int as seq`);
const centralPath = `/${seq.toString(36)}/`;
await em().execute(
  `insert into unit (id, seq, code, name, kind, path, depth) values (?, ?, 'TW', 'Trung ương', 'CENTRAL', ?, 0)`,
  [centralId, seq, centralPath],
);
await em().execute(
  `insert into account (id, username, display_name, unit_id, roles, password_hash, must_change_password) values (?, 'admin.tw', 'Quản trị Trung ương', ?, ?, '!', false)`,
  [adminId, centralId, `{${Object.values(Role).join(',')}}`],
);
const resolutionId = randomUUID();
await em().execute(
  `insert into resolution (id, code, title_vi, title_en, issued_on) values (?, '57-NQ/TW', 'Nghị quyết 57', 'Resolution 57', '2024-12-22')`,
  [resolutionId],
);
await em().execute(
  `insert into action_plan (id, resolution_id, owner_unit_id, title, period_start, period_end) values (?, ?, ?, 'Kế hoạch 57', '2025-01-01', '2030-12-31')`,
  [randomUUID(), resolutionId, centralId],
);
const viewer: Viewer = {
  accountId: adminId,
  username: 'admin.tw',
  displayName: 'Quản trị Trung ương',
  unitId: centralId,
  unitPath: centralPath,
  roles: Object.values(Role),
  mustChangePassword: false,
  familyId: randomUUID(),
};

// The process before any file is read (modules, pool, the generated files gone): what the import adds is above it.
const rssBefore = process.memoryUsage().rss;
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
const service = new ImportService(config.activationCodeDays);
interface Run {
  file: string;
  rows: number;
  bytes: number;
  drySeconds: number;
  applySeconds: number;
  phases: Record<ImportPhase, number>;
  created: number;
}
const runs: Run[] = [];
let sheetBytes = 0;

for (const [kind, file, rows] of [
  [ImportKind.UNITS, files.units, files.unitRows],
  [ImportKind.ACCOUNTS, files.accounts, files.accountRows],
  [ImportKind.TASKS, files.tasks, files.taskRows],
] as const) {
  const bytes = await readFile(file);
  const dryStart = Date.now();
  const dry = await service.run(em(), viewer, kind, bytes, 'xlsx', { apply: false, activationCodeDays: 14 });
  const drySeconds = (Date.now() - dryStart) / 1000;
  if (dry.counts.REFUSED)
    throw new Error(
      `${path.basename(file)}: ${dry.counts.REFUSED} rows refused in the dry run, first ${JSON.stringify(dry.rows.find((r) => r.reason))}`,
    );
  const phases: Record<ImportPhase, number> = { read: 0, check: 0, write: 0 };
  let phase: ImportPhase = 'read';
  let at = Date.now();
  const started = at;
  let shown = 0;
  const report = await service.run(em(), viewer, kind, bytes, 'xlsx', {
    apply: true,
    activationCodeDays: 14,
    onProgress: (p, done, total) => {
      if (p !== phase) {
        phases[phase] += (Date.now() - at) / 1000;
        phase = p;
        at = Date.now();
      }
      if (Date.now() - shown > 250 || done === total) {
        shown = Date.now();
        const share = total ? done / total : 0;
        process.stderr.write(
          `\r${path.basename(file).padEnd(14)} ${p.padEnd(5)} [${'#'.repeat(Math.round(share * 30)).padEnd(30, '-')}] ${fmt(done)}${total ? `/${fmt(total)}` : ''}   `,
        );
      }
    },
  });
  phases[phase] += (Date.now() - at) / 1000;
  process.stderr.write('\n');
  // The codes sheet is now written while the accounts are (its time is within the apply's).
  if (report.activationCodes) sheetBytes = report.activationCodes.sheet.length;
  runs.push({
    file: path.basename(file),
    rows,
    bytes: (await stat(file)).size,
    drySeconds,
    applySeconds: (Date.now() - started) / 1000,
    phases,
    created: report.counts.CREATE,
  });
}
clearInterval(sampler);
const [{ units, accounts, tasks, events }] = await em().execute<
  { units: string; accounts: string; tasks: string; events: string }[]
>(
  `select (select count(*) from unit) units, (select count(*) from account) accounts, (select count(*) from task) tasks, (select count(*) from audit_event) events`,
);

// Idempotence at full size: the same files again change nothing.
const againStart = Date.now();
const again = await service.run(em(), viewer, ImportKind.ACCOUNTS, await readFile(files.accounts), 'xlsx', {
  apply: true,
  activationCodeDays: 14,
});
const againSeconds = (Date.now() - againStart) / 1000;

const drainStart = Date.now();
await new DerivedWorker(db.orm, undefined, { warnings: config.warnings }).drain();
const drainSeconds = (Date.now() - drainStart) / 1000;
const verification = await verifyDerived(em(), { warnings: config.warnings });
await db.close();
await rm(values.dir!, { recursive: true, force: true });

const applyTotal = runs.reduce((s, r) => s + r.applySeconds, 0);
console.log(`date: ${new Date().toISOString()}`);
console.log(
  `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.log(
  `database: ${databaseUrl.replace(/:[^:@/]*@/, ':***@')} (created for this run); files generated in ${generateSeconds.toFixed(1)} s`,
);
console.log(
  `after: ${fmt(Number(units))} units, ${fmt(Number(accounts))} accounts, ${fmt(Number(tasks))} tasks, ${fmt(Number(events))} audit events\n`,
);
console.log('| file | rows | size | dry run | apply | read | check | write | created |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of runs)
  console.log(
    `| ${r.file} | ${fmt(r.rows)} | ${(r.bytes / 1048576).toFixed(1)} MiB | ${r.drySeconds.toFixed(1)} s | ${r.applySeconds.toFixed(1)} s | ${r.phases.read.toFixed(1)} s | ${r.phases.check.toFixed(1)} s | ${r.phases.write.toFixed(1)} s | ${fmt(r.created)} |`,
  );
console.log(
  `| **all three** | ${fmt(runs.reduce((s, r) => s + r.rows, 0))} | | ${runs.reduce((s, r) => s + r.drySeconds, 0).toFixed(1)} s | **${applyTotal.toFixed(1)} s** | | | | |`,
);
console.log(
  `\nactivation codes sheet: ${(sheetBytes / 1048576).toFixed(1)} MiB (written during the apply); peak RSS ${(peakRss / 1048576).toFixed(0)} MiB (${(rssBefore / 1048576).toFixed(0)} MiB before the first file, V8 heap limit ${(v8.getHeapStatistics().heap_size_limit / 1048576).toFixed(0)} MiB); accounts re-imported: ${again.counts.UNCHANGED} unchanged, ${again.counts.CREATE + again.counts.UPDATE} changed, in ${againSeconds.toFixed(1)} s; derived worker drained in ${drainSeconds.toFixed(1)} s; derived:verify ${verification.differences.length ? `${verification.differences.length} DIFFERENCES` : '0 differences'}`,
);
console.log(
  `BENCH ${JSON.stringify({
    bench: 'import',
    cores: os.cpus().length,
    units: runs[0]!.created,
    accounts: runs[1]!.created,
    tasks: runs[2]!.created,
    applySeconds: Math.round(applyTotal * 10) / 10,
    drySeconds: Math.round(runs.reduce((s, r) => s + r.drySeconds, 0) * 10) / 10,
    perFile: Object.fromEntries(runs.map((r) => [r.file, Math.round(r.applySeconds * 10) / 10])),
    codesSheetMiB: Math.round((sheetBytes / 1048576) * 10) / 10,
    peakRssMiB: Math.round(peakRss / 1048576),
    rssBeforeMiB: Math.round(rssBefore / 1048576),
    heapLimitMiB: Math.round(v8.getHeapStatistics().heap_size_limit / 1048576),
    reimportUnchanged: again.counts.UNCHANGED,
    derivedDifferences: verification.differences.length,
    targetSeconds: 120,
  })}`,
);
process.exit(verification.differences.length || applyTotal > 120 ? 1 : 0);
