import { BigIntType, Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Ref, type Opt } from '@mikro-orm/core';
import { registerEnumType } from 'type-graphql';
import { Account } from '../accounts/account.entity.js';
import { ProgressReport } from '../reports/progress-report.entity.js';

export enum AttachmentStatus {
  UPLOADING = 'UPLOADING',
  VERIFIED = 'VERIFIED',
}
registerEnumType(AttachmentStatus, { name: 'AttachmentStatus' });

/** Evidence behind a report; the bytes live in storage under their SHA-256. */
@Entity({ tableName: 'attachment' })
export class Attachment {
  /** Made on the device, so a retried upload finds its own row. */
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @ManyToOne(() => ProgressReport, { ref: true, deleteRule: 'restrict' })
  @Index()
  report!: Ref<ProgressReport>;

  @Property({ type: 'string', length: 64 })
  sha256!: string;

  // Numbers, not JS BigInts, under tsx too (sizes stay far below 2^53).
  @Property({ type: new BigIntType('number') })
  size!: number;

  @Property({ type: new BigIntType('number'), default: 0 })
  receivedBytes: number & Opt = 0;

  @Property({ type: 'string', length: 128 })
  contentType!: string;

  @Property({ type: 'string', length: 255 })
  fileName!: string;

  @Enum({ items: () => AttachmentStatus, nativeEnumName: 'attachment_status', default: AttachmentStatus.UPLOADING })
  status: AttachmentStatus & Opt = AttachmentStatus.UPLOADING;

  @ManyToOne(() => Account, { ref: true, deleteRule: 'restrict' })
  uploadedBy!: Ref<Account>;

  @Property({ type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date & Opt = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  verifiedAt?: Date | null;
}
