import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Logger } from '../../common/logger.js';
import { applyBatch, type BatchResult } from './derived-apply.js';
import { derivedFreshness } from './derived-freshness.js';

/** Held for as long as a process is the one running the worker. */
const LEADER_LOCK = 0x5245_534c; // "RESL"
export const DERIVED_CHANNEL = 'resolute_derived';

export interface DerivedWorkerOptions {
  /** Changes per batch. */
  batchSize?: number;
  /** Longest wait between two looks at the log when no wake-up arrives. */
  idleMs?: number;
  /** How often a process that is not the worker tries to become it. */
  electionMs?: number;
}

export interface DerivedHealth {
  leader: boolean;
  /** Age in seconds of the oldest change not yet applied (0 when none). */
  lagSeconds: number;
  /** Audit events appended but not yet sealed into their chain. */
  unsealedAudit: number;
  /** When this process last finished a batch (null if never). */
  lastBatchAt: Date | null;
}

/**
 * The one background worker of derived data (docs/ARCHITECTURE.md): elected across every
 * process by a session-level advisory lock held on its own connection, woken by NOTIFY and by a
 * short idle timer, it drains the change log in batches until it is empty. When its process dies,
 * the lock goes with the connection and another process takes over at its next election try.
 */
export class DerivedWorker {
  private client: pg.Client | null = null;
  private leader = false;
  private stopped = false;
  private wake: (() => void) | null = null;
  private electionTimer: NodeJS.Timeout | null = null;
  private loop: Promise<void> | null = null;
  private lastBatchAt: Date | null = null;
  private notifyPending = false;
  private notifyTimer: NodeJS.Timeout | null = null;
  /** When true, each applied change's lag is kept in `lags` (benchmarks). */
  recordLags = false;
  readonly lags: number[] = [];
  private readonly batchSize: number;
  private readonly idleMs: number;
  private readonly electionMs: number;

  constructor(
    private readonly orm: MikroORM,
    private readonly logger?: Logger,
    options: DerivedWorkerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 5000;
    this.idleMs = options.idleMs ?? 500;
    this.electionMs = options.electionMs ?? 2000;
  }

  /** Starts trying to become the worker; returns at once. */
  start(): void {
    this.stopped = false;
    void this.elect();
  }

  get isLeader(): boolean {
    return this.leader;
  }

  private async elect(): Promise<void> {
    if (this.stopped || this.leader) return;
    try {
      const client = new pg.Client({ connectionString: this.orm.config.getClientUrl(), application_name: 'resolute-derived' });
      client.on('error', (error) => this.lost(error));
      await client.connect();
      const [row] = (await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [LEADER_LOCK])).rows;
      if (!row?.ok || this.stopped) {
        await client.end().catch(() => {});
      } else {
        this.client = client;
        this.leader = true;
        client.on('notification', () => this.wake?.());
        client.on('end', () => this.lost(new Error('worker connection ended')));
        await client.query(`listen ${DERIVED_CHANNEL}`);
        this.logger?.info('derived worker elected in this process');
        this.loop = this.run();
        return;
      }
    } catch (error) {
      this.logger?.warn('derived worker election failed', { error });
    }
    if (!this.stopped) {
      this.electionTimer = setTimeout(() => void this.elect(), this.electionMs);
      this.electionTimer.unref();
    }
  }

  private lost(error: unknown): void {
    if (!this.leader) return;
    this.leader = false;
    this.client = null;
    this.wake?.();
    if (!this.stopped) {
      this.logger?.warn('derived worker lost its connection; trying again', { error });
      this.electionTimer = setTimeout(() => void this.elect(), this.electionMs);
      this.electionTimer.unref();
    }
  }

  private async run(): Promise<void> {
    while (this.leader && !this.stopped) {
      let result: BatchResult | null = null;
      try {
        result = await this.batch();
      } catch (error) {
        this.logger?.error('derived batch failed; it will be retried', { error });
      }
      if (result && (result.changes >= this.batchSize || result.sealed > 0)) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, result ? this.idleMs : this.idleMs * 4);
        timer.unref();
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }

  private async batch(): Promise<BatchResult> {
    const result = await this.orm.em.fork().transactional((tx) => applyBatch(tx, this.batchSize));
    this.lastBatchAt = new Date();
    if (this.recordLags) this.lags.push(...result.lags);
    return result;
  }

  /**
   * Applies everything pending now, from any process (batches are serialised in the database),
   * and resolves when the log is empty. For scripts and tests that need derived figures current.
   */
  async drain(): Promise<void> {
    for (let i = 0; i < 10_000; i++) {
      const result = await this.batch();
      if (result.changes === 0 && result.sealed === 0) return;
    }
  }

  /**
   * Wakes the worker after a commit that appended changes, wherever it runs: one NOTIFY per
   * process every 50 ms at most, sent outside the writer's transaction (NOTIFY at commit takes a
   * database-wide lock, which thousands of writers a second would queue on).
   */
  nudge(): void {
    if (this.leader) {
      this.wake?.();
      return;
    }
    if (this.notifyPending) return;
    this.notifyPending = true;
    this.notifyTimer = setTimeout(() => {
      this.notifyPending = false;
      this.orm.em
        .getConnection()
        .execute(`select pg_notify(?, '')`, [DERIVED_CHANNEL])
        .catch((error: unknown) => this.logger?.debug('derived nudge failed', { error }));
    }, 50);
    this.notifyTimer.unref();
  }

  /** The worker's state and lag as seen from this process. */
  async health(): Promise<DerivedHealth> {
    const { lagSeconds, unsealedAudit } = await derivedFreshness(this.orm.em.fork());
    return { leader: this.leader, lagSeconds, unsealedAudit, lastBatchAt: this.lastBatchAt };
  }

  /** Stops the loop and gives up the election; the current batch finishes first. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.electionTimer) clearTimeout(this.electionTimer);
    if (this.notifyTimer) clearTimeout(this.notifyTimer);
    const client = this.client;
    this.leader = false;
    this.wake?.();
    await this.loop?.catch(() => {});
    this.client = null;
    await client?.end().catch(() => {});
  }
}
