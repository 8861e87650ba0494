import type { MikroORM } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { LeaderElection } from '../../common/leader.js';
import type { Logger } from '../../common/logger.js';
import type { WarningThresholds } from '../../config.js';
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
  /**
   * Shortest time from one batch's start to the next's unless the batch was full: under a stream
   * of small commits, batches gather more changes each instead of taking a core for a few each.
   */
  minIntervalMs?: number;
  /** How often a process that is not the worker tries to become it. */
  electionMs?: number;
  /** The thresholds the warning facts are computed with. */
  warnings?: WarningThresholds;
  /** The process's election, shared with the other background jobs (one is made otherwise). */
  election?: LeaderElection;
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
 * The one background worker of derived data (docs/ARCHITECTURE.md): runs in the process elected
 * by LeaderElection (common/leader.ts), woken by NOTIFY on the election's connection and by a
 * short idle timer, it drains the change log in batches until it is empty. When its process dies,
 * the lock goes with the connection and another process takes over at its next election try.
 */
export class DerivedWorker {
  private stopped = true;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private lastBatchAt: Date | null = null;
  private notifyPending = false;
  private notifyTimer: NodeJS.Timeout | null = null;
  /** When true, each applied change's lag is kept in `lags` (benchmarks). */
  recordLags = false;
  readonly lags: number[] = [];
  private readonly batchSize: number;
  private readonly idleMs: number;
  private readonly minIntervalMs: number;
  private readonly warnings: WarningThresholds | undefined;
  /** Who runs background work; the worker runs while this process leads. */
  readonly election: LeaderElection;

  constructor(
    private readonly orm: MikroORM,
    private readonly logger?: Logger,
    options: DerivedWorkerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 5000;
    this.idleMs = options.idleMs ?? 500;
    this.minIntervalMs = options.minIntervalMs ?? 0;
    this.warnings = options.warnings;
    this.election =
      options.election ??
      new LeaderElection({
        connectionString: orm.config.getClientUrl(),
        key: LEADER_LOCK,
        name: 'resolute-leader',
        retryMs: options.electionMs ?? 2000,
        logger,
      });
    this.election.on('elected', (client) => this.elected(client));
    this.election.on('lost', () => this.wake?.());
  }

  /** Starts trying to become the worker; returns at once. */
  start(): void {
    this.stopped = false;
    this.election.start();
  }

  get isLeader(): boolean {
    return this.election.isLeader;
  }

  private elected(client: pg.Client): void {
    if (this.stopped) return;
    client.on('notification', () => this.wake?.());
    client.query(`listen ${DERIVED_CHANNEL}`).catch((error: unknown) => this.logger?.warn('derived listen failed', { error }));
    this.logger?.info('derived worker elected in this process');
    const previous = this.loop ?? Promise.resolve();
    this.loop = previous.then(() => this.run());
  }

  private async run(): Promise<void> {
    while (this.election.isLeader && !this.stopped) {
      const started = performance.now();
      let result: BatchResult | null = null;
      try {
        result = await this.batch();
      } catch (error) {
        this.logger?.error('derived batch failed; it will be retried', { error });
      }
      if (result && (result.changes >= this.batchSize || result.swept >= this.batchSize)) continue;
      if (!result || (result.changes === 0 && result.sealed === 0))
        await this.sleep(result ? this.idleMs : this.idleMs * 4, true);
      const rest = this.minIntervalMs - (performance.now() - started);
      if (rest > 0 && !this.stopped) await this.sleep(rest, false);
    }
  }

  /** Waits `ms`, or less when woken and `wakeable`; stopping always wakes. */
  private async sleep(ms: number, wakeable: boolean): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      this.wake = () => {
        if (!wakeable && !this.stopped && this.election.isLeader) return;
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = null;
  }

  private async batch(): Promise<BatchResult> {
    const result = await this.orm.em.fork().transactional((tx) => applyBatch(tx, this.batchSize, { warnings: this.warnings }));
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
      if (result.changes === 0 && result.sealed === 0 && result.swept === 0) return;
    }
  }

  /**
   * Wakes the worker after a commit that appended changes, wherever it runs: one NOTIFY per
   * process every 50 ms at most, sent outside the writer's transaction (NOTIFY at commit takes a
   * database-wide lock, which thousands of writers a second would queue on).
   */
  nudge(): void {
    if (this.election.isLeader) {
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
    return { leader: this.election.isLeader, lagSeconds, unsealedAudit, lastBatchAt: this.lastBatchAt };
  }

  /** Stops the loop and gives up the election; the current batch finishes first. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.notifyTimer) clearTimeout(this.notifyTimer);
    this.wake?.();
    await this.loop?.catch(() => {});
    await this.election.stop();
  }
}
