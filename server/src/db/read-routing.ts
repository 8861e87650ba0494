import type { ApolloServerPlugin } from '@apollo/server';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createLoaders, type Context } from '../graphql/context.js';
import { lsnValue, type ReadReplicas } from './replicas.js';

/** Header naming where a read-only request was served: `primary` or a replica's name. */
export const READ_FROM_HEADER = 'x-resolute-read-from';

/**
 * Read-only GraphQL operations run on a replica that has replayed everything its viewer last
 * wrote or read; mutations, and queries no replica can serve yet, run on the primary. The viewer
 * was already checked on the primary (a revoked sign-in is refused at once).
 *
 * A viewer's position only moves forward, so a sync cursor handed out by the primary, or by a
 * replica further ahead, is never followed by a read from a replica that has not seen what that
 * cursor already counts as delivered (docs/SYNC.md).
 */
export function readRoutingPlugin(replicas: ReadReplicas, primary: MikroORM): ApolloServerPlugin<Context> {
  const positions = primary.em.getConnection();
  const lastPosition = async (accountId: string) =>
    (
      await positions.execute<{ lsn: string }[]>(`select lsn::text as lsn from viewer_position where account_id = ?`, [accountId])
    )[0]?.lsn ?? null;
  // The insert position: it includes the viewer's commit record even before the WAL writer has
  // written it out (with synchronous_commit off the write position trails the commit).
  const record = (accountId: string, lsn: string | null) =>
    positions.execute(
      `insert into viewer_position (account_id, lsn) values (?, coalesce(?::pg_lsn, pg_current_wal_insert_lsn()))
       on conflict (account_id) do update set lsn = greatest(viewer_position.lsn, excluded.lsn), at = now()`,
      [accountId, lsn],
    );

  return {
    async requestDidStart() {
      let from: string | null = null;
      let seen: string | null = null;
      let served: string | null = null;
      return {
        async didResolveOperation({ operation, contextValue: ctx }) {
          if (operation?.operation !== 'query') return;
          seen = ctx.viewer ? await lastPosition(ctx.viewer.accountId) : null;
          const replica = await replicas.pick(seen);
          from = replica?.name ?? 'primary';
          if (!replica) return;
          served = replica.replayLsn;
          ctx.em = replica.em;
          ctx.loaders = createLoaders(replica.em, ctx.services);
        },
        async willSendResponse({ operation, contextValue: ctx, response }) {
          if (from) response.http.headers.set(READ_FROM_HEADER, from);
          const viewer = ctx.viewer;
          if (!viewer || !operation) return;
          try {
            if (operation.operation === 'query' && from !== 'primary') {
              // Served by a replica: remember only a position past what was already known.
              if (served && (!seen || lsnValue(served) > lsnValue(seen))) await record(viewer.accountId, served);
            } else {
              // A write, or a read from the primary: the primary's current position.
              await record(viewer.accountId, null);
            }
          } catch (error) {
            ctx.logger.warn('could not record the viewer position; the next read may wait for the primary', { error });
          }
        },
      };
    },
  };
}
