import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../common/logger.js';
import { ormOptions } from './orm.js';

/** A WAL position (`pg_lsn` text, "16/B374D848") as a number that compares. */
export function lsnValue(lsn: string): bigint {
  const [hi, lo] = lsn.split('/');
  return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
}

export interface ReplicaState {
  name: string;
  /** In rotation: answering, replaying, and at most REPLICA_MAX_LAG_SECONDS behind. */
  healthy: boolean;
  /** Last WAL position it was seen to have replayed. */
  replayLsn: string | null;
  lagSeconds: number | null;
}

interface Replica extends ReplicaState {
  orm: MikroORM;
}

export interface ReplicaOptions {
  /** The primary, whose WAL position the replicas are measured against. */
  primary: MikroORM;
  maxLagSeconds: number;
  /** How often each replica's lag is measured. */
  checkMs?: number;
  logger?: Logger;
}

/**
 * Streaming standbys that read-only requests may use. A replica is in rotation while it answers
 * and has replayed what the primary had written `maxLagSeconds` ago; a request also needs it to
 * have replayed what its viewer last wrote or read (`pick(minLsn)`), else it reads from the
 * primary.
 */
export class ReadReplicas {
  private timer: NodeJS.Timeout | null = null;
  private next = 0;
  private checking: Promise<void> | null = null;
  /** The primary's position at each recent check, oldest first. */
  private samples: { at: number; lsn: bigint }[] = [];

  private constructor(
    private readonly replicas: Replica[],
    private readonly options: ReplicaOptions,
  ) {}

  /** Connects (no migrations: a standby follows the primary's schema) and starts measuring lag. */
  static async open(urls: string[], options: ReplicaOptions): Promise<ReadReplicas> {
    const replicas: Replica[] = [];
    for (const [i, url] of urls.entries()) {
      // A standby cannot create anything, and one that is down at start joins when it answers.
      const orm = await MikroORM.init({
        ...ormOptions(url, options.logger),
        ensureDatabase: false,
        // Seen in pg_stat_activity on the standby.
        driverOptions: { connection: { application_name: 'resolute-read' } },
      });
      replicas.push({ name: `replica-${i + 1}`, orm, healthy: false, replayLsn: null, lagSeconds: null });
    }
    const set = new ReadReplicas(replicas, options);
    await set.checkAll();
    set.timer = setInterval(() => void set.checkAll(), options.checkMs ?? 1000);
    set.timer.unref();
    return set;
  }

  get states(): ReplicaState[] {
    return this.replicas.map(({ name, healthy, replayLsn, lagSeconds }) => ({ name, healthy, replayLsn, lagSeconds }));
  }

  /**
   * A replica for one read-only request whose reader must see everything up to `minLsn` (null:
   * any), round robin among those in rotation; null means the primary. The replica's replay
   * position is read again now, so a request never lands on one that stopped a moment ago.
   */
  async pick(minLsn: string | null): Promise<{ name: string; em: EntityManager; replayLsn: string } | null> {
    const n = this.replicas.length;
    for (let k = 0; k < n; k++) {
      const replica = this.replicas[(this.next + k) % n]!;
      if (!replica.healthy) continue;
      const replayLsn = await this.replay(replica);
      if (replayLsn === null) continue;
      if (minLsn !== null && lsnValue(replayLsn) < lsnValue(minLsn)) continue;
      this.next = (this.next + k + 1) % n;
      return { name: replica.name, em: replica.orm.em.fork(), replayLsn };
    }
    return null;
  }

  private async replay(replica: Replica): Promise<string | null> {
    try {
      const [row] = await replica.orm.em
        .getConnection()
        .execute<{ lsn: string | null }[]>('select pg_last_wal_replay_lsn()::text as lsn');
      if (!row?.lsn) throw new Error('not a standby');
      replica.replayLsn = row.lsn;
      return row.lsn;
    } catch (error) {
      this.mark(replica, false, error);
      return null;
    }
  }

  private checkAll(): Promise<void> {
    this.checking ??= this.measure().finally(() => (this.checking = null));
    return this.checking;
  }

  /**
   * Lag = how long ago the primary was at the oldest position a replica has not replayed yet
   * (0 when it has replayed all of them). Unlike the age of the last replayed commit, this is
   * right after an idle spell and for a standby cut off from the primary.
   */
  private async measure(): Promise<void> {
    const now = Date.now();
    try {
      const [row] = await this.options.primary.em
        .getConnection()
        .execute<{ lsn: string }[]>('select pg_current_wal_lsn()::text as lsn');
      this.samples.push({ at: now, lsn: lsnValue(row!.lsn) });
    } catch (error) {
      this.options.logger?.warn('could not read the primary WAL position', { error });
    }
    // Enough history to tell "further behind than the limit".
    const horizon = now - 2 * this.options.maxLagSeconds * 1000;
    while (this.samples.length > 1 && this.samples[1]!.at < horizon) this.samples.shift();
    await Promise.all(
      this.replicas.map(async (replica) => {
        const replayLsn = await this.replay(replica);
        if (replayLsn === null) return;
        const replayed = lsnValue(replayLsn);
        const behind = this.samples.find((s) => s.lsn > replayed);
        replica.lagSeconds = behind ? (now - behind.at) / 1000 : 0;
        const ok = replica.lagSeconds <= this.options.maxLagSeconds;
        this.mark(replica, ok, ok ? undefined : { lagSeconds: replica.lagSeconds });
      }),
    );
  }

  private mark(replica: Replica, healthy: boolean, why?: unknown): void {
    if (replica.healthy === healthy) return;
    replica.healthy = healthy;
    if (healthy) this.options.logger?.info('read replica in rotation', { replica: replica.name });
    else this.options.logger?.warn('read replica out of rotation; reads go to the primary', { replica: replica.name, why });
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.checking;
    await Promise.all(this.replicas.map((r) => r.orm.close(true)));
  }
}
