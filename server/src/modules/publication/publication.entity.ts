import { Entity, ManyToOne, Property, Unique, type Opt, type Ref } from '@mikro-orm/core';
import { BaseEntity } from '../../common/base.entity.js';
import { Account } from '../accounts/account.entity.js';
import { Unit } from '../organisations/unit.entity.js';
import { Resolution } from '../resolutions/resolution.entity.js';

/**
 * A leader's decision to show one resolution's figures for one unit to the public, with the
 * snapshot anonymous readers are served: computed when published and refreshed when stale,
 * so any number of readers cost one primary-key read each.
 */
@Entity({ tableName: 'publication' })
@Unique({ properties: ['resolution', 'unit'] })
export class Publication extends BaseEntity {
  @ManyToOne(() => Resolution, { ref: true, deleteRule: 'restrict' })
  resolution!: Ref<Resolution>;

  @ManyToOne(() => Unit, { ref: true, deleteRule: 'restrict' })
  unit!: Ref<Unit>;

  @Property({ type: 'text' })
  unitPath!: string;

  @Property({ type: 'boolean', default: true })
  published: boolean & Opt = true;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  publishedAt?: Date | null;

  @ManyToOne(() => Account, { ref: true, nullable: true, deleteRule: 'set null' })
  publishedBy?: Ref<Account> | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  withdrawnAt?: Date | null;

  @Property({ type: 'json', nullable: true })
  snapshot?: PublicSnapshot | null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  snapshotAt?: Date | null;

  @Property({ type: 'string', length: 64, nullable: true })
  etag?: string | null;
}

/** What the public sees: aggregates and targets, never people, narratives or evidence. */
export interface PublicSnapshot {
  resolution: { code: string; titleVi: string; titleEn: string };
  unit: { code: string; name: string; kind: string };
  generatedAt: string;
  summary: {
    total: number;
    byStatus: Record<string, number>;
    completionRate: number | null;
    onTimeRate: number | null;
    averageProgress: number | null;
    indicators: { count: number; withValue: number; achieved: number; averageAchievement: number | null };
  };
  units: { code: string; name: string; total: number; completionRate: number | null; averageProgress: number | null }[];
  targets: {
    task: string;
    name: string;
    unitOfMeasure: string;
    baseline: number;
    target: number;
    current: number | null;
    direction: string;
    dueOn: string | null;
    achievement: number | null;
  }[];
  trend: { weekStart: string; completedOnTime: number; completedLate: number; reportsReceived: number }[];
}
