import { createHash } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { AppError, ErrorCode } from '../../common/errors.js';
import type { Services } from '../../services.js';

/** Shared caches may keep a copy five minutes and serve it stale for an hour while revalidating. */
const CACHE = 'public, max-age=300, stale-while-revalidate=3600';

/**
 * The public dashboard: no sign-in, read-only, published snapshots only.
 * GET /api/public/dashboards — the index; GET /api/public/dashboards/:id — one dashboard.
 * Both answer 304 to a matching If-None-Match.
 */
export function publicRoutes(orm: MikroORM, services: Services): Router {
  const router = Router();
  const send = (req: Request, res: Response, etag: string, body: unknown) => {
    const tag = `"${etag}"`;
    res.setHeader('Cache-Control', CACHE);
    res.setHeader('ETag', tag);
    res.setHeader('Vary', 'Accept-Encoding');
    if (req.headers['if-none-match']?.split(',').some((t) => t.trim().replace(/^W\//, '') === tag)) {
      res.status(304).end();
      return;
    }
    res.json(body);
  };
  const fail = (res: Response, error: unknown, next: NextFunction) => {
    if (error instanceof AppError) {
      res
        .status(error.code === ErrorCode.NOT_FOUND ? 404 : 400)
        .json({ errors: [{ message: error.message, extensions: { code: error.code } }] });
      return;
    }
    // The app's error handler: a 503 when the database is away, a logged 500 otherwise.
    next(error);
  };

  router.get('/dashboards', async (req, res, next) => {
    try {
      const list = await services.publications.publicList(orm.em.fork());
      const etag = createHash('sha256').update(JSON.stringify(list)).digest('hex').slice(0, 32);
      send(req, res, etag, { dashboards: list });
    } catch (error) {
      fail(res, error, next);
    }
  });

  router.get('/dashboards/:id', async (req, res, next) => {
    try {
      const { snapshot, etag, snapshotAt } = await services.publications.publicGet(orm.em.fork(), String(req.params.id));
      res.setHeader('Last-Modified', snapshotAt.toUTCString());
      send(req, res, etag, snapshot);
    } catch (error) {
      fail(res, error, next);
    }
  });
  return router;
}
