/**
 * The national-scale data generator: units of every level, accounts, plans, task trees of depth
 * 3–5 for the seven resolutions, indicators, progress reports with their review history and
 * notifications, written with COPY into a database migrated by the app's own migrations. The
 * same seed and `asOf` day give the same rows. Every invariant the application keeps (progress is
 * the latest approved report or the weighted rollup of the children, completion, last report,
 * unit paths and seqs, assigner above lead) holds, and `verifyDataset` checks it.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { localDay } from '../../server/src/common/dates.js';
import { MikroORM } from '@mikro-orm/postgresql';
import { migrationsList } from '../../migrations/index.js';
import { openDatabase, ormOptions } from '../../server/src/db/orm.js';
import { DEMO_PASSWORD, seedReference } from '../../server/src/db/seed/seed.js';
import { seededRandom } from '../../server/src/db/seed/deterministic.js';
import { hashPassword } from '../../server/src/modules/accounts/password.js';
import { unitPath } from '../../server/src/modules/organisations/unit-path.js';
import { CopyWriter } from './copy-writer.js';
import {
  CELL_KINDS,
  FAMILY,
  GIVEN,
  MIDDLE,
  NARRATIVES,
  OBSTACLES,
  PLACE_WORDS,
  RESPONSIBLE,
  RETURN_COMMENTS,
  THEMES,
} from './names.js';
import { dropForLoad, restoreSchema, schemaFingerprint } from './schema-guard.js';

export type Scale = 'national' | 'province' | 'small';
export const SCALES: Scale[] = ['national', 'province', 'small'];

interface ScaleSpec {
  /** Province codes that get communes, cells and tasks; null for all 34. */
  provinces: string[] | null;
  /** Communes per province: a fixed number, or spread around the national average. */
  communes: number | 'national';
  cells: [number, number];
  roots: [number, number];
  communeShare: [number, number];
  cellShare: [number, number];
  reports: [number, number];
}

const NATIONAL_COMMUNES = 3300;

const SPECS: Record<Scale, ScaleSpec> = {
  national: {
    provinces: null,
    communes: 'national',
    cells: [9, 21],
    roots: [5, 6],
    communeShare: [0.55, 1],
    cellShare: [0.6, 1],
    reports: [2, 10],
  },
  province: {
    provinces: ['P-LAMDONG'],
    communes: 'national',
    cells: [9, 21],
    roots: [5, 6],
    communeShare: [0.55, 1],
    cellShare: [0.6, 1],
    reports: [2, 10],
  },
  small: {
    provinces: ['P-LAMDONG', 'P-HANOI'],
    communes: 3,
    cells: [3, 3],
    roots: [1, 2],
    communeShare: [1, 1],
    cellShare: [1, 1],
    reports: [1, 4],
  },
};

/** The migrations whose tables the generator knows; later ones are applied after the load. */
const LOADED_MIGRATIONS = ['Migration20261130013220', 'Migration20261130020000_workflow'];

/** Tables written in bulk; their indexes and foreign keys are rebuilt after the load. */
const BULK_TABLES = ['action_plan', 'task', 'task_coordinator', 'indicator', 'progress_report', 'report_indicator_value'];
const OPTIONAL_BULK_TABLES = ['notification', 'task_assignment'];

export interface Progress {
  done: number;
  total: number;
  tasks: number;
  reports: number;
}

export interface GenerateOptions {
  databaseUrl: string;
  scale: Scale;
  seed: number;
  /** The day the data is "as of"; reports and reviews never lie after its start. Default: today in Vietnam. */
  asOf?: string;
  onProgress?: (p: Progress) => void;
  log?: (line: string) => void;
}

export interface GenerateResult {
  counts: Record<string, number>;
  phases: { phase: string; ms: number }[];
  asOf: string;
}

// ---------------------------------------------------------------------------------------------
// Small deterministic helpers

function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');

/** Unique, random-looking v4-shaped UUIDs from a counter: mix32 is a bijection, so no collisions. */
class IdMaker {
  private n = 0;
  private readonly salts: number[];
  constructor(seed: number, kind: string) {
    const h = createHash('sha256').update(`${seed}:${kind}`).digest();
    this.salts = [h.readUInt32LE(0), h.readUInt32LE(4), h.readUInt32LE(8), h.readUInt32LE(12)];
  }
  next(): string {
    const n = ++this.n;
    const a = hex8(mix32(n ^ this.salts[0]!));
    const b = hex8(mix32(n + this.salts[1]!));
    const c = hex8(mix32(n ^ this.salts[2]!) ^ this.salts[3]!);
    const d = hex8(mix32(Math.imul(n, 0x9e3779b1) ^ this.salts[3]!));
    return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${'89ab'[parseInt(c[0]!, 16) & 3]}${c.slice(1, 4)}-${c.slice(4)}${d}`;
  }
}

/** Stable ids for units and accounts, as the app's seeder makes them. */
function stableUuid(name: string): string {
  const h = createHash('sha256').update(`resolute:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const DAY = 86_400_000;
const dayNumber = (day: string) => Math.round(Date.parse(`${day}T00:00:00Z`) / DAY);
const dayCache = new Map<number, string>();
function dayString(n: number): string {
  let s = dayCache.get(n);
  if (!s) dayCache.set(n, (s = new Date(n * DAY).toISOString().slice(0, 10)));
  return s;
}
const iso = (ms: number) => new Date(ms).toISOString();
/** Local (UTC+7) midnight of day `n` in epoch ms. */
const localMidnight = (n: number) => n * DAY - 7 * 3_600_000;

type Rand = () => number;
const between = (r: Rand, [lo, hi]: [number, number]) => lo + r() * (hi - lo);
const intBetween = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

function asciiSlug(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D');
}

function personName(r: Rand): string {
  return `${pick(r, FAMILY)} ${pick(r, MIDDLE)} ${pick(r, GIVEN)}`;
}

// ---------------------------------------------------------------------------------------------
// Units and accounts

interface UnitRow {
  id: string;
  seq: number;
  code: string;
  name: string;
  kind: string;
  parent: UnitRow | null;
  path: string;
  depth: number;
  children: UnitRow[];
  /** Account ids by role name in this unit. */
  leader?: string;
  focal?: string;
  reporter?: string;
}

// ---------------------------------------------------------------------------------------------
// Tasks

interface IndicatorRow {
  id: string;
  name: string;
  unit: string;
  baseline: number;
  target: number;
  lowerIsBetter: boolean;
  dueDay: number | null;
  current: number | null;
}

interface TaskNode {
  id: string;
  parent: TaskNode | null;
  depth: number;
  assigner: UnitRow;
  lead: UnitRow;
  plan: string;
  title: string;
  description: string | null;
  responsible: string | null;
  responsibleAccount: string | null;
  expected: string | null;
  startDay: number;
  dueDay: number | null;
  /** The due day used for timelines when the task itself has none. */
  timelineDue: number;
  priority: string;
  weight: number;
  progress: number;
  state: 'OPEN' | 'COMPLETED' | 'CANCELLED';
  completedAt: number | null;
  cancelledAt: number | null;
  lastReportAt: number | null;
  createdAt: number;
  children: TaskNode[];
  indicators: IndicatorRow[];
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** Progress of a parent: the weighted mean of its children that are not cancelled, to 0.01 (docs/WORKFLOW.md). */
export function rollup(children: { weight: number; progress: number; state: string }[]): number {
  let w = 0;
  let s = 0;
  for (const c of children) {
    if (c.state === 'CANCELLED') continue;
    w += c.weight;
    s += c.weight * c.progress;
  }
  return w > 0 ? Math.round((s / w) * 100) / 100 : 0;
}

async function tableColumns(client: pg.Client, table: string): Promise<Set<string>> {
  const { rows } = await client.query<{ column_name: string }>(
    `select column_name from information_schema.columns where table_schema = 'public' and table_name = $1`,
    [table],
  );
  return new Set(rows.map((r) => r.column_name));
}

/** Creates the database named in `url` when it does not exist; with `reset`, drops it first. */
export async function ensureDatabase(url: string, reset: boolean): Promise<void> {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.slice(1));
  u.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: u.toString() });
  await admin.connect();
  try {
    if (reset) await admin.query(`drop database if exists "${name}" with (force)`);
    const { rowCount } = await admin.query(`select 1 from pg_database where datname = $1`, [name]);
    if (!rowCount) await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
}

/** Fills an empty database (migrated here) with a data set of `scale`. */
export async function generateDataset(options: GenerateOptions): Promise<GenerateResult> {
  const log = options.log ?? (() => undefined);
  const spec = SPECS[options.scale];
  const asOf = options.asOf ?? localDay();
  const today = dayNumber(asOf);
  const nowMs = localMidnight(today);
  const url = options.databaseUrl;
  const phases: { phase: string; ms: number }[] = [];
  let t0 = Date.now();
  const phase = (name: string) => {
    phases.push({ phase: name, ms: Date.now() - t0 });
    log(`${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    t0 = Date.now();
  };

  // Migrations and reference data (resolutions, central units, the 34 provinces) by the app itself.
  // Only the migrations whose tables this generator fills run before the load; the later ones run
  // after it and backfill what they add (rollups, sync columns) as they would on a live database.
  const known = migrationsList.findIndex((m) => !LOADED_MIGRATIONS.includes(m.name));
  const prefix = known < 0 ? migrationsList : migrationsList.slice(0, known);
  const orm = await MikroORM.init(ormOptions(url));
  try {
    const executed = (await orm.getMigrator().getExecutedMigrations()).map((m) => m.name);
    const unknown = executed.filter((name) => !LOADED_MIGRATIONS.includes(name));
    if (unknown.length)
      throw new Error(
        `generate into an empty database: ${unknown.join(', ')} ran before the load, and the rows they derive (rollups, sync columns) would not follow it`,
      );
    const pending = (await orm.getMigrator().getPendingMigrations()).map((m) => m.name);
    const upTo = prefix.filter((m) => pending.includes(m.name)).at(-1);
    if (upTo) await orm.getMigrator().up({ to: upTo.name });
    const [{ n }] = await orm.em.getConnection().execute<{ n: string }[]>(`select count(*) as n from task`);
    if (Number(n) > 0) throw new Error(`the database already holds ${n} tasks; pass --reset to start again`);
    await seedReference(orm.em.fork());
  } finally {
    await orm.close(true);
  }
  phase('migrate + reference data');

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const before = await schemaFingerprint(client);
  const counts: Record<string, number> = {};
  try {
    const { rows: refUnits } = await client.query<{
      id: string;
      seq: number;
      code: string;
      name: string;
      kind: string;
      parent_id: string | null;
      path: string;
      depth: number;
    }>(`select id, seq, code, name, kind, parent_id, path, depth from unit order by seq`);
    const byId = new Map<string, UnitRow>();
    for (const u of refUnits) {
      const row: UnitRow = { ...u, parent: u.parent_id ? byId.get(u.parent_id)! : null, children: [] };
      row.parent?.children.push(row);
      byId.set(u.id, row);
    }
    const root = refUnits.find((u) => u.parent_id === null)!;
    const tw = byId.get(root.id)!;
    const provinces = tw.children.filter((u) => u.kind === 'PROVINCE');
    const active = spec.provinces ? provinces.filter((p) => spec.provinces!.includes(p.code)) : provinces;
    const { rows: resolutions } = await client.query<{ id: string; code: string; issued_on: string }>(
      `select id, code, to_char(issued_on, 'YYYY-MM-DD') as issued_on from resolution order by code`,
    );
    const { rows: seqRows } = await client.query<{ last_value: string; is_called: boolean }>(
      `select last_value, is_called from unit_seq`,
    );
    let seq = Number(seqRows[0]!.last_value) + (seqRows[0]!.is_called ? 0 : -1);
    const maxRef = Math.max(...refUnits.map((u) => u.seq));
    if (seq < maxRef) seq = maxRef;

    // Communes and cells, breadth first, numbered the way the app numbers new units.
    const newUnits: UnitRow[] = [];
    const addUnit = (code: string, name: string, kind: string, parent: UnitRow): UnitRow => {
      seq++;
      const u: UnitRow = {
        id: stableUuid(`unit:${code}`),
        seq,
        code,
        name,
        kind,
        parent,
        path: unitPath(parent.path, seq),
        depth: parent.depth + 1,
        children: [],
      };
      parent.children.push(u);
      newUnits.push(u);
      return u;
    };
    const communeAvg = NATIONAL_COMMUNES / provinces.length;
    for (const p of active) {
      const r = seededRandom(mix32(options.seed * 7919 + p.seq));
      const n = spec.communes === 'national' ? Math.round(communeAvg * (0.55 + 0.9 * r())) : spec.communes;
      const slug = p.code.slice(2);
      const used = new Set<string>();
      for (let i = 1; i <= n; i++) {
        let name: string;
        do name = `${r() < 0.3 ? 'Phường' : 'Xã'} ${pick(r, PLACE_WORDS)} ${pick(r, PLACE_WORDS)}`;
        while (used.has(name) && used.size < PLACE_WORDS.length * PLACE_WORDS.length);
        used.add(name);
        addUnit(`C-${slug}-${i}`, name, 'COMMUNE', p);
      }
    }
    for (const p of active) {
      const r = seededRandom(mix32(options.seed * 104729 + p.seq));
      for (const c of p.children) {
        const n = intBetween(r, spec.cells[0], spec.cells[1]);
        const kind = pick(r, CELL_KINDS);
        for (let i = 1; i <= n; i++) addUnit(`CB${c.code.slice(1)}-${i}`, `${kind} ${i} – ${c.name}`, 'CELL', c);
      }
    }

    // Accounts: officers of every unit; everyone shares the demo password.
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    const accountRows: (string | boolean | null | string[])[][] = [];
    const created = iso(nowMs - 400 * DAY);
    const addAccount = (unit: UnitRow, username: string, roles: string[], r: Rand, disabled = false): string => {
      const id = stableUuid(`account:${username}`);
      accountRows.push([
        id,
        created,
        created,
        username,
        personName(r),
        unit.id,
        roles,
        passwordHash,
        false,
        disabled ? created : null,
      ]);
      return id;
    };
    const { rows: existing } = await client.query<{ username: string }>(`select username from account`);
    const taken = new Set(existing.map((a) => a.username));
    const r0 = seededRandom(options.seed);
    const officers = (u: UnitRow, slug: string) => {
      const add = (name: string, roles: string[]) =>
        taken.has(`${name}.${slug}`) ? undefined : addAccount(u, `${name}.${slug}`, roles, r0);
      if (u.kind === 'CELL') {
        u.reporter = add('canbo', ['REPORTER']);
        return;
      }
      add('admin', u.kind === 'CENTRAL' ? ['ADMIN', 'LEADER', 'FOCAL', 'VIEWER'] : ['ADMIN']);
      u.leader = add('lanhdao', ['LEADER', 'VIEWER']);
      u.focal = add('daumoi', u.kind === 'CENTRAL' ? ['FOCAL'] : ['FOCAL', 'REPORTER']);
      u.reporter = u.focal;
      if (u.kind === 'PROVINCE') add('xem', ['VIEWER']);
    };
    officers(tw, 'tw');
    for (const p of provinces) officers(p, asciiSlug(p.code.slice(2)).toLowerCase());
    for (const u of newUnits) officers(u, u.code.toLowerCase());

    const unitWriter = await CopyWriter.open(url, 'unit', [
      'id',
      'created_at',
      'updated_at',
      'seq',
      'code',
      'name',
      'kind',
      'parent_id',
      'path',
      'depth',
      'active',
    ]);
    for (const u of newUnits)
      await unitWriter.write([u.id, created, created, u.seq, u.code, u.name, u.kind, u.parent!.id, u.path, u.depth, true]);
    await unitWriter.end();
    await client.query(`select setval('unit_seq', $1)`, [seq]);
    const accountWriter = await CopyWriter.open(url, 'account', [
      'id',
      'created_at',
      'updated_at',
      'username',
      'display_name',
      'unit_id',
      'roles',
      'password_hash',
      'must_change_password',
      'disabled_at',
    ]);
    for (const a of accountRows) await accountWriter.write(a);
    await accountWriter.end();
    counts.unit = refUnits.length + newUnits.length;
    counts.account = existing.length + accountRows.length;
    phase('units + accounts');

    // Bulk tables: indexes, keys and foreign keys off during the load, rebuilt after.
    const optional: string[] = [];
    for (const t of OPTIONAL_BULK_TABLES) if ((await tableColumns(client, t)).size) optional.push(t);
    const notificationColumns = await tableColumns(client, 'notification');
    const withNotifications = ['id', 'account_id', 'kind', 'task_id', 'report_id', 'message', 'created_at', 'read_at'].every(
      (c) => notificationColumns.has(c),
    );
    const dropped = await dropForLoad(client, [...BULK_TABLES, ...optional]);
    phase('drop indexes and keys');

    const w = {
      plan: await CopyWriter.open(url, 'action_plan', [
        'id',
        'created_at',
        'updated_at',
        'resolution_id',
        'owner_unit_id',
        'title',
        'period_start',
        'period_end',
      ]),
      task: await CopyWriter.open(url, 'task', [
        'id',
        'created_at',
        'updated_at',
        'plan_id',
        'resolution_id',
        'parent_id',
        'depth',
        'title',
        'description',
        'assigner_unit_id',
        'assigner_unit_path',
        'lead_unit_id',
        'lead_unit_path',
        'responsible_person',
        'responsible_account_id',
        'expected_result',
        'start_on',
        'due_on',
        'priority',
        'state',
        'weight',
        'progress',
        'completed_at',
        'cancelled_at',
        'last_report_at',
        'version',
      ]),
      coordinator: await CopyWriter.open(url, 'task_coordinator', ['task_id', 'unit_id']),
      indicator: await CopyWriter.open(url, 'indicator', [
        'id',
        'created_at',
        'updated_at',
        'task_id',
        'name',
        'unit_of_measure',
        'baseline',
        'target',
        'direction',
        'due_on',
        'current_value',
        'version',
      ]),
      report: await CopyWriter.open(url, 'progress_report', [
        'id',
        'task_id',
        'unit_id',
        'unit_path',
        'author_id',
        'percent',
        'narrative',
        'has_obstacles',
        'obstacles',
        'written_at',
        'received_at',
        'answers_report_id',
        'flagged_reassigned',
        'state',
        'reviewed_by_id',
        'reviewed_at',
        'review_comment',
      ]),
      value: await CopyWriter.open(url, 'report_indicator_value', ['report_id', 'indicator_id', 'value']),
      notification: withNotifications
        ? await CopyWriter.open(url, 'notification', [
            'id',
            'account_id',
            'kind',
            'task_id',
            'report_id',
            'message',
            'created_at',
            'read_at',
          ])
        : null,
    };
    const ids = {
      plan: new IdMaker(options.seed, 'plan'),
      task: new IdMaker(options.seed, 'task'),
      indicator: new IdMaker(options.seed, 'indicator'),
      report: new IdMaker(options.seed, 'report'),
      notification: new IdMaker(options.seed, 'notification'),
    };

    const plans = new Map<string, string>();
    const planOf = async (resolution: { id: string; code: string }, unit: UnitRow): Promise<string> => {
      const key = `${resolution.id}:${unit.id}`;
      let id = plans.get(key);
      if (!id) {
        id = ids.plan.next();
        plans.set(key, id);
        await w.plan.write([
          id,
          created,
          created,
          resolution.id,
          unit.id,
          `Kế hoạch thực hiện Nghị quyết ${resolution.code} – ${unit.name}`,
          '2025-01-01',
          '2030-12-31',
        ]);
      }
      return id;
    };

    let tasks = 0;
    let reports = 0;
    const total = resolutions.length * active.length;
    let done = 0;

    for (const [ri, resolution] of resolutions.entries()) {
      const themes = THEMES[resolution.code] ?? THEMES['57-NQ/TW']!;
      const issued = dayNumber(resolution.issued_on);
      const centralPlan = await planOf(resolution, tw);
      for (const p of active) {
        const r = seededRandom(mix32(options.seed * 31 + ri * 1009 + p.seq * 7919));
        const provincePlan = await planOf(resolution, p);

        const makeNode = (
          parent: TaskNode | null,
          assigner: UnitRow,
          lead: UnitRow,
          plan: string,
          title: string,
          theme: (typeof themes)[number],
        ): TaskNode => {
          const startDay = parent ? parent.startDay + intBetween(r, 0, 20) : issued + intBetween(r, 30, 150);
          const parentDue = parent ? parent.timelineDue : startDay + intBetween(r, 420, 1100);
          const due = Math.max(startDay + 60, parent ? parentDue - intBetween(r, 0, 45) : parentDue);
          const dueDay = parent && r() < 0.02 ? null : due;
          const x = r();
          const node: TaskNode = {
            id: ids.task.next(),
            parent,
            depth: parent ? parent.depth + 1 : 0,
            assigner,
            lead,
            plan,
            title,
            description: r() < 0.05 ? null : theme.description,
            responsible: r() < 0.04 ? null : pick(r, RESPONSIBLE),
            responsibleAccount: r() < 0.5 ? (lead.reporter ?? null) : null,
            expected: r() < 0.04 ? null : `Báo cáo kết quả, minh chứng: ${theme.title.toLowerCase()}`,
            startDay,
            dueDay,
            timelineDue: due,
            priority: x < 0.1 ? 'LOW' : x < 0.7 ? 'NORMAL' : x < 0.92 ? 'HIGH' : 'URGENT',
            weight: parent ? (x < 0.7 ? 1 : x < 0.9 ? 2 : 3) : 1,
            progress: 0,
            state: 'OPEN',
            completedAt: null,
            cancelledAt: null,
            lastReportAt: null,
            createdAt: Math.max(
              parent ? parent.createdAt + 3_600_000 : 0,
              localMidnight(startDay) - intBetween(r, 1, 10) * DAY + intBetween(r, 1, 10) * 3_600_000,
            ),
            children: [],
            indicators: [],
          };
          const scale = lead.kind === 'CELL' ? 200 : lead.kind === 'COMMUNE' ? 20 : 1;
          const nInd = r() < 0.65 ? 1 : r() < 0.3 ? 2 : 0;
          for (let i = 0; i < nInd; i++) {
            const [name, unit, baseline, target, lower] = (i === 0 ? theme : pick(r, themes)).indicator;
            const sb = unit === '%' ? baseline : Math.round(baseline / scale);
            const st = unit === '%' ? target : Math.max(lower ? 0 : 1, Math.round(target / scale));
            node.indicators.push({
              id: ids.indicator.next(),
              name,
              unit,
              baseline: sb,
              target: lower ? Math.min(st, sb) : Math.max(st, sb + 1),
              lowerIsBetter: lower,
              dueDay,
              current: null,
            });
          }
          parent?.children.push(node);
          return node;
        };

        const reportOn = async (node: TaskNode) => {
          const author = node.lead.reporter!;
          const reviewer = node.lead.parent!.leader!;
          const startMs = localMidnight(node.startDay) + 3 * DAY;
          const endMs = Math.min(nowMs - DAY, localMidnight(node.timelineDue + 30));
          if (endMs <= startMs || r() < 0.1) return; // not started yet, or silent
          const stale = r() < 0.15;
          const stopMs = stale ? startMs + (endMs - startMs) * between(r, [0.3, 0.7]) : endMs;
          let n = intBetween(r, spec.reports[0], spec.reports[1]);
          n = Math.max(1, Math.min(n, Math.floor((stopMs - startMs) / (3 * DAY))));
          const elapsed = Math.min(
            1,
            (nowMs - localMidnight(node.startDay)) /
              Math.max(DAY, localMidnight(node.timelineDue) - localMidnight(node.startDay)),
          );
          const finalPct = elapsed >= 1 && r() < 0.55 ? 100 : Math.min(100, Math.round(elapsed * 100 * between(r, [0.4, 1.15])));
          let pct = 0;
          let returned: string | null = null;
          let latestApproved: number | null = null;
          let latestApprovedAt = 0;
          let approvedValues: number[] | null = null;
          const step = (stopMs - startMs) / n;
          for (let i = 0; i < n; i++) {
            const last = i === n - 1;
            pct = Math.max(pct, last ? finalPct : Math.round((finalPct * (i + 1)) / n));
            const written = Math.floor(startMs + step * i + r() * step * 0.8);
            const delay = r();
            const received = Math.min(
              nowMs - 60_000,
              written + (delay < 0.8 ? r() * 7_200_000 : delay < 0.95 ? (1 + r() * 2) * DAY : (4 + r() * 10) * DAY),
            );
            const s = r();
            let state = last ? (s < 0.6 ? 'APPROVED' : s < 0.85 ? 'SUBMITTED' : 'RETURNED') : s < 0.85 ? 'APPROVED' : 'RETURNED';
            let reviewedAt: number | null = state === 'SUBMITTED' ? null : received + (1 + r() * 9) * DAY;
            if (reviewedAt !== null && reviewedAt > nowMs - 60_000) {
              state = 'SUBMITTED';
              reviewedAt = null;
            }
            const obstacles = r() < 0.12;
            const id = ids.report.next();
            const values = node.indicators.map((ind) => round1(ind.baseline + ((ind.target - ind.baseline) * pct) / 100));
            await w.report.write([
              id,
              node.id,
              node.lead.id,
              node.lead.path,
              author,
              pct,
              `${pick(r, NARRATIVES)}; đạt ${pct}% khối lượng công việc.`,
              obstacles,
              obstacles ? pick(r, OBSTACLES) : null,
              iso(written),
              iso(received),
              returned,
              false,
              state,
              reviewedAt === null ? null : reviewer,
              reviewedAt === null ? null : iso(reviewedAt),
              state === 'RETURNED' ? pick(r, RETURN_COMMENTS) : null,
            ]);
            for (const [k, ind] of node.indicators.entries()) await w.value.write([id, ind.id, values[k]!]);
            reports++;
            returned = state === 'RETURNED' ? id : null;
            if (state === 'APPROVED') {
              latestApproved = pct;
              latestApprovedAt = written; // completion is dated by the report that said 100, as the app does
              approvedValues = values;
            }
            node.lastReportAt = Math.max(node.lastReportAt ?? 0, received);
            if (last && w.notification) {
              const kind =
                state === 'APPROVED' ? 'REPORT_APPROVED' : state === 'RETURNED' ? 'REPORT_RETURNED' : 'REPORT_SUBMITTED';
              const to = state === 'SUBMITTED' ? reviewer : author;
              const at = reviewedAt ?? received;
              const message =
                state === 'APPROVED'
                  ? `Báo cáo "${node.title}" đã được duyệt.`
                  : state === 'RETURNED'
                    ? `Báo cáo "${node.title}" bị trả lại, đề nghị bổ sung.`
                    : `${node.lead.name} gửi báo cáo "${node.title}".`;
              await w.notification.write([
                ids.notification.next(),
                to,
                kind,
                node.id,
                id,
                message,
                iso(at),
                r() < 0.6 ? iso(Math.min(nowMs - 1000, at + 3_600_000)) : null,
              ]);
            }
          }
          if (latestApproved !== null) {
            node.progress = latestApproved;
            node.indicators.forEach((ind, k) => (ind.current = approvedValues![k]!));
            if (latestApproved >= 100) {
              node.state = 'COMPLETED';
              node.completedAt = latestApprovedAt;
            }
          }
        };

        const finish = (node: TaskNode) => {
          if (node.children.length) {
            for (const c of node.children) finish(c);
            node.progress = rollup(node.children);
            const live = node.children.filter((c) => c.state !== 'CANCELLED');
            if (live.length && live.every((c) => c.state === 'COMPLETED')) {
              node.state = 'COMPLETED';
              node.completedAt = Math.max(...live.map((c) => c.completedAt!));
            }
          }
        };

        const emit = async (node: TaskNode) => {
          const updated = Math.max(node.createdAt, node.lastReportAt ?? 0, node.completedAt ?? 0, node.cancelledAt ?? 0);
          await w.task.write([
            node.id,
            iso(node.createdAt),
            iso(updated),
            node.plan,
            resolution.id,
            node.parent?.id ?? null,
            node.depth,
            node.title,
            node.description,
            node.assigner.id,
            node.assigner.path,
            node.lead.id,
            node.lead.path,
            node.responsible,
            node.responsibleAccount,
            node.expected,
            dayString(node.startDay),
            node.dueDay === null ? null : dayString(node.dueDay),
            node.priority,
            node.state,
            node.weight,
            node.progress,
            node.completedAt === null ? null : iso(node.completedAt),
            node.cancelledAt === null ? null : iso(node.cancelledAt),
            node.lastReportAt === null ? null : iso(node.lastReportAt),
            1,
          ]);
          tasks++;
          for (const ind of node.indicators)
            await w.indicator.write([
              ind.id,
              iso(node.createdAt),
              iso(updated),
              node.id,
              ind.name,
              ind.unit,
              ind.baseline,
              ind.target,
              ind.lowerIsBetter ? 'LOWER_IS_BETTER' : 'HIGHER_IS_BETTER',
              ind.dueDay === null ? null : dayString(ind.dueDay),
              ind.current,
              1,
            ]);
          for (const c of node.children) await emit(c);
        };

        const leafWork = async (node: TaskNode) => {
          await reportOn(node);
          if (r() < 0.01) {
            node.state = 'CANCELLED';
            node.completedAt = null;
            node.cancelledAt = Math.min(nowMs - DAY, Math.max(node.lastReportAt ?? 0, localMidnight(node.startDay)) + 5 * DAY);
          }
        };

        const roots = intBetween(r, spec.roots[0], spec.roots[1]);
        for (let k = 0; k < roots; k++) {
          const theme = themes[k % themes.length]!;
          const shape = r() < 0.5 ? 3 : r() < 0.6 ? 4 : 5;
          const root = makeNode(null, tw, p, centralPlan, `${theme.title} – ${p.name}`, theme);
          const communeShare = between(r, spec.communeShare);
          const communes = p.children.filter(() => r() < communeShare);
          const holders: TaskNode[] = [];
          if (shape === 3) holders.push(root);
          else
            for (let i = 1, m = intBetween(r, 2, 3); i <= m; i++)
              holders.push(makeNode(root, p, p, provincePlan, `${theme.title} – hợp phần ${i}`, theme));
          const leaves: TaskNode[] = [];
          for (const [ci, c] of communes.entries()) {
            const holder = holders[ci % holders.length]!;
            const ct = makeNode(holder, p, c, provincePlan, `${theme.title} – ${c.name}`, theme);
            if (r() < 0.05 && p.children.length > 1) {
              const other = pick(r, p.children);
              if (other !== c) await w.coordinator.write([ct.id, other.id]);
            }
            if (r() < 0.12) {
              leaves.push(ct);
              continue;
            }
            const communePlan = await planOf(resolution, c);
            const cellShare = between(r, spec.cellShare);
            const cells = c.children.filter(() => r() < cellShare);
            if (!cells.length) {
              leaves.push(ct);
              continue;
            }
            const splits: TaskNode[] = [];
            if (shape === 5)
              for (let i = 1; i <= 2; i++)
                splits.push(makeNode(ct, c, c, communePlan, `${theme.title} – ${c.name} – đợt ${i}`, theme));
            else splits.push(ct);
            for (const [li, cell] of cells.entries())
              leaves.push(
                makeNode(
                  splits[li % splits.length]!,
                  c,
                  cell,
                  communePlan,
                  `${theme.title} – ${cell.name.split(' – ')[0]}`,
                  theme,
                ),
              );
            for (const s of splits) if (s !== ct && !s.children.length) leaves.push(s);
          }
          for (const h of holders) if (h !== root && !h.children.length) leaves.push(h);
          if (!root.children.length) leaves.push(root);
          for (const leaf of leaves) await leafWork(leaf);
          finish(root);
          await emit(root);
        }
        done++;
        options.onProgress?.({ done, total, tasks, reports });
      }
    }
    for (const writer of Object.values(w)) {
      if (!writer) continue;
      await writer.end();
      counts[writer.table] = writer.rows;
    }
    phase('generate + COPY');

    const extra = new pg.Client({ connectionString: url });
    await extra.connect();
    try {
      await restoreSchema([client, extra], dropped, () => undefined);
    } finally {
      await extra.end();
    }
    phase('rebuild indexes, keys, foreign keys');

    if (optional.includes('task_assignment')) {
      // What the task_assignment_track trigger writes for each inserted task, done in one statement.
      await client.query(`set synchronous_commit = off`);
      const res = await client.query(
        `insert into task_assignment (task_id, unit_id, unit_path, assigned_at) select id, lead_unit_id, lead_unit_path, created_at from task`,
      );
      counts.task_assignment = res.rowCount ?? 0;
      phase('derived rows (task_assignment)');
    }

    const vac = new pg.Client({ connectionString: url });
    await vac.connect();
    try {
      const queue = [
        'progress_report',
        'report_indicator_value',
        'task',
        'indicator',
        ...optional,
        'action_plan',
        'task_coordinator',
        'unit',
        'account',
      ];
      await Promise.all(
        [client, vac].map(async (c) => {
          for (let t = queue.shift(); t; t = queue.shift()) await c.query(`vacuum (analyze) "${t}"`);
        }),
      );
    } finally {
      await vac.end();
    }
    phase('vacuum analyze');

    const after = await schemaFingerprint(client);
    if (after !== before)
      throw new Error(`the schema after the load differs from the migrated one:\n${diffLines(before, after)}`);
    await (await openDatabase(url)).close(true);
    phase('later migrations');
    counts.sync_client = await fillDevices(client, asOf);
    phase('devices (sync_client)');
    // The backfills wrote whole tables (rollups, report facts, sync columns): without a vacuum
    // their visibility maps are empty and every index-only read fetches the heap, as a live
    // database would not after autovacuum has passed.
    await client.query('vacuum (analyze)');
    phase('vacuum analyze after migrations');
    return { counts, phases, asOf };
  } finally {
    await client.end();
  }
}

/**
 * A phone for nine reporters in ten, as the sync-health screen reads them: last pull within the
 * past month and a push a little before it, chosen by a hash of the account so the same data
 * set gives the same rows. Without them the dashboard's sync health reads an empty table.
 */
export async function fillDevices(client: pg.Client, asOf: string): Promise<number> {
  const res = await client.query(
    `insert into sync_client (client_id, account_id, protocol_version, first_seen_at, last_pull_at, last_push_at, pushed_entries, user_agent)
     select md5('device:' || a.id)::uuid, a.id, 3, x.day - interval '180 days', x.day + interval '8 hours',
            x.day + interval '7 hours', 20 + x.h % 200, 'Mozilla/5.0 (Linux; Android 11) Chrome/120 Mobile'
       from account a
       cross join lateral (select y.h, ($1::date - (y.h % 30)::int)::timestamptz as day
                             from (select abs(hashtext(a.id::text)) as h) y) x
      where 'REPORTER' = any(a.roles) and a.disabled_at is null and x.h % 10 <> 0
     on conflict do nothing`,
    [asOf],
  );
  return res.rowCount ?? 0;
}

function diffLines(a: string, b: string): string {
  const as = new Set(a.split('\n'));
  const bs = new Set(b.split('\n'));
  return [
    ...[...as].filter((l) => !bs.has(l)).map((l) => `- ${l}`),
    ...[...bs].filter((l) => !as.has(l)).map((l) => `+ ${l}`),
  ].join('\n');
}

export interface Violation {
  rule: string;
  count: number;
}

/** Checks the invariants the application keeps; an empty list means the data set is consistent. */
export async function verifyDataset(databaseUrl: string): Promise<Violation[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`set work_mem = '256MB'`);
    const rules: [string, string][] = [
      ['unit_seq is past every seq', `select count(*) from unit where seq > (select last_value from unit_seq)`],
      [
        "a sub-task is assigned by its parent's lead unit, one level deeper",
        `select count(*) from task c join task p on p.id = c.parent_id
        where c.assigner_unit_id <> p.lead_unit_id or c.depth <> p.depth + 1 or c.resolution_id <> p.resolution_id`,
      ],
      [
        'task paths are the paths of its units',
        `select count(*) from task t join unit a on a.id = t.assigner_unit_id join unit l on l.id = t.lead_unit_id
        where t.assigner_unit_path <> a.path or t.lead_unit_path <> l.path`,
      ],
      [
        "a leaf task's progress is its latest approved report",
        `select count(*) from task t
        where not exists (select 1 from task c where c.parent_id = t.id)
          and t.progress <> coalesce((select r.percent from progress_report r where r.task_id = t.id and r.state = 'APPROVED'
                                       order by r.written_at desc, r.received_at desc limit 1), 0)`,
      ],
      [
        "a parent's progress is the weighted rollup of its children",
        `select count(*) from task p
        join (select parent_id, coalesce(sum(weight * progress) filter (where state <> 'CANCELLED') / nullif(sum(weight) filter (where state <> 'CANCELLED'), 0), 0) as v
                from task where parent_id is not null group by parent_id) s on s.parent_id = p.id
        where abs(p.progress - round(s.v::numeric, 2)) > 0.0051`,
      ],
      [
        'a leaf is completed exactly when its latest approved report says 100%',
        `select count(*) from task t
        where t.state <> 'CANCELLED' and not exists (select 1 from task c where c.parent_id = t.id)
          and (t.state = 'COMPLETED') <> (t.progress >= 100 and t.completed_at is not null)`,
      ],
      [
        'last_report_at is the latest report received',
        `select count(*) from task t
        where t.last_report_at is distinct from (select max(r.received_at) from progress_report r where r.task_id = t.id)
          and not exists (select 1 from task c where c.parent_id = t.id)`,
      ],
      [
        'a report comes from the lead unit of its task, by one of its accounts',
        `select count(*) from progress_report r join task t on t.id = r.task_id
        join account a on a.id = r.author_id where r.unit_id <> t.lead_unit_id or r.unit_path <> t.lead_unit_path or a.unit_id <> r.unit_id`,
      ],
      [
        'a reviewer sits strictly above the reporting unit',
        `select count(*) from progress_report r join account a on a.id = r.reviewed_by_id
        join unit u on u.id = a.unit_id where not (starts_with(r.unit_path, u.path) and r.unit_path <> u.path)`,
      ],
      [
        "nothing is received or reviewed after the data set's day",
        `select count(*) from progress_report where received_at > now() or reviewed_at > now()
        or reviewed_at < received_at`,
      ],
      [
        'a correction answers a returned report of the same task',
        `select count(*) from progress_report r join progress_report o on o.id = r.answers_report_id
        where o.state <> 'RETURNED' or o.task_id <> r.task_id`,
      ],
      [
        "an indicator's current value is its value in the latest approved report",
        `select count(*) from indicator i join task t on t.id = i.task_id
        where not exists (select 1 from task c where c.parent_id = t.id)
          and i.current_value is distinct from (select v.value from progress_report r join report_indicator_value v on v.report_id = r.id and v.indicator_id = i.id
                                                  where r.task_id = t.id and r.state = 'APPROVED' order by r.written_at desc, r.received_at desc limit 1)`,
      ],
    ];
    const violations: Violation[] = [];
    const { rows: units } = await client.query<{
      seq: number;
      path: string;
      depth: number;
      parent_path: string | null;
      parent_depth: number | null;
    }>(
      `select u.seq, u.path, u.depth, p.path as parent_path, p.depth as parent_depth from unit u left join unit p on p.id = u.parent_id`,
    );
    violations.push({
      rule: 'a unit path is its parent path and its seq in base 36, one level deeper',
      count: units.filter((u) => u.path !== unitPath(u.parent_path, u.seq) || u.depth !== (u.parent_depth ?? -1) + 1).length,
    });
    for (const [rule, sql] of rules) {
      const { rows } = await client.query<{ count: string }>(sql);
      violations.push({ rule, count: Number(rows[0]!.count) });
    }
    return violations.filter((v) => v.count > 0);
  } finally {
    await client.end();
  }
}
