import type { EntityManager } from '@mikro-orm/postgresql';
import { Redis } from 'ioredis';
import { AppError, ErrorCode } from '../../common/errors.js';

/** What one counted attempt leaves behind. */
export interface Hit {
  /** Attempts in the current window, this one included. */
  hits: number;
  /** When the current window ends and the counter starts again. */
  resetAt: Date;
}

/**
 * Fixed-window counters shared by every API process: in Redis when one is configured,
 * otherwise in PostgreSQL. Never in process memory, which a second process would not see.
 */
export interface RateLimiter {
  readonly backend: 'redis' | 'postgres' | 'redis-with-postgres-fallback';
  /** Counts one attempt under `key` in a window of `windowSeconds`. */
  hit(em: EntityManager, key: string, windowSeconds: number): Promise<Hit>;
  /** The current count under `key` without adding to it (0 when none). */
  peek(em: EntityManager, key: string): Promise<number>;
  /** Forgets `key` (after a successful sign-in, for instance). */
  reset(em: EntityManager, key: string): Promise<void>;
  close(): Promise<void>;
}

/** Counts one attempt and refuses with RATE_LIMITED (and when to retry) once `limit` is passed. */
export async function consume(
  limiter: RateLimiter,
  em: EntityManager,
  key: string,
  limit: number,
  windowSeconds: number,
): Promise<Hit> {
  const hit = await limiter.hit(em, key, windowSeconds);
  if (hit.hits > limit) {
    throw new AppError(ErrorCode.RATE_LIMITED, 'Too many attempts; wait a while and try again', {
      retryAt: hit.resetAt.toISOString(),
    });
  }
  return hit;
}

export class PostgresRateLimiter implements RateLimiter {
  readonly backend = 'postgres' as const;

  async hit(em: EntityManager, key: string, windowSeconds: number): Promise<Hit> {
    const conn = em.getConnection();
    // One statement, so concurrent processes never lose a count; outside any transaction, so a
    // refused sign-in still counts.
    const [row] = await conn.execute<{ hits: number; window_ends_at: Date }[]>(
      `insert into rate_limit (key, hits, window_ends_at) values (?, 1, now() + make_interval(secs => ?))
       on conflict (key) do update set
         hits = case when rate_limit.window_ends_at <= now() then 1 else rate_limit.hits + 1 end,
         window_ends_at = case when rate_limit.window_ends_at <= now() then excluded.window_ends_at else rate_limit.window_ends_at end
       returning hits, window_ends_at`,
      [key, windowSeconds],
    );
    // Expired windows are swept now and then rather than by a scheduler.
    if (Math.random() < 0.01) await conn.execute(`delete from rate_limit where window_ends_at < now() - interval '1 hour'`);
    return { hits: row.hits, resetAt: new Date(row.window_ends_at) };
  }

  async peek(em: EntityManager, key: string): Promise<number> {
    const [row] = await em
      .getConnection()
      .execute<{ hits: number }[]>(`select hits from rate_limit where key = ? and window_ends_at > now()`, [key]);
    return row?.hits ?? 0;
  }

  async reset(em: EntityManager, key: string): Promise<void> {
    await em.getConnection().execute(`delete from rate_limit where key = ?`, [key]);
  }

  async close(): Promise<void> {}
}

// INCR and the first PEXPIRE in one atomic step, so a key can never be left without expiry.
const HIT_SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`;

export class RedisRateLimiter implements RateLimiter {
  readonly backend = 'redis' as const;
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix: string,
  ) {
    // Short timeouts: a sign-in must not hang on a cache that went away.
    this.redis = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: true,
      connectTimeout: 1000,
      commandTimeout: 1000,
    });
    // Failures reach the caller through the commands; without a listener ioredis prints each one.
    this.redis.on('error', () => {});
  }

  async hit(_em: EntityManager, key: string, windowSeconds: number): Promise<Hit> {
    const [hits, ttl] = (await this.redis.eval(HIT_SCRIPT, 1, this.prefix + key, String(windowSeconds * 1000))) as [
      number,
      number,
    ];
    return { hits, resetAt: new Date(Date.now() + ttl) };
  }

  async peek(_em: EntityManager, key: string): Promise<number> {
    return Number((await this.redis.get(this.prefix + key)) ?? 0);
  }

  async reset(_em: EntityManager, key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  async close(): Promise<void> {
    if (this.redis.status !== 'end') await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * Redis first; while Redis does not answer, PostgreSQL counts instead, so an outage of the cache
 * neither blocks sign-in nor switches the limits off. Counts made during an outage stay in
 * PostgreSQL and are not merged back: a window is minutes long.
 */
export class FallbackRateLimiter implements RateLimiter {
  readonly backend = 'redis-with-postgres-fallback' as const;
  private failing = false;
  private retryPrimaryAt = 0;

  constructor(
    private readonly primary: RateLimiter,
    private readonly fallback: RateLimiter,
    private readonly onOutage: (failing: boolean, error?: unknown) => void = () => {},
    /** How long to go straight to the fallback after a failure, so each sign-in does not wait on timeouts. */
    private readonly retryAfterMs = 5000,
  ) {}

  private async run<T>(op: (limiter: RateLimiter) => Promise<T>): Promise<T> {
    if (this.failing && Date.now() < this.retryPrimaryAt) return op(this.fallback);
    try {
      const result = await op(this.primary);
      if (this.failing) {
        this.failing = false;
        this.onOutage(false);
      }
      return result;
    } catch (error) {
      this.retryPrimaryAt = Date.now() + this.retryAfterMs;
      if (!this.failing) {
        this.failing = true;
        this.onOutage(true, error);
      }
      return op(this.fallback);
    }
  }

  hit(em: EntityManager, key: string, windowSeconds: number): Promise<Hit> {
    return this.run((l) => l.hit(em, key, windowSeconds));
  }

  peek(em: EntityManager, key: string): Promise<number> {
    return this.run((l) => l.peek(em, key));
  }

  reset(em: EntityManager, key: string): Promise<void> {
    return this.run((l) => l.reset(em, key));
  }

  async close(): Promise<void> {
    await Promise.all([this.primary.close(), this.fallback.close()]);
  }
}

/** Redis (with PostgreSQL behind it) when `redisUrl` is set, PostgreSQL otherwise. */
export function createRateLimiter(
  redisUrl: string | undefined,
  prefix: string,
  onOutage?: (failing: boolean, error?: unknown) => void,
): RateLimiter {
  if (!redisUrl) return new PostgresRateLimiter();
  return new FallbackRateLimiter(new RedisRateLimiter(redisUrl, `${prefix}rl:`), new PostgresRateLimiter(), onOutage);
}
