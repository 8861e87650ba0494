import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { NotFoundError } from '../../common/errors.js';
import { canonical, actorOf, type AuditService } from '../audit/audit.service.js';
import { Account } from '../accounts/account.entity.js';
import type { AnalyticsService } from '../analytics/analytics.service.js';
import { indicatorAchievement } from '../analytics/rollup-math.js';
import { IndicatorDirection } from '../indicators/indicator.entity.js';
import { Unit } from '../organisations/unit.entity.js';
import { subtreePattern } from '../organisations/unit-path.js';
import { Resolution } from '../resolutions/resolution.entity.js';
import { canPublish, canSeeUnit } from '../scope/scope.js';
import type { Viewer } from '../scope/viewer.js';
import { assertUuid } from '../../common/ids.js';
import { ForbiddenError } from '../../common/errors.js';
import { Publication, type PublicSnapshot } from './publication.entity.js';

/** A snapshot older than this is recomputed by the next public read. */
export const SNAPSHOT_MAX_AGE_MS = 60 * 60 * 1000;
const MAX_TARGETS = 200;

export interface PublicationKey {
  resolutionId: string;
  unitId: string;
}

export interface PublicListing {
  id: string;
  resolution: { code: string; titleVi: string; titleEn: string };
  unit: { code: string; name: string; kind: string };
  publishedAt: string | null;
  snapshotAt: string | null;
}

/** Publishing a resolution's targets, progress and results for a unit, and serving them to anyone. */
export class PublicationService {
  constructor(
    private readonly analytics: AnalyticsService,
    private readonly audit: AuditService,
  ) {}

  /** Publishes (or republishes with fresh figures) a resolution for a unit of the leader's subtree. */
  async publish(em: EntityManager, viewer: Viewer, key: PublicationKey): Promise<Publication> {
    return em.transactional(async (tx) => {
      const { unit, resolution } = await this.load(tx, viewer, key);
      let p = await tx.findOne(Publication, { resolution: resolution.id, unit: unit.id });
      const before = p ? { published: p.published } : null;
      if (!p) p = tx.create(Publication, { resolution, unit, unitPath: unit.path });
      p.published = true;
      p.publishedAt = new Date();
      p.publishedBy = tx.getReference(Account, viewer.accountId, { wrapped: true });
      p.withdrawnAt = null;
      await this.fillSnapshot(tx, p, unit, resolution);
      await this.audit.record(tx, actorOf(viewer), {
        action: 'publication.publish',
        entityType: 'Publication',
        entityId: p.id,
        before,
        after: { published: true, resolutionId: resolution.id, unitId: unit.id },
        unitPath: unit.path,
      });
      await tx.flush();
      return p;
    });
  }

  /** Takes a publication off the public view at once; its snapshot is discarded. */
  async withdraw(em: EntityManager, viewer: Viewer, key: PublicationKey): Promise<Publication> {
    return em.transactional(async (tx) => {
      const { unit, resolution } = await this.load(tx, viewer, key);
      const p = await tx.findOne(Publication, { resolution: resolution.id, unit: unit.id });
      if (!p) throw new NotFoundError('Publication');
      const before = { published: p.published };
      p.published = false;
      p.withdrawnAt = new Date();
      p.snapshot = null;
      p.snapshotAt = null;
      p.etag = null;
      await this.audit.record(tx, actorOf(viewer), {
        action: 'publication.withdraw',
        entityType: 'Publication',
        entityId: p.id,
        before,
        after: { published: false },
        unitPath: unit.path,
      });
      await tx.flush();
      return p;
    });
  }

  /** Publications of units in the viewer's subtree (or below `unitId`), published or withdrawn. */
  async list(em: EntityManager, viewer: Viewer, unitId: string | null): Promise<Publication[]> {
    let path = viewer.unitPath;
    if (unitId) {
      assertUuid('unitId', unitId);
      const unit = await em.findOne(Unit, { id: unitId });
      if (!unit || !canSeeUnit(viewer, unit.path)) throw new NotFoundError('Unit', unitId);
      path = unit.path;
    }
    return em.find(Publication, { unitPath: { $like: subtreePattern(path) } }, { orderBy: { updatedAt: 'desc', id: 'asc' } });
  }

  /** Every published dashboard, for the public index. No sign-in. */
  async publicList(em: EntityManager): Promise<PublicListing[]> {
    const rows = await em.getConnection().execute<
      {
        id: string;
        code: string;
        title_vi: string;
        title_en: string;
        ucode: string;
        uname: string;
        kind: string;
        published_at: Date | null;
        snapshot_at: Date | null;
      }[]
    >(
      `select p.id, r.code, r.title_vi, r.title_en, u.code ucode, u.name uname, u.kind, p.published_at, p.snapshot_at
         from publication p join resolution r on r.id = p.resolution_id join unit u on u.id = p.unit_id
        where p.published order by r.code, u.depth, u.name`,
    );
    return rows.map((r) => ({
      id: r.id,
      resolution: { code: r.code, titleVi: r.title_vi, titleEn: r.title_en },
      unit: { code: r.ucode, name: r.uname, kind: r.kind },
      publishedAt: r.published_at ? new Date(r.published_at).toISOString() : null,
      snapshotAt: r.snapshot_at ? new Date(r.snapshot_at).toISOString() : null,
    }));
  }

  /**
   * One published dashboard by id, refreshed first when older than an hour (one reader
   * refreshes; the others keep reading the previous snapshot). NOT_FOUND when not published.
   */
  async publicGet(em: EntityManager, id: string): Promise<{ snapshot: PublicSnapshot; etag: string; snapshotAt: Date }> {
    assertUuid('id', id);
    const p = await em.findOne(Publication, { id, published: true });
    if (!p || !p.snapshot || !p.etag || !p.snapshotAt) throw new NotFoundError('Publication', id);
    if (Date.now() - p.snapshotAt.getTime() > SNAPSHOT_MAX_AGE_MS) {
      const fresh = await em.transactional(async (tx) => {
        const [locked] = await tx
          .getConnection()
          .execute<{ id: string }[]>(
            `select id from publication where id = ? and published for update skip locked`,
            [id],
            'all',
            tx.getTransactionContext(),
          );
        if (!locked) return null;
        const row = await tx.findOneOrFail(Publication, { id });
        const unit = await tx.findOneOrFail(Unit, { id: row.unit.id });
        const resolution = await tx.findOneOrFail(Resolution, { id: row.resolution.id });
        await this.fillSnapshot(tx, row, unit, resolution);
        await tx.flush();
        return row;
      });
      if (fresh) return { snapshot: fresh.snapshot!, etag: fresh.etag!, snapshotAt: fresh.snapshotAt! };
    }
    return { snapshot: p.snapshot, etag: p.etag, snapshotAt: p.snapshotAt };
  }

  private async load(em: EntityManager, viewer: Viewer, key: PublicationKey) {
    assertUuid('unitId', key.unitId);
    assertUuid('resolutionId', key.resolutionId);
    const unit = await em.findOne(Unit, { id: key.unitId });
    if (!unit || !canSeeUnit(viewer, unit.path)) throw new NotFoundError('Unit', key.unitId);
    if (!canPublish(viewer, unit.path)) throw new ForbiddenError('Only a leader of the unit or above publishes its figures');
    const resolution = await em.findOne(Resolution, { id: key.resolutionId });
    if (!resolution) throw new NotFoundError('Resolution', key.resolutionId);
    return { unit, resolution };
  }

  /** Computes the public figures as the unit itself would see them, and their ETag. */
  private async fillSnapshot(em: EntityManager, p: Publication, unit: Unit, resolution: Resolution): Promise<void> {
    // The unit's own view: the snapshot can never hold anything outside its subtree.
    const asUnit: Viewer = {
      accountId: '',
      username: '',
      displayName: '',
      unitId: unit.id,
      unitPath: unit.path,
      roles: [],
      mustChangePassword: false,
      familyId: '',
    };
    const [summary, children, trend, targets] = await Promise.all([
      this.analytics.summary(em, asUnit, unit.id, resolution.id),
      this.analytics.byChild(em, asUnit, unit.id, resolution.id),
      this.analytics.trend(em, asUnit, unit.id, resolution.id, 12),
      em.getConnection().execute<
        {
          task: string;
          name: string;
          uom: string;
          baseline: number;
          target: number;
          current: number | null;
          direction: IndicatorDirection;
          due_on: string | null;
        }[]
      >(
        `select t.title task, i.name, i.unit_of_measure uom, i.baseline, i.target, i.current_value current, i.direction,
                to_char(coalesce(i.due_on, t.due_on), 'YYYY-MM-DD') due_on
           from indicator i join task t on t.id = i.task_id
          where t.lead_unit_path like ? and t.resolution_id = ? and t.state <> 'CANCELLED'
          order by t.depth, t.title, i.name limit ?`,
        [subtreePattern(unit.path), resolution.id, MAX_TARGETS],
        'all',
        em.getTransactionContext(),
      ),
    ]);
    const snapshot: PublicSnapshot = {
      resolution: { code: resolution.code, titleVi: resolution.titleVi, titleEn: resolution.titleEn },
      unit: { code: unit.code, name: unit.name, kind: unit.kind },
      generatedAt: new Date().toISOString(),
      summary: {
        total: summary.summary.total,
        byStatus: { ...summary.summary.counts },
        completionRate: summary.summary.completionRate,
        onTimeRate: summary.summary.onTimeRate,
        averageProgress: summary.summary.averageProgress,
        indicators: summary.indicators,
      },
      units: children
        .filter((c) => !c.own)
        .map((c) => ({
          code: c.unit.code,
          name: c.unit.name,
          total: c.summary.total,
          completionRate: c.summary.completionRate,
          averageProgress: c.summary.averageProgress,
        })),
      targets: targets.map((r) => ({
        task: r.task,
        name: r.name,
        unitOfMeasure: r.uom,
        baseline: r.baseline,
        target: r.target,
        current: r.current,
        direction: r.direction,
        dueOn: r.due_on,
        achievement: indicatorAchievement({
          baseline: r.baseline,
          target: r.target,
          currentValue: r.current,
          direction: r.direction,
        }),
      })),
      trend: trend.map((w) => ({
        weekStart: w.weekStart,
        completedOnTime: w.completedOnTime,
        completedLate: w.completedLate,
        reportsReceived: w.reportsReceived,
      })),
    };
    p.snapshot = snapshot;
    p.snapshotAt = new Date();
    p.etag = createHash('sha256')
      .update(canonical({ ...snapshot, generatedAt: null }))
      .digest('hex')
      .slice(0, 32);
  }
}
