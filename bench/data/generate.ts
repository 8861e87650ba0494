/**
 * npm run bench:data -- --scale national|province|small [--seed N] [--database-url URL] [--as-of YYYY-MM-DD] [--reset] [--verify]
 *
 * Creates the database if needed, migrates it with the app's migrations and fills it. The default
 * database is resolute_<scale> on the machine's PostgreSQL (or BENCH_DATABASE_URL).
 */
import 'reflect-metadata';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { ensureDatabase, generateDataset, SCALES, verifyDataset, type Progress, type Scale } from './dataset.js';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: 'province' },
    seed: { type: 'string', default: '57' },
    'database-url': { type: 'string' },
    'as-of': { type: 'string' },
    reset: { type: 'boolean', default: false },
    verify: { type: 'boolean', default: false },
  },
});

const scale = values.scale as Scale;
if (!SCALES.includes(scale)) {
  console.error(`--scale must be one of ${SCALES.join(', ')}, got "${values.scale}"`);
  process.exit(2);
}
if (!/^\d+$/.test(values.seed!)) {
  console.error(`--seed must be a whole number, got "${values.seed}"`);
  process.exit(2);
}
if (values['as-of'] && !/^\d{4}-\d{2}-\d{2}$/.test(values['as-of'])) {
  console.error(`--as-of must be a day (YYYY-MM-DD), got "${values['as-of']}"`);
  process.exit(2);
}
const databaseUrl =
  values['database-url'] ?? process.env.BENCH_DATABASE_URL ?? `postgres://postgres@127.0.0.1:5432/resolute_${scale}`;

const started = Date.now();
const fmt = (n: number) => n.toLocaleString('en-US');
function bar(p: Progress) {
  const width = 30;
  const filled = Math.round((p.done / p.total) * width);
  const s = (Date.now() - started) / 1000;
  process.stderr.write(
    `\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.round((p.done / p.total) * 100)}%  tasks ${fmt(p.tasks)}  reports ${fmt(p.reports)}  ${s.toFixed(0)} s  `,
  );
  if (p.done === p.total) process.stderr.write('\n');
}

await ensureDatabase(databaseUrl, values.reset!);
console.log(`Generating the ${scale} data set (seed ${values.seed}) into ${databaseUrl.replace(/:[^:@/]*@/, ':***@')}`);
const result = await generateDataset({
  databaseUrl,
  scale,
  seed: Number(values.seed),
  asOf: values['as-of'],
  onProgress: bar,
  log: (line) => console.log(line),
});
const total = (Date.now() - started) / 1000;
console.log(`\nData set as of ${result.asOf}, loaded in ${total.toFixed(1)} s on ${os.cpus().length} cores:`);
console.table(Object.fromEntries(Object.entries(result.counts).map(([t, n]) => [t, { rows: n }])));
console.table(Object.fromEntries(result.phases.map((p) => [p.phase, { seconds: Math.round(p.ms / 100) / 10 }])));

if (values.verify) {
  const t = Date.now();
  const violations = await verifyDataset(databaseUrl);
  console.log(`Invariants checked in ${((Date.now() - t) / 1000).toFixed(1)} s: ${violations.length ? 'VIOLATED' : 'all hold'}`);
  if (violations.length) {
    console.table(violations);
    process.exit(1);
  }
}
