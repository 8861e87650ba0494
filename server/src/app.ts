import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { MikroORM } from '@mikro-orm/postgresql';
import compression from 'compression';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Config } from './config.js';
import { AppError } from './common/errors.js';
import { adaptPino, type AppLogger, type Logger } from './common/logger.js';
import {
  databaseUnavailableError,
  httpErrorHandler,
  isDatabaseUnavailable,
  requestErrorsPlugin,
  requireJsonBody,
} from './common/request-errors.js';
import { createMetrics, httpMetrics, metricsEndpoint, requestMetrics, type Metrics } from './common/metrics.js';
import { registerPoolMetrics } from './db/pool-metrics.js';
import { readRoutingPlugin } from './db/read-routing.js';
import type { ReadReplicas } from './db/replicas.js';
import { createLoaders, type Context } from './graphql/context.js';
import { formatError } from './graphql/errors.js';
import { metricsPlugin } from './graphql/metrics.plugin.js';
import { queryLimitsPlugin } from './graphql/protection.js';
import { createSchema } from './graphql/schema.js';
import { attachmentRoutes } from './modules/attachments/attachment.routes.js';
import { createServices, type Services } from './services.js';
import { DerivedWorker } from './modules/derived/derived-worker.js';
import { PushSender } from './modules/push/push-sender.js';
import type { VapidKeys } from './db/secret.js';
import { exportRoutes } from './modules/exports/export.routes.js';
import { importRoutes } from './modules/imports/import.routes.js';
import { publicRoutes } from './modules/publication/public.routes.js';

export interface AppDeps {
  config: Config;
  orm: MikroORM;
  logger: AppLogger;
  /** Secret for access tokens, resolved by the caller (configuration or the data directory). */
  secret: string;
  /** Streaming standbys for read-only GraphQL requests (db/read-routing.ts). */
  replicas?: ReadReplicas | null;
  /** The Web Push VAPID pair (db/secret.ts); absent: this app sends no pushes. */
  vapid?: VapidKeys | null;
}

export interface App {
  express: Express;
  schema: GraphQLSchema;
  services: Services;
  /** The derived-data worker: runs here when this process is elected. */
  derived: DerivedWorker;
  /** Sends the queued Web Push messages while this process is elected; null without VAPID keys. */
  push: PushSender | null;
  /** This app's Prometheus registry; `metrics.registerGauge` adds a gauge read at each scrape. */
  metrics: Metrics;
  /** Stops GraphQL; the HTTP server and the database belong to the caller. */
  stop(): Promise<void>;
}

/** Builds the HTTP application (GraphQL, health, web app) without listening, so tests can use it. */
export async function createApp({ config, orm, logger, secret, replicas, vapid }: AppDeps): Promise<App> {
  const schema = await createSchema();
  const services = createServices(config, secret, logger, vapid ?? null);
  const derived = new DerivedWorker(orm, logger, { warnings: config.warnings, minIntervalMs: config.derivedBatchIntervalMs });
  const push = vapid ? new PushSender(orm, vapid, logger) : null;
  const production = config.env === 'production';
  const metrics = createMetrics();
  registerPoolMetrics(metrics, orm);
  metrics.registerGauge(
    'resolute_derived_lag_seconds',
    'Age of the oldest change the derived-data worker has not applied',
    async () => (await derived.health()).lagSeconds,
  );
  const apollo = new ApolloServer<Context>({
    schema,
    formatError: formatError(logger),
    includeStacktraceInErrorResponses: false,
    // main.ts owns shutdown: it drains HTTP first, then stops Apollo and the database.
    stopOnTerminationSignals: false,
    introspection: !production,
    plugins: [
      requestErrorsPlugin(schema),
      queryLimitsPlugin(schema, { maxDepth: config.graphqlMaxDepth, maxComplexity: config.graphqlMaxComplexity }),
      // No answer sets cache hints (the public view is plain HTTP with its own headers); the
      // default plugin would still wrap every field of every answer, ~3 ms per sync page.
      ApolloServerPluginCacheControlDisabled(),
      // A mutation appended to the change log: wake the derived worker now rather than at its next look.
      {
        async requestDidStart() {
          return {
            async willSendResponse({ operation }) {
              if (operation?.operation === 'mutation') derived.nudge();
            },
          };
        },
      },
      metricsPlugin(metrics),
      ...(replicas ? [readRoutingPlugin(replicas, orm)] : []),
      ...(production ? [ApolloServerPluginLandingPageDisabled()] : []),
    ],
  });
  await apollo.start();
  if (config.derivedWorker) {
    derived.start();
    push?.start(derived.election);
  }

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  // One line per request when it ends; lines logged while serving it carry its id.
  app.use(
    pinoHttp({
      logger: logger.pino,
      genReqId(req, res) {
        const requestId = String(req.headers['x-request-id'] ?? randomUUID()).slice(0, 64);
        res.setHeader('x-request-id', requestId);
        return requestId;
      },
      quietReqLogger: true,
      customAttributeKeys: { reqId: 'requestId' },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
      // The status is what matters; the security headers would repeat a kilobyte on every line.
      serializers: { res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }) },
    }),
  );
  app.use((req: Request, res: Response, next: NextFunction) => {
    res.locals.requestId = String(req.id);
    res.locals.logger = adaptPino(req.log);
    next();
  });
  app.use(httpMetrics(metrics));

  // A first sync is ~6× smaller gzipped: on a weak signal that is most of its time.
  app.use(compression({ threshold: 1024 }));
  app.use(securityHeaders(production));
  app.use(cors(config.corsOrigins));

  app.get('/healthz', async (_req, res) => {
    try {
      const worker = await derived.health();
      res.json({ status: 'ok', pid: process.pid, leader: derived.isLeader, derived: worker, replicas: replicas?.states });
    } catch (error) {
      (res.locals.logger as Logger).error('health check failed', { error });
      res.status(503).json({ status: 'unavailable', reason: 'database' });
    }
  });

  app.use(
    '/graphql',
    requireJsonBody,
    express.json({ limit: config.maxRequestBytes }),
    expressMiddleware(apollo, {
      context: async ({ req, res }): Promise<Context> => {
        const em = orm.em.fork();
        const header = req.headers.authorization;
        const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : null;
        const viewer = token ? await services.viewers.fromToken(em, token).catch(asGraphQLError) : null;
        return {
          em,
          primaryEm: em,
          viewer,
          loaders: createLoaders(em, services),
          services,
          config,
          logger: res.locals.logger as Logger,
          metrics: requestMetrics(metrics, res),
          requestId: res.locals.requestId as string,
          ip: req.ip ?? '',
          userAgent: req.headers['user-agent'] ?? null,
        };
      },
    }),
  );

  app.use('/files', attachmentRoutes(orm, services));
  app.use('/api/exports', exportRoutes(orm, services));
  app.use('/api/imports', importRoutes(orm, services, config.importMaxBytes));
  app.use('/api/public', publicRoutes(orm, services));
  // Never public: on the main port only behind METRICS_TOKEN (METRICS_PORT has its own listener).
  const metricsHere = metricsEndpoint(metrics, { token: config.metrics.token, enabled: config.metrics.token !== undefined });
  app.get('/metrics', (req, res, next) => void metricsHere(req, res).catch(next));

  serveWebApp(app, config.webDist);

  app.use(httpErrorHandler(config.maxRequestBytes, logger));

  return {
    express: app,
    schema,
    services,
    derived,
    push,
    metrics,
    async stop() {
      await push?.stop();
      await derived.stop();
      await apollo.stop();
      await services.limiter.close();
    },
  };
}

/**
 * Security headers for the API and the PWA served from the same origin. The CSP fits a
 * Vite-built Vue app: scripts only from this origin (no inline scripts), its service worker and
 * manifest, photos shown from blob: URLs, styles set by components at run time.
 */
function securityHeaders(production: boolean) {
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        workerSrc: ["'self'"],
        manifestSrc: ["'self'"],
        mediaSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // Plain-HTTP installations on a LAN must keep working; HSTS only matters behind TLS anyway.
    strictTransportSecurity: production ? { maxAge: 15_552_000, includeSubDomains: false } : false,
    referrerPolicy: { policy: 'no-referrer' },
  });
  return (req: Request, res: Response, next: NextFunction) =>
    headers(req, res, () => {
      // Apollo's development landing page (never in production) loads its sandbox from a CDN.
      if (!production && req.method === 'GET' && req.path === '/graphql') res.removeHeader('Content-Security-Policy');
      next();
    });
}

/** Cross-origin calls only from the configured origins; the web app itself is same-origin. */
function cors(origins: string[]) {
  const allowed = new Set(origins);
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    res.vary('Origin');
    if (origin && allowed.has(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Expose-Headers', 'x-request-id');
      if (req.method === 'OPTIONS') {
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, OPTIONS');
        res.setHeader(
          'Access-Control-Allow-Headers',
          'authorization, content-type, x-request-id, apollo-require-preflight, x-apollo-operation-name',
        );
        res.setHeader('Access-Control-Max-Age', '600');
        res.status(204).end();
        return;
      }
    } else if (origin && req.method === 'OPTIONS') {
      // A preflight from an origin not on the list gets no permission headers.
      res.status(403).json({ errors: [{ message: 'Origin not allowed', extensions: { code: 'FORBIDDEN' } }] });
      return;
    }
    next();
  };
}

/** Errors raised while building the context keep their code and an HTTP status. */
function asGraphQLError(error: unknown): never {
  if (isDatabaseUnavailable(error)) throw databaseUnavailableError();
  if (error instanceof AppError) {
    const status = error.code === 'UNAUTHENTICATED' ? 401 : 400;
    throw new GraphQLError(error.message, { extensions: { code: error.code, http: { status } } });
  }
  throw error;
}

/** The built PWA: hashed assets cached for a year, the shell and service worker never. */
function serveWebApp(app: Express, dist: string): void {
  if (!existsSync(path.join(dist, 'index.html'))) return;
  app.use(
    express.static(dist, {
      index: false,
      setHeaders(res, file) {
        const name = path.basename(file);
        if (file.includes(`${path.sep}assets${path.sep}`)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
        else if (name.endsWith('.html') || name === 'sw.js' || name.startsWith('workbox-') || name.endsWith('.webmanifest'))
          res.setHeader('Cache-Control', 'no-cache');
        else res.setHeader('Cache-Control', 'public, max-age=3600');
      },
    }),
  );
  app.get(/^\/(?!graphql|healthz|files\/|api\/).*/, (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(path.join(dist, 'index.html'));
  });
}
