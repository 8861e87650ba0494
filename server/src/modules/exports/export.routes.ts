import type { MikroORM } from '@mikro-orm/postgresql';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { AppError, ErrorCode, UnauthenticatedError } from '../../common/errors.js';
import type { Services } from '../../services.js';
import { toCsv, toXlsx, type Lang } from './export-table.js';

const STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.BAD_USER_INPUT]: 400,
};

const one = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

/**
 * GET /api/exports/{tasks,dashboard,compliance}.{xlsx,csv}?unitId=&resolutionId=&lang=vi with the bearer
 * token: the same scope as the API, never cached by anything in between.
 */
export function exportRoutes(orm: MikroORM, services: Services): Router {
  const router = Router();
  router.get('/:name.:format', async (req: Request, res: Response, next: NextFunction) => {
    const name = String(req.params.name);
    const format = String(req.params.format);
    try {
      if (!['tasks', 'dashboard', 'compliance'].includes(name) || !['xlsx', 'csv'].includes(format)) {
        throw new AppError(ErrorCode.NOT_FOUND, 'No such export');
      }
      const header = req.headers.authorization;
      const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : null;
      if (!token) throw new UnauthenticatedError();
      const em = orm.em.fork();
      const viewer = await services.viewers.fromToken(em, token);
      const args = {
        unitId: one(req.query.unitId),
        resolutionId: one(req.query.resolutionId),
        lang: (one(req.query.lang) ?? 'vi') as Lang,
      };
      const table =
        name === 'tasks'
          ? await services.exports.tasksTable(em, viewer, args)
          : name === 'compliance'
            ? await services.exports.complianceTable(em, viewer, args)
            : await services.exports.dashboardTable(em, viewer, args);
      const file = `${name}-${new Date().toISOString().slice(0, 10)}.${format}`;
      res.setHeader('Cache-Control', 'private, no-store');
      res.setHeader('Content-Disposition', `attachment; filename="${file}"`);
      if (format === 'xlsx') {
        res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await toXlsx([table]));
      } else {
        res.type('text/csv; charset=utf-8').send(toCsv(table));
      }
    } catch (error) {
      if (error instanceof AppError) {
        res
          .status(STATUS[error.code] ?? 400)
          .json({ errors: [{ message: error.message, extensions: { code: error.code, ...error.extensions } }] });
        return;
      }
      // The app's error handler: a 503 when the database is away, a logged 500 otherwise.
      next(error);
    }
  });
  return router;
}
