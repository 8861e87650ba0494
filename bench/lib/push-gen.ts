/**
 * Simulated devices pushing new reports: one open leaf task per cell officer, each device on its
 * own keep-alive connection sending one request at a time. Shared by bench:push (the write path)
 * and bench:dashboard (warnings freshness under that load).
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { PROTOCOL_VERSION } from '../api/sync-queries.js';
import type { Api } from './harness.js';

export const PUSH = `mutation Push($input: SyncPushInput!) { syncPush(input: $input) { results { id status reason } } }`;

export interface PushSession {
  username: string;
  task_id: string;
  token: string;
  clientId: string;
}

export interface ReportEntry {
  id: string;
  taskId: string;
  percent: number;
  writtenAt: string;
}

export interface Phase {
  requests: number;
  /** Reports answered APPLIED. */
  applied: number;
  /** Requests with fewer reports applied than sent, or no answer. */
  errors: number;
  latencies: number[];
  reasons: Map<string, number>;
  /** Wall time of the phase, from the first send to the last answer. */
  ms: number;
}

/** Signed-in officers of `count` cells (after skipping `offset`), each with an open leaf task of their cell. */
export async function officerSessions(api: Api, count: number, offset = 0): Promise<PushSession[]> {
  const officers = await api.orm.em.getConnection().execute<{ username: string; task_id: string }[]>(
    `select distinct on (u.id) 'canbo.' || lower(u.code) as username, t.id as task_id
       from unit u join task t on t.lead_unit_id = u.id
      where u.kind = 'CELL' and t.state = 'OPEN' and not exists (select 1 from task c where c.parent_id = t.id)
      order by u.id, t.id limit ? offset ?`,
    [count, offset],
  );
  if (!officers.length) throw new Error('no open task of a cell; run npm run bench:data first');
  return Promise.all(officers.map(async (o) => ({ ...o, token: await api.tokenFor(o.username), clientId: randomUUID() })));
}

/** `batch` new reports on one task, with fresh device-made ids. */
export function reportEntries(taskId: string, batch: number): ReportEntry[] {
  const now = new Date().toISOString();
  return Array.from({ length: batch }, () => ({ id: randomUUID(), taskId, percent: 50, writtenAt: now }));
}

/** A syncPush request body carrying `batch` new reports, as the field app sends it. */
export function graphqlPushBody(s: PushSession, batch: number): string {
  return JSON.stringify({
    query: PUSH,
    variables: {
      input: {
        protocolVersion: PROTOCOL_VERSION,
        clientId: s.clientId,
        entries: reportEntries(s.task_id, batch).map((e) => ({
          id: e.id,
          kind: 'CREATE_REPORT',
          createdAt: e.writtenAt,
          createReport: { reportId: e.id, taskId: e.taskId, percent: e.percent, hasObstacles: false, writtenAt: e.writtenAt },
        })),
      },
    },
  });
}

/** Reports a syncPush answer applied. */
export function graphqlApplied(text: string): number {
  return (
    (JSON.parse(text) as { data?: { syncPush: { results: { status: string }[] } } }).data?.syncPush.results.filter(
      (r) => r.status === 'APPLIED',
    ).length ?? 0
  );
}

export interface LoadOptions {
  url: string;
  sessions: PushSession[];
  batch: number;
  body: (s: PushSession) => string;
  applied: (text: string) => number;
  /** Stop sending once this says so (answers already asked for are awaited). */
  done: () => boolean;
  /**
   * Requests per second per device; 0 sends again as soon as the answer arrives (a closed loop,
   * where latency is devices ÷ throughput). A device behind its pace sends at once.
   */
  rate?: number;
}

/** Each session sends requests until `done()`, one at a time; what they got back. */
export async function runLoad(o: LoadOptions): Promise<Phase> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.sessions.length });
  const target = new URL(o.url);
  const phase: Phase = { requests: 0, applied: 0, errors: 0, latencies: [], reasons: new Map(), ms: 0 };
  const reason = (key: string) => phase.reasons.set(key, (phase.reasons.get(key) ?? 0) + 1);
  const one = (s: PushSession) =>
    new Promise<void>((resolve) => {
      const payload = o.body(s);
      const started = performance.now();
      const req = http.request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            authorization: `Bearer ${s.token}`,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            phase.latencies.push(performance.now() - started);
            phase.requests++;
            const text = Buffer.concat(chunks).toString('utf8');
            const n = res.statusCode === 200 ? o.applied(text) : 0;
            phase.applied += n;
            if (n < o.batch) {
              phase.errors++;
              reason(`${res.statusCode}: ${text.slice(0, 120)}`);
            }
            resolve();
          });
        },
      );
      req.on('error', (error) => {
        phase.errors++;
        reason(String(error));
        resolve();
      });
      req.end(payload);
    });
  const interval = o.rate ? 1000 / o.rate : 0;
  const started = performance.now();
  await Promise.all(
    o.sessions.map(async (s, i) => {
      // Paced devices start spread over one interval, not all on the same millisecond.
      let next = performance.now() + (interval * i) / o.sessions.length;
      while (!o.done()) {
        const wait = next - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (o.done()) break;
        next = Math.max(next + interval, performance.now());
        await one(s);
      }
    }),
  );
  phase.ms = performance.now() - started;
  agent.destroy();
  return phase;
}

/** What a load thread is told: plain data, as it crosses to another thread. */
export interface LoadSpec {
  url: string;
  sessions: PushSession[];
  batch: number;
  /** `graphql`: syncPush as the field app sends it; `raw`: the bare baseline's own body. */
  format: 'graphql' | 'raw';
  rate?: number;
  /** Stop after this long; without it, on `stop()`. */
  seconds?: number;
}

/** A syncPush-free body for the raw baseline: the device, then the same report entries. */
export const rawPushBody = (s: PushSession, batch: number) =>
  JSON.stringify({ clientId: s.clientId, entries: reportEntries(s.task_id, batch) });

export const rawApplied = (text: string) => (JSON.parse(text) as { data: { applied: number } }).data.applied;

/** The load of `spec` as one thread runs it (the load thread's own body). */
export function runSpec(spec: LoadSpec, stopped: () => boolean): Promise<Phase> {
  const until = spec.seconds ? Date.now() + spec.seconds * 1000 : Infinity;
  const graphql = spec.format === 'graphql';
  return runLoad({
    url: spec.url,
    sessions: spec.sessions,
    batch: spec.batch,
    body: (s) => (graphql ? graphqlPushBody(s, spec.batch) : rawPushBody(s, spec.batch)),
    applied: graphql ? graphqlApplied : rawApplied,
    done: () => stopped() || Date.now() >= until,
    rate: spec.rate,
  });
}

/**
 * Runs `spec` on its own thread: the devices are not the server, so building requests and
 * reading answers must not take the API's event loop (the thread uses 5–7 % of a core at 650/s).
 */
export function startLoad(spec: LoadSpec): { stop(): void; done: Promise<Phase> } {
  // tsx's loader does not reach worker threads: the thread loads its TypeScript through tsx's API.
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => tsx.tsImport(${JSON.stringify(
    new URL('./load-thread.ts', import.meta.url).href,
  )}, ${JSON.stringify(import.meta.url)}))`;
  const worker = new Worker(boot, { eval: true, workerData: spec });
  const done = new Promise<Phase>((resolve, reject) => {
    worker.once('message', (p: Omit<Phase, 'reasons'> & { reasons: [string, number][] }) =>
      resolve({ ...p, reasons: new Map(p.reasons) }),
    );
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`load thread exited (${code}) before answering`)));
  });
  return { stop: () => worker.postMessage('stop'), done };
}

/** The p-th percentile of ascending `sorted`. */
export const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
