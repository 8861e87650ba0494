import { Entity, Index, ManyToOne, Property, type Ref, type Opt } from '@mikro-orm/core';
import { BaseEntity } from '../../common/base.entity.js';

/**
 * An organisation in the hierarchy. `path` is the chain of `seq` values from the root, each
 * written in base 36 between slashes ("/1/2r/5k/"), so "this unit and everything below it"
 * is `path LIKE '/1/2r/%'`, served by the text_pattern_ops index.
 */
@Entity({ tableName: 'unit' })
export class Unit extends BaseEntity {
  /** Drawn from the unit_seq sequence before insert; the unit's segment of `path`. */
  @Property({ type: 'integer', unique: true })
  seq!: number;

  @Property({ type: 'string', length: 64, unique: true })
  code!: string;

  @Property({ type: 'string', length: 255 })
  name!: string;

  /** Level of the unit ("CENTRAL", "PROVINCE", "COMMUNE", "CELL", …): data, not code. */
  @Property({ type: 'string', length: 32 })
  kind!: string;

  @ManyToOne(() => Unit, { nullable: true, ref: true, deleteRule: 'restrict' })
  @Index()
  parent?: Ref<Unit> | null;

  @Property({ type: 'text' })
  path!: string;

  @Property({ type: 'integer' })
  depth!: number;

  @Property({ type: 'boolean', default: true })
  active: boolean & Opt = true;
}
