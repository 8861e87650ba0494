import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Labels of operations beyond this many distinct names read "(other)": clients choose names. */
const MAX_OPERATION_NAMES = 200;

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export type PushOutcome = 'applied' | 'already_applied' | 'rejected' | 'conflict' | 'retry_later';
export type PulledEntity = 'task' | 'report' | 'notification' | 'removal';

/**
 * One app's Prometheus registry and the instruments the code records into. Each app has its own,
 * so several apps in one test process, or several API processes on one machine, never share
 * counters; Prometheus tells processes apart by the target it scrapes.
 */
export interface Metrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly graphqlDuration: Histogram<'operation' | 'type'>;
  readonly graphqlErrors: Counter<'code' | 'operation'>;
  readonly syncPushEntries: Counter<'kind' | 'outcome'>;
  readonly syncPullRows: Counter<'entity'>;
  readonly syncPullBytes: Counter;
  /**
   * A gauge read when Prometheus scrapes (a queue's length, a worker's lag). `collect` may be
   * async; when it throws the gauge reads NaN instead of failing the whole scrape.
   */
  registerGauge(name: string, help: string, collect: () => number | Promise<number>): Gauge;
  /** The label for an operation name: bounded, so made-up names cannot grow the registry. */
  operationLabel(name: string | null | undefined): string;
  /** The text Prometheus reads. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

/** A fresh registry with Resolute's instruments and Node's process metrics (event-loop lag among them). */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const names = new Set<string>();
  return {
    registry,
    httpDuration: new Histogram({
      name: 'resolute_http_request_duration_seconds',
      help: 'HTTP requests by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: SECONDS_BUCKETS,
      registers,
    }),
    graphqlDuration: new Histogram({
      name: 'resolute_graphql_operation_duration_seconds',
      help: 'GraphQL operations by operation name and type, from parsing to the answer',
      labelNames: ['operation', 'type'],
      buckets: SECONDS_BUCKETS,
      registers,
    }),
    graphqlErrors: new Counter({
      name: 'resolute_graphql_errors_total',
      help: 'Errors in GraphQL answers by extensions.code',
      labelNames: ['code', 'operation'],
      registers,
    }),
    syncPushEntries: new Counter({
      name: 'resolute_sync_push_entries_total',
      help: 'Outbox entries pushed, by kind and outcome',
      labelNames: ['kind', 'outcome'],
      registers,
    }),
    syncPullRows: new Counter({
      name: 'resolute_sync_pull_rows_total',
      help: 'Rows sent by sync pulls, by entity (removals counted apart)',
      labelNames: ['entity'],
      registers,
    }),
    syncPullBytes: new Counter({
      name: 'resolute_sync_pull_bytes_total',
      help: 'Bytes of sync pull answers before compression',
      registers,
    }),
    registerGauge(name, help, collect) {
      return new Gauge({
        name,
        help,
        registers,
        async collect() {
          try {
            this.set(await collect());
          } catch {
            this.set(Number.NaN);
          }
        },
      });
    },
    operationLabel(name) {
      if (!name) return '(anonymous)';
      if (names.has(name)) return name;
      if (names.size >= MAX_OPERATION_NAMES) return '(other)';
      names.add(name);
      return name;
    },
    async scrape() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

/** Express middleware timing every request, labelled by the route that answered it, never the raw path. */
export function httpMetrics(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    const end = metrics.httpDuration.startTimer();
    res.once('finish', () => end({ method: req.method, route: routeOf(req), status: String(res.statusCode) }));
    next();
  };
}

function routeOf(req: Request): string {
  const route = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof route === 'string') return route === '/' && req.baseUrl ? req.baseUrl : `${req.baseUrl}${route}`;
  if (route !== undefined) return `${req.baseUrl}${String(route)}`;
  // Mounted middleware (GraphQL) has a base; static files and unknown paths have neither.
  return req.baseUrl || '(other)';
}

/** Records what one request's resolvers report; made per request by the GraphQL context. */
export interface RequestMetrics {
  syncPushed(entries: { kind: string }[], results: { status: string }[]): void;
  syncPulled(page: { tasks: unknown[]; reports: unknown[]; notifications: unknown[]; removals: unknown[] }): void;
}

export function requestMetrics(metrics: Metrics, res: ServerResponse): RequestMetrics {
  let countingBytes = false;
  return {
    syncPushed(entries, results) {
      results.forEach((result, i) => {
        metrics.syncPushEntries.inc({ kind: entries[i]?.kind ?? 'unknown', outcome: result.status.toLowerCase() });
      });
    },
    syncPulled(page) {
      const rows = metrics.syncPullRows;
      rows.inc({ entity: 'task' }, page.tasks.length);
      rows.inc({ entity: 'report' }, page.reports.length);
      rows.inc({ entity: 'notification' }, page.notifications.length);
      rows.inc({ entity: 'removal' }, page.removals.length);
      if (countingBytes) return;
      countingBytes = true;
      // The answer is written after the resolver returns: count it as it passes, above compression.
      const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
      res.end = ((...args: unknown[]) => {
        const [chunk, encoding] = args;
        if (typeof chunk === 'string')
          metrics.syncPullBytes.inc(
            Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'),
          );
        else if (chunk instanceof Uint8Array) metrics.syncPullBytes.inc(chunk.byteLength);
        return end(...args);
      }) as ServerResponse['end'];
    },
  };
}

export interface MetricsAccess {
  /** When set, /metrics needs `Authorization: Bearer <token>`. */
  token: string | undefined;
  /** Whether this listener serves /metrics at all (unset token on the main port: no). */
  enabled: boolean;
}

/**
 * GET /metrics: 404 when not enabled here, 401 without the right bearer token when one is set,
 * else the registry's text.
 */
export function metricsEndpoint(metrics: Metrics, access: MetricsAccess) {
  const expected = access.token ? digest(access.token) : null;
  return async (req: IncomingMessage, res: ServerResponse) => {
    if (!access.enabled) return send(res, 404, 'text/plain; charset=utf-8', 'Not found\n');
    if (expected) {
      const header = req.headers.authorization ?? '';
      const given = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
      if (!timingSafeEqual(digest(given), expected)) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
        return send(res, 401, 'text/plain; charset=utf-8', 'Unauthorized\n');
      }
    }
    const { contentType, body } = await metrics.scrape();
    res.setHeader('Cache-Control', 'no-store');
    send(res, 200, contentType, body);
  };
}

/** The listener for METRICS_PORT: /metrics and nothing else. */
export function metricsListener(metrics: Metrics, token: string | undefined): RequestListener {
  const endpoint = metricsEndpoint(metrics, { token, enabled: true });
  return (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      send(res, 404, 'text/plain; charset=utf-8', 'Not found\n');
      return;
    }
    endpoint(req, res).catch(() => send(res, 500, 'text/plain; charset=utf-8', 'Metrics unavailable\n'));
  };
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.end(body);
}

// Equal-length digests, so comparing them takes the same time whatever was sent.
const digest = (value: string) => createHash('sha256').update(value).digest();
