import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError, UnauthenticatedError } from '../../common/errors.js';
import type { Config } from '../../config.js';
import type { VapidKeys } from '../../db/secret.js';
import { actorOf, type AuditService } from '../audit/audit.service.js';
import type { Viewer } from '../scope/viewer.js';
import type { NotificationKind } from '../notifications/notification.entity.js';
import { PushSubscription } from './push-subscription.entity.js';

/** What a browser's PushSubscription.toJSON() gives, as the app sends it. */
export interface PushSubscriptionInput {
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** Devices kept per account: a phone, a tablet, a desk browser or two; the oldest goes first. */
export const MAX_DEVICES_PER_ACCOUNT = 10;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The kinds a device is woken for (the trigger of push_outbox lists the same). */
export const PUSHED_KINDS = ['REPORT_RETURNED', 'TASK_ASSIGNED', 'TASK_DUE_SOON', 'EXTENSION_DECIDED'] as const;
/** Notices one `pushNotices` answer holds: enough for the newest of each kind. */
const NOTICES_MAX = 20;

/** A registered device, with its notice key (only in this answer). */
export type RegisteredDevice = PushSubscription & { readKey: string };

/** An unread notice as the device's service worker reads it. */
export interface PushNotice {
  id: string;
  kind: NotificationKind;
  message: string;
  taskId: string | null;
  reportId: string | null;
  taskTitle: string | null;
  createdAt: Date;
}

interface NoticeRow {
  id: string | null;
  kind: NotificationKind;
  message: string;
  task_id: string | null;
  report_id: string | null;
  task_title: string | null;
  created_at: Date;
}

const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** The devices that receive pushes, registered and removed by their own sign-in. */
export class PushService {
  constructor(
    private readonly audit: AuditService,
    private readonly config: Config,
    private readonly vapid: VapidKeys | null,
  ) {}

  /** The VAPID public key a browser subscribes with; null when this server sends no pushes. */
  publicKey(): string | null {
    return this.vapid?.publicKey ?? null;
  }

  /**
   * Registers this device's subscription for the viewer's sign-in, replacing whatever that
   * endpoint held before (another account signed in on the same phone). Idempotent; each call
   * hands out a new notice key, and the one before stops working.
   */
  async register(em: EntityManager, viewer: Viewer, input: PushSubscriptionInput): Promise<RegisteredDevice> {
    if (!this.vapid) throw new BadInputError('endpoint', 'This server sends no push notifications');
    const endpoint = this.checkEndpoint(input.endpoint);
    checkKey('p256dh', input.p256dh, 65);
    if (Buffer.from(input.p256dh, 'base64url')[0] !== 0x04)
      throw new BadInputError('p256dh', 'p256dh must be an uncompressed P-256 key');
    checkKey('auth', input.auth, 16);
    // 256 random bits: a fast hash is enough to keep a stolen database row from being a key.
    const readKey = randomBytes(32).toString('base64url');
    return em.transactional(async (tx) => {
      const [row] = await tx.execute<{ id: string }[]>(
        `insert into push_subscription (account_id, family_id, endpoint, p256dh, auth, read_key_hash)
         values (?, ?, ?, ?, ?, ?)
         on conflict (endpoint) do update set account_id = excluded.account_id, family_id = excluded.family_id,
           p256dh = excluded.p256dh, auth = excluded.auth, read_key_hash = excluded.read_key_hash,
           created_at = now(), last_sent_at = null
         returning id`,
        [viewer.accountId, viewer.familyId, endpoint, input.p256dh, input.auth, hashKey(readKey)],
      );
      await tx.execute(
        `delete from push_subscription where id in (
           select id from push_subscription where account_id = ? order by created_at desc, id offset ?)`,
        [viewer.accountId, MAX_DEVICES_PER_ACCOUNT],
      );
      await this.audit.record(tx, actorOf(viewer), {
        action: 'push.registered',
        entityType: 'PushSubscription',
        entityId: row!.id,
        after: { host: new URL(endpoint).host },
      });
      const device = await tx.findOneOrFail(PushSubscription, { id: row!.id });
      return Object.assign(device, { readKey });
    });
  }

  /**
   * The newest unread notices of the pushed kinds of the account whose device holds `readKey`,
   * newest first: what its service worker shows when a push arrives and no window is open. Only
   * while the device's sign-in is alive and the account enabled, as for sending; otherwise
   * UNAUTHENTICATED, the same for a wrong key and an ended sign-in.
   */
  async notices(em: EntityManager, readKey: string): Promise<PushNotice[]> {
    if (typeof readKey !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(readKey))
      throw new BadInputError('readKey', 'readKey must be the 43-character key the registration gave');
    const rows = await em.getConnection().execute<NoticeRow[]>(
      `with device as (
         select s.account_id from push_subscription s
           join account a on a.id = s.account_id and a.disabled_at is null
          where s.read_key_hash = ?
            and exists (select 1 from refresh_token r
                         where r.family_id = s.family_id and r.revoked_at is null and r.expires_at > now())
       )
       select n.id, n.kind, n.message, n.task_id, n.report_id, n.created_at, t.title as task_title
         from device d
         left join lateral (
           select * from notification n
            where n.account_id = d.account_id and n.read_at is null and n.kind::text = any(?::text[])
            order by n.created_at desc, n.id desc limit ?
         ) n on true
         left join task t on t.id = n.task_id
        order by n.created_at desc, n.id desc`,
      [hashKey(readKey), `{${PUSHED_KINDS.join(',')}}`, NOTICES_MAX],
    );
    if (!rows.length) throw new UnauthenticatedError('This device is no longer signed in');
    return rows
      .filter((r): r is NoticeRow & { id: string } => r.id !== null)
      .map((r) => ({
        id: r.id,
        kind: r.kind,
        message: r.message,
        taskId: r.task_id,
        reportId: r.report_id,
        taskTitle: r.task_title,
        createdAt: new Date(r.created_at),
      }));
  }

  /** Removes one of the viewer's own devices; false when the viewer has no such subscription. */
  async unregister(em: EntityManager, viewer: Viewer, endpoint: string): Promise<boolean> {
    if (endpoint.length > 2048) throw new BadInputError('endpoint', 'The endpoint is longer than 2048 characters');
    return em.transactional(async (tx) => {
      const rows = await tx.execute<{ id: string }[]>(
        `delete from push_subscription where endpoint = ? and account_id = ? returning id`,
        [endpoint, viewer.accountId],
      );
      if (!rows.length) return false;
      await this.audit.record(tx, actorOf(viewer), {
        action: 'push.unregistered',
        entityType: 'PushSubscription',
        entityId: rows[0]!.id,
      });
      return true;
    });
  }

  /**
   * The endpoint, if the server may send to it: https to a configured push service (a browser's
   * endpoint is always one), or plain http to this machine outside production (the tests' stand-in).
   * Anything else would let a signed-in account make the server post to hosts of its choosing.
   */
  private checkEndpoint(raw: string): string {
    if (raw.length > 2048) throw new BadInputError('endpoint', 'The endpoint is longer than 2048 characters');
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new BadInputError('endpoint', 'The endpoint must be a URL');
    }
    const host = url.hostname.toLowerCase();
    const loopback = LOOPBACK.has(host) && this.config.env !== 'production';
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
      throw new BadInputError('endpoint', 'The endpoint must be an https URL');
    }
    if (url.username || url.password) throw new BadInputError('endpoint', 'The endpoint must not carry credentials');
    const allowed = this.config.push.endpointHosts.some((h) => host === h || host.endsWith(`.${h}`));
    if (!allowed && !loopback) throw new BadInputError('endpoint', `The endpoint's host ${host} is not a known push service`);
    // Kept as the browser gave it: unregistering sends the same string back.
    return raw;
  }
}

function checkKey(field: string, value: string, bytes: number): void {
  if (value.length > 200 || !/^[A-Za-z0-9_-]+={0,2}$/.test(value) || Buffer.from(value, 'base64url').length !== bytes) {
    throw new BadInputError(field, `${field} must be a base64url value of ${bytes} bytes`);
  }
}
