import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  buildSchema,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';

/**
 * A seeded fuzzer driven by the committed contract, schema/schema.graphql: for every query and
 * mutation it builds operations and variables, mostly wrong in one place (a wrong type, a missing
 * or extra field, a null, a number out of range, a huge or odd unicode string, someone else's id),
 * sends them as different accounts and checks each answer: below 500, every error with a code
 * and a message, never a masked internal error, and no row changed by a refused mutation.
 */

export const SCHEMA_FILE = path.resolve(import.meta.dirname, '../../../schema/schema.graphql');

export function loadContract(): GraphQLSchema {
  return buildSchema(readFileSync(SCHEMA_FILE, 'utf8'));
}

export interface FuzzTarget {
  url: string;
  /** Who sends: tokens of accounts of different roles and units, and no token at all. */
  senders: { label: string; token: string | null }[];
  /** Ids that exist: some in each sender's scope, some outside it. */
  ids: string[];
  /** A digest of every row of every table (sequential requests only). */
  fingerprint(): Promise<string>;
  /** A new session of an administrator, for mutations that end or change the sender's own sessions. */
  freshAdmin(): Promise<string>;
}

export interface FuzzOptions {
  seed: number;
  requests: number;
  /** Called every `progressEvery` requests with the figures so far. */
  onProgress?: (figures: FuzzFigures) => void;
  progressEvery?: number;
}

export interface FuzzFailure {
  reason: string;
  field: string;
  status: number;
  body: string;
  request: string;
}

export interface FuzzFigures {
  seed: number;
  requests: number;
  /** Root fields of the contract that were sent at least once. */
  fieldsCovered: number;
  fieldsTotal: number;
  byStatus: Record<string, number>;
  byCode: Record<string, number>;
  /** Answers without errors. */
  accepted: number;
  /** Refused mutations whose database fingerprint was compared before and after. */
  refusedMutationsChecked: number;
  failures: FuzzFailure[];
  ms: number;
}

/** Refusals that are recorded on purpose: failed sign-ins and activations count towards lockout and rate limits. */
const RECORDS_REFUSALS = new Set(['signIn', 'refreshSession', 'changePassword', 'activateAccount']);

/** Mutations that would end the fuzzer's own sessions; sent only with a token of their own. */
const ENDS_SESSIONS = new Set(['signOut', 'changePassword', 'disableAccount', 'resetPassword', 'updateAccount']);

// mulberry32: small, fast and reproducible from one integer.
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}
type Rng = ReturnType<typeof prng>;

const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '\u202eevil\u202c',
  '\ufeffBOM',
  'e\u0301\u0301\u0301\u0301',
  '👩‍👩‍👧‍👦🏳️‍🌈',
  'İıŞşĞğ',
  'Tiếng Việt có dấu: Đảng, Nghị quyết',
  "'; drop table unit; --",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '%00%ff',
  '\\',
  '"',
  '\n\r\t',
  '9'.repeat(400),
  '2026-02-30',
  '2026-13-01T25:61:00Z',
  '1970-01-01T00:00:00.000Z',
  '9999-12-31T23:59:59.999Z',
  '-000001-01-01T00:00:00Z',
  'NaN',
  'Infinity',
  'null',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
];

const ODD_NUMBERS = [0, -1, 1, 0.5, -0.0001, 100, 100.0001, 101, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 1, 1e308, -1e308, 5e-324];

function oddString(rng: Rng): string {
  if (rng.chance(0.08)) return rng.pick(['x', 'ế', '🏊', '\u0000']).repeat(rng.pick([256, 5_000, 100_000]));
  return rng.pick(ODD_STRINGS);
}

function plausibleScalar(name: string, rng: Rng, ids: string[]): unknown {
  switch (name) {
    case 'ID':
      return rng.chance(0.85) ? rng.pick(ids) : crypto.randomUUID();
    case 'String':
      return rng.pick(['Báo cáo tiến độ', 'Nghị quyết 57', 'ok', 'Q1-2026', '2026', 'tinh.lamdong', 'Resolute2026!x']);
    case 'Int':
      return rng.pick([0, 1, 5, 10, 50, 100]);
    case 'Float':
      return rng.pick([0, 12.5, 40, 100]);
    case 'Boolean':
      return rng.chance(0.5);
    case 'DateTimeISO':
      return new Date(Date.now() - rng.int(30) * 86_400_000).toISOString();
    case 'LocalDate':
      return new Date(Date.now() + (rng.int(200) - 100) * 86_400_000).toISOString().slice(0, 10);
    case 'JSON':
    case 'JSONObject':
      return { note: 'x' };
    default:
      return 'x';
  }
}

/** A value that the type accepts, or nearly so (ids may be out of scope, strings may be refused by rules). */
function plausible(type: GraphQLInputType, rng: Rng, ids: string[], depth = 0): unknown {
  if (isNonNullType(type)) return plausible(type.ofType, rng, ids, depth);
  if (isListType(type)) {
    const n = rng.int(3);
    return Array.from({ length: n }, () => plausible(type.ofType, rng, ids, depth + 1));
  }
  if (isEnumType(type)) return rng.pick(type.getValues()).name;
  if (isInputObjectType(type)) {
    const out: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      const required = isNonNullType(field.type) && field.defaultValue === undefined;
      if (required || (depth < 3 && rng.chance(0.5))) out[field.name] = plausible(field.type, rng, ids, depth + 1);
    }
    return out;
  }
  return plausibleScalar((type as GraphQLNamedType).name, rng, ids);
}

/** One thing wrong, somewhere in `value` of `type`. */
function mutate(type: GraphQLInputType, value: unknown, rng: Rng, ids: string[]): unknown {
  const inner = getNullableType(type);
  if (isInputObjectType(inner) && value && typeof value === 'object' && !Array.isArray(value) && rng.chance(0.6)) {
    const obj = { ...(value as Record<string, unknown>) };
    const fields = Object.values(inner.getFields());
    const roll = rng.int(4);
    if (roll === 0 && Object.keys(obj).length) delete obj[rng.pick(Object.keys(obj))];
    else if (roll === 1) obj[rng.pick(['colour', '__proto__', 'constructor', 'id ', 'ID', ''])] = oddString(rng);
    else {
      const field = rng.pick(fields);
      obj[field.name] = mutate(field.type, obj[field.name] ?? plausible(field.type, rng, ids), rng, ids);
    }
    return obj;
  }
  if (isListType(inner) && Array.isArray(value) && value.length && rng.chance(0.5)) {
    const copy = [...value];
    const i = rng.int(copy.length);
    copy[i] = mutate(inner.ofType, copy[i], rng, ids);
    return copy;
  }
  if (isListType(inner) && rng.chance(0.15)) {
    return Array.from({ length: rng.pick([101, 1000, 5000]) }, () => plausible(inner.ofType, rng, ids));
  }
  const named = getNamedType(type);
  switch (rng.int(9)) {
    case 0:
      return null;
    case 1:
      return rng.pick(ODD_NUMBERS);
    case 2:
      return oddString(rng);
    case 3:
      return rng.pick([true, false, [], {}, [1, 2], { a: { b: { c: [] } } }]);
    case 4:
      // Somebody else's id, or a well-formed one that exists nowhere.
      return rng.chance(0.7) ? rng.pick(ids) : crypto.randomUUID();
    case 5:
      return isEnumType(named) ? rng.pick(['', 'UNKNOWN', named.getValues()[0]!.name.toLowerCase()]) : rng.pick(ODD_NUMBERS);
    case 6:
      return nest(rng.pick([10, 200, 2000]));
    default:
      return rng.chance(0.5) ? String(plausible(type, rng, ids)) : rng.pick(ODD_STRINGS);
  }
}

function nest(depth: number): unknown {
  let v: unknown = 'deep';
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

/** Leaf fields of `type` (and one level of objects below), skipping fields with required args. */
function selection(type: GraphQLOutputType, depth: number, rng: Rng): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  if (isUnionType(named)) {
    return `{ __typename ${named
      .getTypes()
      .map((t) => `... on ${t.name} ${selection(t, depth + 1, rng) || '{ __typename }'}`)
      .join(' ')} }`;
  }
  if (!isObjectType(named) && !isInterfaceType(named)) return '';
  const parts = ['__typename'];
  for (const field of Object.values(named.getFields()) as GraphQLField<unknown, unknown>[]) {
    if (field.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
    const leaf = isLeafType(getNamedType(field.type));
    if (leaf) parts.push(field.name);
    else if (depth < 2 && rng.chance(0.35)) {
      const sub = selection(field.type, depth + 1, rng);
      if (sub) parts.push(`${field.name}${field.args.some((a) => a.name === 'first') ? '(first: 3)' : ''} ${sub}`);
    }
  }
  return `{ ${parts.join(' ')} }`;
}

interface Built {
  field: string;
  kind: 'query' | 'mutation';
  body: string;
  headers: Record<string, string>;
}

function build(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>, rng: Rng, ids: string[]): Built {
  const defs: string[] = [];
  const args: string[] = [];
  const variables: Record<string, unknown> = {};
  for (const arg of field.args) {
    const required = isNonNullType(arg.type) && arg.defaultValue === undefined;
    if (!required && rng.chance(0.5)) continue;
    if (required && rng.chance(0.04)) {
      continue; // a required argument left out: validation names it
    }
    const name = `v_${arg.name}`;
    let declared = String(arg.type);
    if (rng.chance(0.04)) {
      declared = rng.pick(['String', 'Int!', 'ID', '[ID!]!', 'Boolean', 'NoSuchType']);
    }
    defs.push(`$${name}: ${declared}`);
    args.push(`${arg.name}: $${name}`);
    let value = plausible(arg.type, rng, ids);
    if (rng.chance(0.75)) value = mutate(arg.type, value, rng, ids);
    if (value !== undefined) variables[name] = value;
  }
  if (rng.chance(0.03)) args.push(`noSuchArgument: 1`);
  const sel = selection(field.type, 0, rng);
  const opName = rng.chance(0.5) ? `Fuzz_${field.name}` : '';
  let query = `${kind} ${opName}${defs.length ? `(${defs.join(', ')})` : ''} { ${field.name}${args.length ? `(${args.join(', ')})` : ''} ${sel} }`;
  if (rng.chance(0.02)) query = query.slice(0, rng.int(query.length)); // cut short: a parse error
  const envelope: Record<string, unknown> = { query, variables };
  if (opName && rng.chance(0.05)) envelope.operationName = rng.pick(['Other', 42, null, '']);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const accept = rng.pick([null, 'application/json', 'application/graphql-response+json', '*/*']);
  if (accept) headers.accept = accept;
  let body = JSON.stringify(envelope);
  if (rng.chance(0.02)) body = body.slice(0, rng.int(body.length)); // truncated JSON
  return { field: field.name, kind, body, headers };
}

/** What is wrong with an answer, if anything; `refused` when the root field has no value. */
function judge(status: number, text: string, field: string): { reason: string | null; refused: boolean; codes: string[] } {
  if (status >= 500) return { reason: `status ${status}`, refused: true, codes: [] };
  let parsed: { data?: Record<string, unknown> | null; errors?: { message?: unknown; extensions?: { code?: unknown } }[] };
  try {
    parsed = JSON.parse(text);
  } catch {
    return { reason: 'answer is not JSON', refused: true, codes: [] };
  }
  const errors = parsed.errors ?? [];
  const codes: string[] = [];
  for (const e of errors) {
    const code = e.extensions?.code;
    if (typeof e.message !== 'string' || !e.message) return { reason: 'an error without a message', refused: true, codes };
    if (typeof code !== 'string') return { reason: 'an error without a code', refused: true, codes };
    if (code === 'INTERNAL_SERVER_ERROR') return { reason: `internal error: ${e.message}`, refused: true, codes: [code] };
    codes.push(code);
  }
  if (!errors.length && !parsed.data) return { reason: 'neither data nor errors', refused: true, codes };
  return { reason: null, refused: parsed.data?.[field] == null, codes };
}

/** Sends `requests` generated requests one after another and returns what it saw. */
export async function fuzz(target: FuzzTarget, options: FuzzOptions): Promise<FuzzFigures> {
  const schema = loadContract();
  const rng = prng(options.seed);
  const roots = [
    ...Object.values(schema.getQueryType()!.getFields()).map((f) => ({ kind: 'query' as const, f })),
    ...Object.values(schema.getMutationType()!.getFields()).map((f) => ({ kind: 'mutation' as const, f })),
  ];
  const figures: FuzzFigures = {
    seed: options.seed,
    requests: 0,
    fieldsCovered: 0,
    fieldsTotal: roots.length,
    byStatus: {},
    byCode: {},
    accepted: 0,
    refusedMutationsChecked: 0,
    failures: [],
    ms: 0,
  };
  const covered = new Set<string>();
  const started = Date.now();
  for (let i = 0; i < options.requests; i++) {
    // Every root field in turn, so a short run still covers them all.
    const root = roots[i % roots.length]!;
    const built = build(root.kind, root.f, rng, target.ids);
    const sender = ENDS_SESSIONS.has(root.f.name)
      ? rng.chance(0.5)
        ? { label: 'fresh admin', token: await target.freshAdmin() }
        : { label: 'anonymous', token: null }
      : rng.pick(target.senders);
    const headers = { ...built.headers, ...(sender.token ? { authorization: `Bearer ${sender.token}` } : {}) };
    const checkRows = built.kind === 'mutation' && !RECORDS_REFUSALS.has(built.field);
    const before = checkRows ? await target.fingerprint() : null;
    let status = 0;
    let text = '';
    try {
      const res = await fetch(`${target.url}/graphql`, { method: 'POST', headers, body: built.body });
      status = res.status;
      text = await res.text();
    } catch (error) {
      text = String(error);
    }
    const seen = status === 0 ? { reason: `no answer: ${text}`, refused: true, codes: [] } : judge(status, text, built.field);
    figures.requests++;
    covered.add(built.field);
    figures.byStatus[status] = (figures.byStatus[status] ?? 0) + 1;
    for (const code of seen.codes) figures.byCode[code] = (figures.byCode[code] ?? 0) + 1;
    if (!seen.refused) figures.accepted++;
    const fail = (reason: string) =>
      figures.failures.push({ reason, field: built.field, status, body: text.slice(0, 500), request: built.body.slice(0, 500) });
    if (seen.reason) fail(`${seen.reason} (as ${sender.label})`);
    else if (checkRows && seen.refused && before !== null) {
      figures.refusedMutationsChecked++;
      if ((await target.fingerprint()) !== before) fail(`a refused ${built.field} changed rows (as ${sender.label})`);
    }
    if (options.onProgress && options.progressEvery && figures.requests % options.progressEvery === 0) {
      figures.fieldsCovered = covered.size;
      figures.ms = Date.now() - started;
      options.onProgress(figures);
    }
  }
  figures.fieldsCovered = covered.size;
  figures.ms = Date.now() - started;
  return figures;
}
