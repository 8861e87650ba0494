import 'reflect-metadata';
import http from 'node:http';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { localDay } from './common/dates.js';
import { createLogger } from './common/logger.js';
import { metricsListener } from './common/metrics.js';
import { connectDatabase } from './db/database.js';
import { resolveSecret } from './db/secret.js';
import { seedIfEmpty } from './db/seed/seed.js';

let config;
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
const db = await connectDatabase(config, logger);
if (config.seedDemo) await seedIfEmpty(db.orm.em.fork(), logger, { demo: true, print: true });
const app = await createApp({ config, orm: db.orm, logger, secret: await resolveSecret(config) });
const server = http.createServer(app.express);
server.keepAliveTimeout = 65_000;
server.listen(config.port, config.host, () => {
  const { port } = server.address() as { port: number };
  logger.info('listening', { url: `http://localhost:${port}/`, graphql: `http://localhost:${port}/graphql` });
  if (process.stdout.isTTY || config.env === 'development') {
    console.log(`\n  Resolute is running: http://localhost:${port}/  (GraphQL: http://localhost:${port}/graphql)\n`);
  }
});

// Prometheus scrapes this process on its own port, away from the public one.
const metricsServer =
  config.metrics.port === undefined ? null : http.createServer(metricsListener(app.metrics, config.metrics.token));
metricsServer?.listen(config.metrics.port, config.host, () => {
  logger.info('metrics listening', { url: `http://localhost:${(metricsServer.address() as { port: number }).port}/metrics` });
});

// "Due soon" notices: hourly, idempotent per task and due date, so several processes may run it.
const sweepDueSoon = () =>
  app.services.notifications
    .sweepDueSoon(db.orm.em.fork(), localDay(), config.warnings.dueSoonDays)
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
hourly();
const sweeper = setInterval(hourly, 60 * 60 * 1000);
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
