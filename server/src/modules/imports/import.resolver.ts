import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { requireViewer } from '../../graphql/auth-checker.js';
import type { Context } from '../../graphql/context.js';
import { Role } from '../accounts/role.js';
import type { ImportReport } from './import.service.js';
import { activationCodesXlsx } from './import.service.js';
import { ActivationCodeSheetType, ImportProgressType, ImportReportType } from './import.type.js';

function sheetType(content: Buffer, count: number, expiresAt: Date): ActivationCodeSheetType {
  return Object.assign(new ActivationCodeSheetType(), {
    fileName: `activation-codes-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.xlsx`,
    contentBase64: content.toString('base64'),
    count,
    expiresAt,
  });
}

async function sheet(codes: { username: string; displayName: string; unitCode: string; code: string }[], expiresAt: Date) {
  return sheetType(await activationCodesXlsx(codes, expiresAt), codes.length, expiresAt);
}

function toType(r: ImportReport & { uploadId: string }): ImportReportType {
  return Object.assign(new ImportReportType(), {
    uploadId: r.uploadId,
    kind: r.kind,
    applied: r.applied,
    totalRows: r.totalRows,
    created: r.counts.CREATE,
    updated: r.counts.UPDATE,
    unchanged: r.counts.UNCHANGED,
    refused: r.counts.REFUSED,
    allRows: r.rows,
    activationCodes: r.activationCodes
      ? sheetType(r.activationCodes.sheet, r.activationCodes.count, r.activationCodes.expiresAt)
      : null,
  });
}

@Resolver()
export class ImportResolver {
  @Authorized(Role.ADMIN, Role.FOCAL)
  @Mutation(() => ImportReportType, {
    description: 'Dry run of a file uploaded to POST /api/imports/{units,accounts,tasks}: every row’s outcome, nothing written',
  })
  async previewImport(@Ctx() ctx: Context, @Arg('uploadId', () => ID) uploadId: string) {
    return toType(await ctx.services.imports.preview(ctx.em, requireViewer(ctx), uploadId));
  }

  @Authorized(Role.ADMIN, Role.FOCAL)
  @Mutation(() => ImportReportType, {
    description:
      'Applies an uploaded file in one transaction, all or nothing (BAD_USER_INPUT, field "file", when a row is refused)',
  })
  async applyImport(@Ctx() ctx: Context, @Arg('uploadId', () => ID) uploadId: string) {
    return toType(await ctx.services.imports.apply(ctx.em, requireViewer(ctx), uploadId));
  }

  @Authorized(Role.ADMIN, Role.FOCAL)
  @Query(() => ImportProgressType, { description: 'How far the apply of one of your uploaded files has come' })
  importProgress(@Ctx() ctx: Context, @Arg('uploadId', () => ID) uploadId: string) {
    return ctx.services.imports.progress(ctx.em, requireViewer(ctx), uploadId);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ActivationCodeSheetType, {
    description:
      'New one-time activation codes for accounts of your subtree that have not set a password; the old codes stop working',
  })
  async reissueActivationCodes(@Ctx() ctx: Context, @Arg('accountIds', () => [ID]) accountIds: string[]) {
    const { codes, expiresAt } = await ctx.services.activation.reissue(ctx.em, requireViewer(ctx), accountIds);
    return sheet(codes, expiresAt);
  }
}
