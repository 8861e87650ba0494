import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MikroORM } from '@mikro-orm/postgresql';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { createApp, type App } from '../../../src/app.js';
import { createLogger } from '../../../src/common/logger.js';
import { loadConfig } from '../../../src/config.js';
import { ormOptions } from '../../../src/db/orm.js';
import type { Account } from '../../../src/modules/accounts/account.entity.js';
import { OfflineDatabase } from '../../../../web/src/offline/db.js';
import { SyncClient, type SyncClientOptions } from '../../../../web/src/offline/sync-client.js';
import { fetchTransport, type ByteCounter } from '../../../../web/src/offline/transport.js';
import { createTestDatabase } from '../../support/test-app.js';
import { FaultProxy } from './fault-proxy.js';

/**
 * The real app on a fixed port, behind a fault-injecting proxy, that can be restarted (HTTP
 * server, GraphQL and database pool all closed, in-flight requests cut) while clients push.
 */
export class SyncHarness {
  app!: App;
  orm!: MikroORM;
  proxy!: FaultProxy;
  proxyUrl!: string;
  private server!: http.Server;
  private port = 0;
  private readonly secret = randomBytes(32).toString('hex');
  private databaseUrl = '';

  static async start(): Promise<SyncHarness> {
    const h = new SyncHarness();
    h.databaseUrl = await createTestDatabase();
    await h.boot();
    h.proxy = new FaultProxy(() => `http://127.0.0.1:${h.port}`);
    h.proxyUrl = await h.proxy.listen();
    return h;
  }

  private async boot(): Promise<void> {
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: this.databaseUrl,
      DATA_DIR: '/tmp/resolute-test-data',
      ACCESS_TOKEN_TTL_SECONDS: '86400',
    });
    this.orm = await MikroORM.init(ormOptions(this.databaseUrl));
    this.app = await createApp({ config, orm: this.orm, logger: createLogger('silent'), secret: this.secret });
    this.server = http.createServer(this.app.express);
    await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Kills the server as a crash would (connections cut, pool closed) and starts it again. */
  async restart(): Promise<void> {
    await this.shutdown();
    await this.boot();
  }

  private async shutdown(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.app.stop();
    await this.orm.close(true);
  }

  em() {
    return this.orm.em.fork();
  }

  async token(account: Account): Promise<string> {
    return (await this.app.services.auth.startSession(this.em(), account)).accessToken;
  }

  /** A field device: its own IndexedDB (fake-indexeddb) and a SyncClient talking through the proxy. */
  device(name: string, token: string, options: Partial<SyncClientOptions> & { bytes?: ByteCounter } = {}) {
    const db = new OfflineDatabase(name, { indexedDB, IDBKeyRange });
    const client = new SyncClient({
      db,
      transport: fetchTransport(`${this.proxyUrl}/graphql`, () => token, { bytes: options.bytes }),
      upload: { baseUrl: this.proxyUrl, getToken: () => token, chunkSize: 4096 },
      environment: null,
      intervalMs: 0,
      ...options,
    });
    return { db, client };
  }

  async close(): Promise<void> {
    await this.proxy.close();
    await this.shutdown();
  }
}

/** Syncs until the run succeeds with an empty outbox, or gives up after `max` runs. */
export async function syncUntilClean(client: SyncClient, max = 40): Promise<number> {
  for (let i = 1; i <= max; i++) {
    const r = await client.syncNow();
    if (r.ok && (await client.db.outbox.count()) === 0) return i;
  }
  throw new Error(`not clean after ${max} runs: ${client.state.lastError}`);
}
