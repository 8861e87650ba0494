import type { EntityManager } from '@mikro-orm/postgresql';
import { UnauthenticatedError } from '../../common/errors.js';
import type { Viewer } from '../scope/viewer.js';
import type { Role } from './role.js';
import type { TokenSigner } from './tokens.js';

/**
 * The viewer behind a bearer token, checked against the database on every request so that a
 * disabled account or a revoked sign-in stops working at once, not when the token expires.
 */
export async function viewerFromToken(em: EntityManager, tokens: TokenSigner, token: string): Promise<Viewer> {
  const claims = await tokens.verify(token);
  const rows = await em.getConnection().execute<
    {
      id: string;
      username: string;
      display_name: string;
      roles: Role[];
      must_change_password: boolean;
      unit_id: string;
      path: string;
    }[]
  >(
    `select a.id, a.username, a.display_name, a.roles, a.must_change_password, u.id as unit_id, u.path
       from account a join unit u on u.id = a.unit_id
      where a.id = ? and a.disabled_at is null and u.active
        and exists (select 1 from refresh_token r where r.family_id = ? and r.account_id = a.id and r.revoked_at is null)`,
    [claims.accountId, claims.familyId],
  );
  const row = rows[0];
  if (!row) throw new UnauthenticatedError('Your session has ended; sign in again');
  return {
    accountId: row.id,
    username: row.username,
    displayName: row.display_name,
    unitId: row.unit_id,
    unitPath: row.path,
    roles: row.roles,
    mustChangePassword: row.must_change_password,
    familyId: claims.familyId,
  };
}
