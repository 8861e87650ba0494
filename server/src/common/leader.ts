import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Logger } from './logger.js';

export interface LeaderElectionOptions {
  /** PostgreSQL URL of the primary (the lock must be taken where every process looks). */
  connectionString: string;
  /** Session advisory lock key; one key per kind of leadership. */
  key: number;
  /** `application_name` of the lock's connection, seen in pg_stat_activity. */
  name: string;
  /** How often a follower tries to take the lock, and a leader checks that it still has it. */
  retryMs?: number;
  logger?: Logger;
}

/**
 * One leader across every process and machine on a database: whoever holds a session-level
 * advisory lock on its own connection. The lock goes with the session, so when the leader's
 * process dies PostgreSQL releases it and a follower takes it at its next try; short TCP
 * keepalives on the session make PostgreSQL notice a vanished machine too. A leader that cannot
 * reach its session any more steps down at once rather than risk two leaders.
 *
 * Emits `elected` (with the lock's pg.Client, usable for LISTEN) and `lost`.
 */
export class LeaderElection extends EventEmitter<{ elected: [pg.Client]; lost: [] }> {
  private client: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private trying: Promise<void> | null = null;
  private readonly retryMs: number;

  constructor(private readonly options: LeaderElectionOptions) {
    super();
    this.retryMs = options.retryMs ?? 2000;
  }

  get isLeader(): boolean {
    return this.client !== null;
  }

  /** Starts trying to become the leader; returns at once. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Gives up the lock (if held) and stops trying. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.trying;
    await this.stepDown();
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.trying = (this.client ? this.check() : this.tryLock()).finally(() => {
        this.trying = null;
        this.schedule(this.retryMs);
      });
    }, ms);
    this.timer.unref();
  }

  private async tryLock(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      application_name: this.options.name,
      keepAlive: true,
      query_timeout: Math.max(5000, this.retryMs * 2),
    });
    client.on('error', (error) => void this.stepDown(client, error));
    try {
      await client.connect();
      // The server drops this session (and the lock) within ~15 s of its holder vanishing.
      await client.query('set tcp_keepalives_idle = 5; set tcp_keepalives_interval = 2; set tcp_keepalives_count = 5');
      const { rows } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [this.options.key]);
      if (!rows[0]?.ok || !this.running) {
        await client.end().catch(() => {});
        return;
      }
      client.on('end', () => void this.stepDown(client, new Error('leader connection ended')));
      this.client = client;
      this.options.logger?.info('elected leader', { lock: this.options.name });
      this.emit('elected', client);
    } catch (error) {
      this.options.logger?.warn('leader election failed', { lock: this.options.name, error });
      await client.end().catch(() => {});
    }
  }

  /** The lock still held by this very session, or step down. */
  private async check(): Promise<void> {
    const client = this.client;
    if (!client) return;
    try {
      const { rows } = await client.query<{ held: boolean }>(
        `select exists (select 1 from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()
                          and granted and ((classid::bigint << 32) | objid::bigint) = $1::bigint) as held`,
        [this.options.key],
      );
      if (!rows[0]?.held) await this.stepDown(client, new Error('advisory lock no longer held'));
    } catch (error) {
      await this.stepDown(client, error);
    }
  }

  private async stepDown(client: pg.Client | null = this.client, error?: unknown): Promise<void> {
    if (!client || client !== this.client) return;
    this.client = null;
    if (error) this.options.logger?.warn('leadership lost', { lock: this.options.name, error });
    this.emit('lost');
    await client.end().catch(() => {});
  }
}
