import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import webpush from 'web-push';
import type { LeaderElection } from '../../common/leader.js';
import type { Logger } from '../../common/logger.js';
import type { VapidKeys } from '../../db/secret.js';

/** Queue rows taken per round. */
const ROUND = 500;
/** Requests in flight at once, to every push service together. */
const CONCURRENCY = 16;
const REQUEST_TIMEOUT_MS = 10_000;
/** A device out of reach longer than this gets nothing (the notices stay in the app). */
const TTL_SECONDS = 24 * 60 * 60;
/** Transient failures are retried this many times, waiting 30 s, 1 min, 2 min… in between. */
export const MAX_ATTEMPTS = 6;
const RETRY_BASE_SECONDS = 30;

export interface PushRound {
  /** Queue rows taken. */
  taken: number;
  sent: number;
  /** Subscriptions the push service said are gone (404, 410): removed. */
  gone: number;
  /** Deliveries that failed transiently (429, 5xx, network) and were queued again. */
  retried: number;
  /** Deliveries refused for good (other 4xx) or out of attempts. */
  dropped: number;
}

interface Delivery {
  subscription_id: string;
  account_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  kind: string;
  attempts: number;
}

type Outcome =
  { kind: 'sent' } | { kind: 'gone' } | { kind: 'retry'; afterSeconds: number } | { kind: 'drop'; status: number | null };

/** The whole payload: which kind of notice is waiting. The device syncs to learn the rest. */
export function pushPayload(kind: string): string {
  return JSON.stringify({ kind });
}

/**
 * Sends the queued pushes (docs/SECURITY.md, "Web Push"). Runs in the elected leader beside the
 * derived-data worker, which only appends to `push_outbox` (by the trigger on `notification`), so
 * a slow push service never slows a batch. Each round takes up to 500 queue rows in one
 * transaction, expands them to the accounts' live devices (one push per device and kind, however
 * many notices), sends, and in the same transaction removes the gone subscriptions and queues the
 * transient failures again: a crash mid-round puts the rows back and they are sent again.
 */
export class PushSender {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;

  constructor(
    private readonly orm: MikroORM,
    private readonly vapid: VapidKeys,
    private readonly logger?: Logger,
    private readonly options: { intervalMs?: number } = {},
  ) {}

  /** Sends while `election` says this process leads; returns at once. */
  start(election: LeaderElection): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      if (election.isLeader && !this.running) {
        this.running = this.drain()
          .then((round) => {
            if (round.sent || round.gone || round.dropped) this.logger?.debug('pushes sent', { ...round });
          })
          .catch((error: unknown) => this.logger?.error('push round failed; it will be retried', { error }))
          .finally(() => (this.running = null));
      }
      this.timer = setTimeout(tick, this.options.intervalMs ?? 1000);
      this.timer.unref();
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Runs rounds until the queue holds nothing due; for the loop, scripts and tests. */
  async drain(): Promise<PushRound> {
    const total: PushRound = { taken: 0, sent: 0, gone: 0, retried: 0, dropped: 0 };
    for (;;) {
      const round = await this.orm.em.fork().transactional((tx) => this.round(tx));
      for (const key of Object.keys(total) as (keyof PushRound)[]) total[key] += round[key];
      if (round.taken < ROUND) return total;
    }
  }

  private async round(tx: EntityManager): Promise<PushRound> {
    // Only devices whose sign-in is still alive: a revoked or expired sign-in, or a disabled
    // account, receives nothing even before its subscription row goes.
    const rows = await tx.execute<(Delivery & { taken: number })[]>(
      `with taken as (
         delete from push_outbox where id in (
           select id from push_outbox where not_before <= now() order by not_before, id limit ? for update skip locked)
         returning account_id, kind, subscription_id, attempts
       ), n as (select count(*)::int as taken from taken)
       select n.taken, d.* from n left join lateral (
         select distinct on (s.id, t.kind) s.id as subscription_id, s.account_id, s.endpoint, s.p256dh, s.auth, t.kind, t.attempts
           from taken t
           join push_subscription s on s.id = t.subscription_id or (t.subscription_id is null and s.account_id = t.account_id)
           join account a on a.id = s.account_id and a.disabled_at is null
          where exists (select 1 from refresh_token r
                         where r.family_id = s.family_id and r.revoked_at is null and r.expires_at > now())
          order by s.id, t.kind, t.attempts
       ) d on true`,
      [ROUND],
    );
    const taken = rows[0]?.taken ?? 0;
    const deliveries = rows.filter((r) => r.subscription_id);
    const round: PushRound = { taken, sent: 0, gone: 0, retried: 0, dropped: 0 };
    if (!deliveries.length) return round;

    const outcomes = await mapLimited(deliveries, CONCURRENCY, (d) => this.send(d));
    const sent: string[] = [];
    const gone: string[] = [];
    const retry: { d: Delivery; afterSeconds: number }[] = [];
    outcomes.forEach((outcome, i) => {
      const d = deliveries[i]!;
      if (outcome.kind === 'sent') sent.push(d.subscription_id);
      else if (outcome.kind === 'gone') gone.push(d.subscription_id);
      else if (outcome.kind === 'retry' && d.attempts + 1 < MAX_ATTEMPTS) retry.push({ d, afterSeconds: outcome.afterSeconds });
      else {
        round.dropped++;
        this.logger?.warn('push dropped', { status: outcome.kind === 'drop' ? outcome.status : 'attempts', kind: d.kind });
      }
    });
    if (sent.length) {
      await tx.execute(`update push_subscription set last_sent_at = now() where id = any(?::uuid[])`, [`{${sent.join(',')}}`]);
    }
    if (gone.length) {
      await tx.execute(`delete from push_subscription where id = any(?::uuid[])`, [`{${gone.join(',')}}`]);
    }
    if (retry.length) {
      await tx.execute(
        `insert into push_outbox (account_id, kind, subscription_id, attempts, not_before)
         select a, k, s, n, now() + make_interval(secs => w)
           from unnest(?::uuid[], ?::text[], ?::uuid[], ?::int[], ?::float8[]) as r(a, k, s, n, w)`,
        [
          `{${retry.map((r) => r.d.account_id).join(',')}}`,
          `{${retry.map((r) => r.d.kind).join(',')}}`,
          `{${retry.map((r) => r.d.subscription_id).join(',')}}`,
          `{${retry.map((r) => r.d.attempts + 1).join(',')}}`,
          `{${retry.map((r) => r.afterSeconds).join(',')}}`,
        ],
      );
    }
    round.sent = sent.length;
    round.gone = gone.length;
    round.retried = retry.length;
    return round;
  }

  /** One encrypted, VAPID-signed POST to the device's push service (RFC 8030, 8291, 8292). */
  private async send(d: Delivery): Promise<Outcome> {
    const request = webpush.generateRequestDetails(
      { endpoint: d.endpoint, keys: { p256dh: d.p256dh, auth: d.auth } },
      pushPayload(d.kind),
      {
        vapidDetails: this.vapid,
        TTL: TTL_SECONDS,
        // A newer push of the same kind replaces one the device has not fetched yet.
        topic: d.kind.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 32),
        urgency: 'normal',
        contentEncoding: 'aes128gcm',
      },
    );
    const backoff = RETRY_BASE_SECONDS * 2 ** d.attempts;
    let res: Response;
    try {
      res = await fetch(request.endpoint, {
        method: request.method,
        headers: request.headers as Record<string, string>,
        body: request.body ? new Uint8Array(request.body) : null,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        redirect: 'error',
      });
      await res.arrayBuffer().catch(() => undefined);
    } catch (error) {
      this.logger?.warn('push service unreachable; will retry', { error: String(error) });
      return { kind: 'retry', afterSeconds: backoff };
    }
    if (res.ok) return { kind: 'sent' };
    if (res.status === 404 || res.status === 410) return { kind: 'gone' };
    if (res.status === 429 || res.status >= 500) {
      const retryAfter = Number(res.headers.get('retry-after'));
      return {
        kind: 'retry',
        afterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 3600) : backoff,
      };
    }
    return { kind: 'drop', status: res.status };
  }
}

/** `work` over `items` with at most `limit` at once, results in the items' order. */
async function mapLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
