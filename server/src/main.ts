import 'reflect-metadata';
import cluster from 'node:cluster';
import http from 'node:http';
import { createApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { localDay } from './common/dates.js';
import { createLogger, type AppLogger } from './common/logger.js';
import { metricsListener } from './common/metrics.js';
import { connectDatabase } from './db/database.js';
import { resolveSecret, resolveVapidKeys } from './db/secret.js';
import { seedIfEmpty } from './db/seed/seed.js';

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  throw error;
}
// Pretty lines for a person at a terminal in development; JSON lines for everything else.
const logger = createLogger(config.logLevel, {
  base: { service: 'resolute' },
  pretty: config.env === 'development' && process.stdout.isTTY,
});

if (cluster.isPrimary && config.webConcurrency > 1) await supervise(config, logger);
else await serve(config, logger);

/**
 * WEB_CONCURRENCY > 1: this process only migrates, seeds, and keeps N API processes running
 * (node:cluster shares the port between them). Every state lives in PostgreSQL and Redis.
 */
async function supervise(config: Config, logger: AppLogger): Promise<void> {
  // Once, before the workers, so they never race on migrations, the seed or the secret file.
  const db = await connectDatabase(config, logger);
  if (config.seedDemo) await seedIfEmpty(db.orm.em.fork(), logger, { demo: true, print: true });
  await db.close();
  await resolveSecret(config);
  await resolveVapidKeys(config);

  let stopping = false;
  let alive = 0;
  const fork = () => {
    alive++;
    cluster.fork();
  };
  cluster.on('exit', (worker, code, signal) => {
    alive--;
    if (stopping) {
      if (alive === 0) {
        logger.info('stopped');
        process.exit(0);
      }
      return;
    }
    logger.error('API process exited; starting another', { pid: worker.process.pid, code, signal });
    setTimeout(fork, 1000);
  });
  for (let i = 0; i < config.webConcurrency; i++) fork();
  logger.info('API processes started', { processes: config.webConcurrency, supervisor: process.pid });

  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    // Each process drains its own in-flight requests (serve() below).
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    if (alive === 0) process.exit(0);
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/** One API process: HTTP, GraphQL, and the background jobs while it is the elected leader. */
async function serve(config: Config, logger: AppLogger): Promise<void> {
  const db = await connectDatabase(config, logger);
  if (config.seedDemo && cluster.isPrimary) await seedIfEmpty(db.orm.em.fork(), logger, { demo: true, print: true });
  const app = await createApp({
    config,
    orm: db.orm,
    logger,
    secret: await resolveSecret(config),
    replicas: db.replicas,
    vapid: await resolveVapidKeys(config),
  });
  const server = http.createServer(app.express);
  server.keepAliveTimeout = 65_000;
  server.listen(config.port, config.host, () => {
    const { port } = server.address() as { port: number };
    logger.info('listening', { url: `http://localhost:${port}/`, graphql: `http://localhost:${port}/graphql` });
    if (cluster.isPrimary && (process.stdout.isTTY || config.env === 'development')) {
      console.log(`\n  Resolute is running: http://localhost:${port}/  (GraphQL: http://localhost:${port}/graphql)\n`);
    }
  });

  // Prometheus scrapes this process on its own port, away from the public one.
  const metricsServer =
    config.metrics.port === undefined ? null : http.createServer(metricsListener(app.metrics, config.metrics.token));
  metricsServer?.listen(config.metrics.port, config.host, () => {
    logger.info('metrics listening', { url: `http://localhost:${(metricsServer.address() as { port: number }).port}/metrics` });
  });

  // The periodic jobs run in the elected process only (the derived worker's election), at once
  // when it is elected and then on their timers.
  const election = app.derived.election;
  const leading = (job: () => unknown) => () => {
    if (election.isLeader) void job();
  };
  // "Due soon" notices: hourly, idempotent per task and due date.
  const sweepDueSoon = () =>
    app.services.notifications
      .sweepDueSoon(db.orm.em.fork(), localDay(), config.push.dueSoonDays)
      .catch((error: unknown) => logger.error('due-soon sweep failed', { error }));
  // Removals older than the retention go; devices that last synced before them download again.
  const purgeTombstones = () =>
    app.services.sync
      .purgeTombstones(db.orm.em.fork(), config.syncTombstoneRetentionDays)
      .then((n) => n && logger.info('sync removals purged', { n }))
      .catch((error: unknown) => logger.error('sync removal purge failed', { error }));
  const hourly = () => {
    void sweepDueSoon();
    void purgeTombstones();
  };
  // Warnings are facts the derived worker keeps, with the calendar's transitions swept by it.
  election.on('elected', hourly);
  const sweeper = setInterval(leading(hourly), 60 * 60 * 1000);
  sweeper.unref();

  let stopping = false;
  async function shutdown(signal: string) {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    clearInterval(sweeper);
    // Stop taking connections, let in-flight requests finish, then close the pool and the database.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const force = setTimeout(() => server.closeAllConnections(), 10_000);
    await closed;
    clearTimeout(force);
    metricsServer?.close();
    await app.stop();
    await db.close();
    logger.info('stopped');
    process.exit(0);
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
