import type { Readable } from 'node:stream';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError, BadInputError, ConflictError, ErrorCode, ForbiddenError, NotFoundError } from '../../common/errors.js';
import { actorOf, type AuditService } from '../audit/audit.service.js';
import { ProgressReport } from '../reports/progress-report.entity.js';
import { canAttachTo, reportScope } from '../scope/scope.js';
import type { Viewer } from '../scope/viewer.js';
import { assertUuid } from '../../common/ids.js';
import { Attachment, AttachmentStatus } from './attachment.entity.js';
import { TooLargeError, type FileStorage } from './file-storage.js';
import { ALLOWED_TYPES, sniffContentType } from './file-type.js';

/** An upload refusal that maps to its own HTTP status (413, 415, 422). */
export class UploadError extends AppError {
  constructor(
    readonly status: number,
    message: string,
    readonly body: Record<string, unknown> = {},
  ) {
    super(ErrorCode.BAD_USER_INPUT, message, body);
  }
}

/** The wrong offset: the client resumes from `receivedBytes`. */
export class OffsetMismatchError extends ConflictError {
  constructor(readonly receivedBytes: number) {
    super('The upload offset does not match what the server has', { receivedBytes });
  }
}

export interface StartUploadInput {
  id: string;
  reportId: string;
  sha256: string;
  size: number;
  contentType: string;
  fileName: string;
}

export interface UploadState {
  id: string;
  receivedBytes: number;
  status: AttachmentStatus;
}

const stateOf = (a: Attachment): UploadState => ({ id: a.id, receivedBytes: Number(a.receivedBytes), status: a.status });

/**
 * Evidence files behind reports: announced, then sent in resumable pieces at an offset,
 * verified by SHA-256 and by their magic numbers when the last byte arrives, and read back
 * only by accounts that can see the report.
 */
export class AttachmentService {
  constructor(
    private readonly audit: AuditService,
    private readonly storage: FileStorage,
    private readonly maxBytes: number,
  ) {}

  /** Announces an upload; the same id again answers its current state (`created: false`). */
  async start(em: EntityManager, viewer: Viewer, input: StartUploadInput): Promise<UploadState & { created: boolean }> {
    assertUuid('id', input.id);
    assertUuid('reportId', input.reportId);
    const sha256 = String(input.sha256 ?? '').toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new BadInputError('sha256', 'sha256 must be 64 hexadecimal digits');
    if (!Number.isSafeInteger(input.size) || input.size <= 0)
      throw new BadInputError('size', 'size must be a positive whole number');
    if (input.size > this.maxBytes) throw new UploadError(413, `Files are limited to ${this.maxBytes} bytes`, { field: 'size' });
    if (!(ALLOWED_TYPES as readonly string[]).includes(input.contentType))
      throw new UploadError(415, `Accepted types: ${ALLOWED_TYPES.join(', ')}`, { field: 'contentType' });
    const fileName = String(input.fileName ?? '')
      .replace(/[\\/]/g, '_')
      .replace(/\p{Cc}/gu, '_')
      .trim();
    if (!fileName || fileName.length > 255) throw new BadInputError('fileName', 'fileName must be 1 to 255 characters');

    return em.transactional(async (tx) => {
      const existing = await tx.findOne(Attachment, { id: input.id });
      if (existing) {
        if (existing.report.id !== input.reportId || existing.sha256 !== sha256 || Number(existing.size) !== input.size)
          throw new ConflictError('This upload id is already used for another file', { field: 'id' });
        await this.reportFor(tx, viewer, existing.report.id, true);
        return { ...stateOf(existing), created: false };
      }
      await this.reportFor(tx, viewer, input.reportId, true);
      const rows = await tx.execute<{ id: string }[]>(
        `insert into attachment (id, report_id, sha256, size, content_type, file_name, uploaded_by_id)
         values (?, ?, ?, ?, ?, ?, ?) on conflict (id) do nothing returning id`,
        [input.id, input.reportId, sha256, input.size, input.contentType, fileName, viewer.accountId],
      );
      const attachment = await tx.findOneOrFail(Attachment, { id: input.id }, { refresh: true });
      if (!rows.length) return { ...stateOf(attachment), created: false };
      await this.audit.record(tx, actorOf(viewer), {
        action: 'attachment.start',
        entityType: 'Attachment',
        entityId: input.id,
        after: { reportId: input.reportId, sha256, size: input.size, contentType: input.contentType, fileName },
      });
      return { ...stateOf(attachment), created: true };
    });
  }

  /** How far an upload has come. */
  async state(em: EntityManager, viewer: Viewer, id: string): Promise<UploadState> {
    return stateOf(await this.ownUpload(em, viewer, id));
  }

  /**
   * Appends bytes at `offset`. When the last byte arrives the file is hashed and its type read
   * from its first bytes: a match becomes VERIFIED; a mismatch is thrown away and the upload
   * starts again at 0 (422 for the hash, 415 for the type).
   */
  async append(em: EntityManager, viewer: Viewer, id: string, offset: number, body: Readable): Promise<UploadState> {
    const attachment = await this.ownUpload(em, viewer, id);
    if (attachment.status === AttachmentStatus.VERIFIED) return stateOf(attachment);
    const received = Number(attachment.receivedBytes);
    if (!Number.isSafeInteger(offset) || offset !== received) throw new OffsetMismatchError(received);
    const size = Number(attachment.size);
    let written: number;
    try {
      written = await this.storage.writeStaged(id, offset, body, size);
    } catch (error) {
      if (error instanceof TooLargeError)
        throw new UploadError(413, 'More bytes than the declared size', { receivedBytes: received });
      throw error;
    }
    const moved = await em.execute<{ id: string }[]>(
      `update attachment set received_bytes = ? where id = ? and received_bytes = ? and status = 'UPLOADING' returning id`,
      [written, id, received],
    );
    if (!moved.length) throw new OffsetMismatchError(Number((await this.ownUpload(em.fork(), viewer, id)).receivedBytes));
    if (written < size) return { id, receivedBytes: written, status: AttachmentStatus.UPLOADING };
    return this.verify(em, viewer, attachment);
  }

  private async verify(em: EntityManager, viewer: Viewer, attachment: Attachment): Promise<UploadState> {
    const { sha256, head, size } = await this.storage.inspectStaged(attachment.id);
    const type = sniffContentType(head);
    const restart = async () => {
      await this.storage.discardStaged(attachment.id);
      await em.execute(`update attachment set received_bytes = 0 where id = ? and status = 'UPLOADING'`, [attachment.id]);
    };
    if (sha256 !== attachment.sha256 || size !== Number(attachment.size)) {
      await restart();
      throw new UploadError(422, 'The bytes do not match the declared SHA-256; send the file again from 0', {
        receivedBytes: 0,
        status: AttachmentStatus.UPLOADING,
      });
    }
    if (!type) {
      await restart();
      throw new UploadError(415, `The file is none of: ${ALLOWED_TYPES.join(', ')}`, {
        receivedBytes: 0,
        status: AttachmentStatus.UPLOADING,
      });
    }
    await this.storage.commitStaged(attachment.id, sha256);
    await em.transactional(async (tx) => {
      await tx.execute(
        `update attachment set status = 'VERIFIED', verified_at = now(), content_type = ?, received_bytes = size where id = ?`,
        [type, attachment.id],
      );
      await this.audit.record(tx, actorOf(viewer), {
        action: 'attachment.verify',
        entityType: 'Attachment',
        entityId: attachment.id,
        after: { sha256, size, contentType: type },
      });
    });
    return { id: attachment.id, receivedBytes: size, status: AttachmentStatus.VERIFIED };
  }

  /** A verified file of a report the viewer can see, with its bytes. */
  async open(em: EntityManager, viewer: Viewer, id: string): Promise<{ attachment: Attachment; body: Readable }> {
    assertUuid('id', id);
    const attachment = await em.findOne(Attachment, { id, status: AttachmentStatus.VERIFIED });
    if (!attachment) throw new NotFoundError('Attachment', id);
    await this.reportFor(em, viewer, attachment.report.id, false).catch(() => {
      throw new NotFoundError('Attachment', id);
    });
    return { attachment, body: this.storage.read(attachment.sha256) };
  }

  private async ownUpload(em: EntityManager, viewer: Viewer, id: string): Promise<Attachment> {
    assertUuid('id', id);
    const attachment = await em.findOne(Attachment, { id }, { refresh: true });
    if (!attachment) throw new NotFoundError('Attachment', id);
    await this.reportFor(em, viewer, attachment.report.id, true).catch(() => {
      throw new NotFoundError('Attachment', id);
    });
    return attachment;
  }

  private async reportFor(em: EntityManager, viewer: Viewer, reportId: string, toWrite: boolean): Promise<ProgressReport> {
    const report = await em.findOne(ProgressReport, { $and: [{ id: reportId }, reportScope(viewer)] });
    if (!report) throw new NotFoundError('ProgressReport', reportId);
    if (toWrite && !canAttachTo(viewer, report)) throw new ForbiddenError('Only the reporting unit adds evidence to a report');
    return report;
  }
}
