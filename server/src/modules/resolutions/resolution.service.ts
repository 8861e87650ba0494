import type { EntityManager } from '@mikro-orm/postgresql';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError } from '../../common/errors.js';
import { actorOf, type AuditService } from '../audit/audit.service.js';
import { canManageResolutions } from '../scope/scope.js';
import type { Viewer } from '../scope/viewer.js';
import { assertUuid } from '../../common/ids.js';
import { Resolution } from './resolution.entity.js';
import type { CreateResolutionInput, UpdateResolutionInput } from './resolution.inputs.js';

const CODE = /^[0-9A-Za-z][0-9A-Za-z./-]{0,31}$/;

function required(field: string, value: string | null | undefined, max: number): string {
  const v = value?.trim();
  if (!v) throw new BadInputError(field, `${field} must not be empty`);
  if (v.length > max) throw new BadInputError(field, `${field} is longer than ${max} characters`);
  return v;
}

function optional(field: string, value: string | null | undefined, max: number): string | null {
  const v = value?.trim();
  if (!v) return null;
  if (v.length > max) throw new BadInputError(field, `${field} is longer than ${max} characters`);
  return v;
}

function code(value: string | null | undefined): string {
  const v = required('code', value, 32);
  if (!CODE.test(v)) throw new BadInputError('code', 'code may hold letters, digits, ".", "/" and "-" only');
  return v;
}

function issued(value: string | null | undefined): string {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new BadInputError('issuedOn', 'issuedOn must be a date');
  return value;
}

const fields = (r: Resolution) => ({
  code: r.code,
  titleVi: r.titleVi,
  titleEn: r.titleEn,
  issuedOn: r.issuedOn,
  summaryVi: r.summaryVi ?? null,
  summaryEn: r.summaryEn ?? null,
});

export class ResolutionService {
  constructor(private readonly audit: AuditService) {}

  /** Adds a resolution; central administrators only. The code is unique. */
  async create(em: EntityManager, viewer: Viewer, input: CreateResolutionInput): Promise<Resolution> {
    if (!canManageResolutions(viewer)) throw new ForbiddenError('Only central administrators manage resolutions');
    const data = {
      code: code(input.code),
      titleVi: required('titleVi', input.titleVi, 1000),
      titleEn: required('titleEn', input.titleEn, 1000),
      issuedOn: issued(input.issuedOn),
      summaryVi: optional('summaryVi', input.summaryVi, 20_000),
      summaryEn: optional('summaryEn', input.summaryEn, 20_000),
    };
    return em.transactional(async (tx) => {
      if (await tx.count(Resolution, { code: data.code }))
        throw new ConflictError('A resolution with this code exists', { field: 'code' });
      const r = tx.create(Resolution, data);
      await tx.flush();
      await this.audit.record(tx, actorOf(viewer), {
        action: 'resolution.create',
        entityType: 'Resolution',
        entityId: r.id,
        after: data,
      });
      return r;
    });
  }

  /** Corrects a resolution's fields; central administrators only. */
  async update(em: EntityManager, viewer: Viewer, input: UpdateResolutionInput): Promise<Resolution> {
    if (!canManageResolutions(viewer)) throw new ForbiddenError('Only central administrators manage resolutions');
    assertUuid('id', input.id);
    const changes: Partial<Resolution> = {};
    if (input.code != null) changes.code = code(input.code);
    if (input.titleVi != null) changes.titleVi = required('titleVi', input.titleVi, 1000);
    if (input.titleEn != null) changes.titleEn = required('titleEn', input.titleEn, 1000);
    if (input.issuedOn != null) changes.issuedOn = issued(input.issuedOn);
    if (input.summaryVi !== undefined) changes.summaryVi = optional('summaryVi', input.summaryVi, 20_000);
    if (input.summaryEn !== undefined) changes.summaryEn = optional('summaryEn', input.summaryEn, 20_000);
    return em.transactional(async (tx) => {
      const r = await tx.findOne(Resolution, { id: input.id });
      if (!r) throw new NotFoundError('Resolution', input.id);
      if (changes.code && changes.code !== r.code && (await tx.count(Resolution, { code: changes.code })))
        throw new ConflictError('A resolution with this code exists', { field: 'code' });
      const before = fields(r);
      Object.assign(r, changes);
      await tx.flush();
      await this.audit.record(tx, actorOf(viewer), {
        action: 'resolution.update',
        entityType: 'Resolution',
        entityId: r.id,
        before,
        after: fields(r),
      });
      return r;
    });
  }
}
