import type { MikroORM } from '@mikro-orm/postgresql';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { AppError, ErrorCode, UnauthenticatedError } from '../../common/errors.js';
import type { Services } from '../../services.js';
import { ImportKind } from './import-columns.js';
import { templateCsv, templateXlsx } from './import.service.js';

const STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: 415,
};

const KINDS: Record<string, ImportKind> = { units: ImportKind.UNITS, accounts: ImportKind.ACCOUNTS, tasks: ImportKind.TASKS };

function kindOf(raw: string): ImportKind {
  const kind = KINDS[raw];
  if (!kind) throw new AppError(ErrorCode.NOT_FOUND, 'No such import: units, accounts or tasks', { field: 'kind' });
  return kind;
}

/** The request body, refused past `max` bytes without reading the rest. */
function body(req: Request, max: number): Promise<Buffer> {
  const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity')
    return Promise.reject(
      new AppError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Send the file without a content encoding', { field: 'content-encoding' }),
    );
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max)
    return Promise.reject(
      new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `The file is larger than ${max} bytes`, { field: 'body', maxBytes: max }),
    );
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        reject(
          new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `The file is larger than ${max} bytes`, { field: 'body', maxBytes: max }),
        );
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Spreadsheet imports over plain HTTP: `POST /api/imports/{units,accounts,tasks}?fileName=`
 * with the XLSX or CSV file as the body and the bearer token, answered `201 {id, format, size}`
 * for `previewImport` / `applyImport`; `GET /api/imports/templates/{kind}.{xlsx,csv}?lang=vi|en`.
 */
export function importRoutes(orm: MikroORM, services: Services, maxBytes: number): Router {
  const router = Router();
  const fail = (error: unknown, res: Response, next: NextFunction) => {
    if (error instanceof AppError) {
      res
        .status(STATUS[error.code] ?? 400)
        .json({ errors: [{ message: error.message, extensions: { code: error.code, ...error.extensions } }] });
    } else next(error);
  };

  router.get('/templates/:kind.:format', async (req: Request, res: Response, next: NextFunction) => {
    try {
      const kind = kindOf(String(req.params.kind));
      const format = String(req.params.format);
      const lang = req.query.lang === 'en' ? 'en' : 'vi';
      const name = `${lang === 'vi' ? 'mau-nhap' : 'import-template'}-${String(req.params.kind)}.${format}`;
      res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
      res.setHeader('Cache-Control', 'public, max-age=3600');
      if (format === 'xlsx')
        res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await templateXlsx(kind, lang));
      else if (format === 'csv') res.type('text/csv; charset=utf-8').send(templateCsv(kind, lang));
      else throw new AppError(ErrorCode.NOT_FOUND, 'Templates are .xlsx or .csv', { field: 'format' });
    } catch (error) {
      fail(error, res, next);
    }
  });

  router.post('/:kind', async (req: Request, res: Response, next: NextFunction) => {
    try {
      const kind = kindOf(String(req.params.kind));
      const header = req.headers.authorization;
      const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : null;
      if (!token) throw new UnauthenticatedError();
      const em = orm.em.fork();
      const viewer = await services.viewers.fromToken(em, token);
      if (viewer.mustChangePassword) throw new AppError(ErrorCode.PASSWORD_CHANGE_REQUIRED, 'Change your password first');
      const bytes = await body(req, maxBytes);
      const fileName = typeof req.query.fileName === 'string' ? req.query.fileName.replace(/[^\p{L}\p{N} ._()-]/gu, '_') : '';
      const upload = await services.imports.upload(em, viewer, kind, fileName, bytes);
      res.status(201).json(upload);
    } catch (error) {
      fail(error, res, next);
    }
  });
  return router;
}
