import { Entity, Property } from '@mikro-orm/core';
import { BaseEntity } from '../../common/base.entity.js';

@Entity({ tableName: 'resolution' })
export class Resolution extends BaseEntity {
  /** For example "57-NQ/TW". */
  @Property({ type: 'string', length: 32, unique: true })
  code!: string;

  @Property({ type: 'text' })
  titleVi!: string;

  @Property({ type: 'text' })
  titleEn!: string;

  @Property({ type: 'date' })
  issuedOn!: string;

  @Property({ type: 'text', nullable: true })
  summaryVi?: string | null;

  @Property({ type: 'text', nullable: true })
  summaryEn?: string | null;
}
