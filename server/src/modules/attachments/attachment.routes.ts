import type { MikroORM } from '@mikro-orm/postgresql';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { AppError, ErrorCode, UnauthenticatedError } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import type { Services } from '../../services.js';
import type { Viewer } from '../scope/viewer.js';
import { OffsetMismatchError, UploadError } from './attachment.service.js';

const STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.BAD_USER_INPUT]: 400,
};

/**
 * Evidence files over plain HTTP (docs/SYNC.md, "Evidence files"): announce, resume, send
 * pieces at an offset, read back. Bearer token as for GraphQL; errors in the same shape.
 */
export function attachmentRoutes(orm: MikroORM, services: Services): Router {
  const router = express.Router();

  const handle =
    (fn: (req: Request, res: Response, viewer: Viewer) => Promise<void>) =>
    async (req: Request, res: Response, next: NextFunction) => {
      try {
        const header = req.headers.authorization;
        const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : null;
        if (!token) throw new UnauthenticatedError();
        const viewer = await services.viewers.fromToken(orm.em.fork(), token);
        await fn(req, res, viewer);
      } catch (error) {
        if (error instanceof OffsetMismatchError) {
          res.setHeader('Upload-Offset', String(error.receivedBytes));
          res
            .status(409)
            .json({ errors: [{ message: error.message, extensions: { code: error.code, receivedBytes: error.receivedBytes } }] });
        } else if (error instanceof UploadError) {
          res
            .status(error.status)
            .json({ ...error.body, errors: [{ message: error.message, extensions: { ...error.body, code: error.code } }] });
        } else if (error instanceof AppError) {
          res
            .status(STATUS[error.code] ?? 400)
            .json({ errors: [{ message: error.message, extensions: { ...error.extensions, code: error.code } }] });
        } else next(error);
      }
    };

  router.post(
    '/uploads',
    express.json({ limit: '16kb' }),
    handle(async (req, res, viewer) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const state = await services.attachments.start(orm.em.fork(), viewer, {
        id: String(body.id ?? ''),
        reportId: String(body.reportId ?? ''),
        sha256: String(body.sha256 ?? ''),
        size: Number(body.size),
        contentType: String(body.contentType ?? ''),
        fileName: String(body.fileName ?? ''),
      });
      const { created, ...rest } = state;
      res.status(created ? 201 : 200).json(rest);
    }),
  );

  router.head(
    '/uploads/:id',
    handle(async (req, res, viewer) => {
      const state = await services.attachments.state(orm.em.fork(), viewer, String(req.params.id));
      res.setHeader('Upload-Offset', String(state.receivedBytes));
      res.setHeader('Upload-Status', state.status);
      res.setHeader('Cache-Control', 'no-store');
      res.status(204).end();
    }),
  );

  router.patch(
    '/uploads/:id',
    handle(async (req, res, viewer) => {
      const raw = req.headers['upload-offset'];
      const offset = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
      const state = await services.attachments.append(orm.em.fork(), viewer, String(req.params.id), offset, req);
      res.setHeader('Upload-Offset', String(state.receivedBytes));
      if (state.status === 'VERIFIED') res.status(200).json(state);
      else res.status(204).end();
    }),
  );

  router.get(
    '/:id',
    handle(async (req, res, viewer) => {
      const { attachment, body } = await services.attachments.open(orm.em.fork(), viewer, String(req.params.id));
      res.setHeader('Content-Type', attachment.contentType);
      res.setHeader('Content-Length', String(attachment.size));
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', "default-src 'none'; img-src 'self'; sandbox");
      res.setHeader('Content-Disposition', `inline; filename*=UTF-8''${encodeURIComponent(attachment.fileName)}`);
      res.setHeader('Cache-Control', 'private, max-age=3600');
      res.setHeader('ETag', `"${attachment.sha256}"`);
      body.on('error', (error) => {
        (res.locals.logger as Logger | undefined)?.error('evidence file unreadable', { error, id: attachment.id });
        res.destroy(error);
      });
      body.pipe(res);
    }),
  );

  return router;
}
