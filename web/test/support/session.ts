import { saveSession } from '../../src/graphql/session';
import type { Role } from '../../src/graphql/documents';

/** A signed-in committee member with the given roles at unit `p1`. */
export function signInAs(roles: Role[], unit = { id: 'p1', name: 'Tỉnh Lâm Đồng', kind: 'PROVINCE' }): void {
  saveSession({
    accessToken: 'test-access',
    accessTokenExpiresAt: new Date(Date.now() + 600_000).toISOString(),
    refreshToken: 'test-refresh',
    refreshTokenExpiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    account: { id: 'me', username: 'quantri.tinh', displayName: 'Quản trị tỉnh', roles, mustChangePassword: false, unit },
  });
}
