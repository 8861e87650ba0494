import type { EntityManager } from '@mikro-orm/postgresql';
import { Coalescer } from '../../common/coalescer.js';
import { UnauthenticatedError } from '../../common/errors.js';
import type { Viewer } from '../scope/viewer.js';
import type { Role } from './role.js';
import type { AccessClaims, TokenSigner } from './tokens.js';

interface ViewerRow {
  i: number;
  id: string;
  username: string;
  display_name: string;
  roles: Role[];
  must_change_password: boolean;
  unit_id: string;
  path: string;
}

/**
 * The viewer behind a bearer token, checked against the database on every request so that a
 * disabled account or a revoked sign-in stops working at once, not when the token expires. The
 * requests arriving together are checked by one query.
 */
export class ViewerLoader {
  private readonly lookups = new Coalescer<{ em: EntityManager; claims: AccessClaims }, Viewer>((items) => this.load(items), {
    concurrency: 2,
    maxWeight: 500,
    weight: () => 1,
    keys: () => [],
  });

  constructor(private readonly tokens: TokenSigner) {}

  async fromToken(em: EntityManager, token: string): Promise<Viewer> {
    const claims = await this.tokens.verify(token);
    return this.lookups.submit({ em, claims });
  }

  private async load(items: { em: EntityManager; claims: AccessClaims }[]): Promise<PromiseSettledResult<Viewer>[]> {
    const rows = await items[0]!.em.getConnection().execute<ViewerRow[]>(
      `select e.i::int as i, a.id, a.username, a.display_name, a.roles, a.must_change_password, u.id as unit_id, u.path
         from unnest(?::uuid[], ?::uuid[]) with ordinality as e(account_id, family_id, i)
         join account a on a.id = e.account_id
         join unit u on u.id = a.unit_id
        where a.disabled_at is null and u.active
          and exists (select 1 from refresh_token r where r.family_id = e.family_id and r.account_id = a.id and r.revoked_at is null)`,
      [`{${items.map((t) => t.claims.accountId).join(',')}}`, `{${items.map((t) => t.claims.familyId).join(',')}}`],
    );
    const found = new Map(rows.map((r) => [r.i - 1, r]));
    return items.map(({ claims }, i): PromiseSettledResult<Viewer> => {
      const row = found.get(i);
      if (!row) return { status: 'rejected', reason: new UnauthenticatedError('Your session has ended; sign in again') };
      return {
        status: 'fulfilled',
        value: {
          accountId: row.id,
          username: row.username,
          displayName: row.display_name,
          unitId: row.unit_id,
          unitPath: row.path,
          roles: row.roles,
          mustChangePassword: row.must_change_password,
          familyId: claims.familyId,
        },
      };
    });
  }
}
