import type { EntityManager } from '@mikro-orm/postgresql';
import { addDays } from '../../common/dates.js';
import { NotFoundError } from '../../common/errors.js';
import { decodeCursor, toConnection, type Connection, type PageArgs } from '../../common/pagination.js';
import { Role } from '../accounts/role.js';
import { actorOf, type AuditService } from '../audit/audit.service.js';
import type { Viewer } from '../scope/viewer.js';
import { assertUuid } from '../../common/ids.js';
import { Notification, NotificationKind } from './notification.entity.js';

export interface NotifyInput {
  kind: NotificationKind;
  message: string;
  taskId?: string | null;
  reportId?: string | null;
  dedupeKey?: string | null;
}

/** Who receives what: the roles of a unit that act on each kind of notice. */
export const RECIPIENT_ROLES: Record<NotificationKind, Role[]> = {
  [NotificationKind.TASK_ASSIGNED]: [Role.FOCAL, Role.REPORTER],
  [NotificationKind.TASK_DUE_SOON]: [Role.FOCAL, Role.REPORTER],
  [NotificationKind.REPORT_SUBMITTED]: [Role.LEADER],
  [NotificationKind.REPORT_RETURNED]: [Role.FOCAL],
  [NotificationKind.REPORT_APPROVED]: [Role.FOCAL],
  [NotificationKind.EXTENSION_DECIDED]: [Role.FOCAL, Role.REPORTER],
};

export class NotificationService {
  constructor(private readonly audit: AuditService) {}

  /**
   * Notifies every active account of the unit at `unitPath` holding one of the roles that act
   * on `input.kind`, plus `alsoAccountId` (the author of a report, say). Runs in the caller's
   * transaction; a notice with a dedupe key already sent to an account is not sent again.
   */
  async notifyUnit(em: EntityManager, unitPath: string, input: NotifyInput, alsoAccountId?: string | null): Promise<number> {
    const rows = await em.execute<{ id: string }[]>(
      `insert into notification (id, account_id, kind, task_id, report_id, message, dedupe_key)
       select gen_random_uuid(), a.id, ?::notification_kind, ?::uuid, ?::uuid, ?, ?
         from (
           -- Two branches, each on its own index: one OR over both scanned every account.
           select a.id from account a join unit u on u.id = a.unit_id
            where u.path = ? and a.roles && ?::text[] and a.disabled_at is null
           union
           select a.id from account a where a.id = ?::uuid and a.disabled_at is null
         ) a
       on conflict do nothing
       returning id`,
      [
        input.kind,
        input.taskId ?? null,
        input.reportId ?? null,
        input.message,
        input.dedupeKey ?? null,
        unitPath,
        `{${RECIPIENT_ROLES[input.kind].join(',')}}`,
        alsoAccountId ?? null,
      ],
    );
    return rows.length;
  }

  /** The viewer's own notifications, newest first, optionally only the unread ones. */
  async listForViewer(em: EntityManager, viewer: Viewer, page: PageArgs, unreadOnly = false): Promise<Connection<Notification>> {
    const where: Record<string, unknown> = { account: viewer.accountId };
    if (unreadOnly) where.readAt = null;
    const keyset: Record<string, unknown> = {};
    if (page.after) {
      const [created, id] = decodeCursor(page.after, 2) as [string, string];
      keyset.$or = [{ createdAt: { $lt: new Date(created) } }, { createdAt: new Date(created), id: { $lt: id } }];
    }
    const [rows, total] = await Promise.all([
      em.find(Notification, { ...where, ...keyset }, { orderBy: { createdAt: 'desc', id: 'desc' }, limit: page.first + 1 }),
      em.count(Notification, where),
    ]);
    return toConnection(rows, page.first, total, (n) => [n.createdAt.toISOString(), n.id]);
  }

  /** How many of the viewer's notifications are unread. */
  async unreadCount(em: EntityManager, viewer: Viewer): Promise<number> {
    return em.count(Notification, { account: viewer.accountId, readAt: null });
  }

  /** Marks one of the viewer's own notifications read; reading it again changes nothing. */
  async markRead(em: EntityManager, viewer: Viewer, notificationId: string): Promise<Notification> {
    assertUuid('id', notificationId);
    return em.transactional(async (tx) => {
      const n = await tx.findOne(Notification, { id: notificationId, account: viewer.accountId });
      if (!n) throw new NotFoundError('Notification', notificationId);
      if (n.readAt) return n;
      n.readAt = new Date();
      await tx.flush();
      await this.audit.record(tx, actorOf(viewer), {
        action: 'notification.read',
        entityType: 'Notification',
        entityId: n.id,
        after: { readAt: n.readAt },
      });
      return n;
    });
  }

  /**
   * Sends "due soon" once per task and due date to the lead units of open tasks due within
   * `days` of `today`. Safe to run from any number of processes at once.
   */
  async sweepDueSoon(em: EntityManager, today: string, days: number): Promise<number> {
    const rows = await em.execute<{ id: string }[]>(
      `insert into notification (id, account_id, kind, task_id, message, dedupe_key)
       select gen_random_uuid(), a.id, 'TASK_DUE_SOON', t.id,
              'Nhiệm vụ «' || t.title || '» đến hạn ngày ' || to_char(t.due_on, 'DD/MM/YYYY'),
              'due:' || t.id || ':' || t.due_on
         from task t
         join account a on a.unit_id = t.lead_unit_id
        where t.state = 'OPEN' and t.due_on between ?::date and ?::date
          and a.disabled_at is null and a.roles && ?::text[]
       on conflict do nothing
       returning id`,
      [today, addDays(today, days), `{${RECIPIENT_ROLES[NotificationKind.TASK_DUE_SOON].join(',')}}`],
    );
    return rows.length;
  }
}
