import { Role } from '../accounts/role.js';

/** Who is asking: the signed-in account with its unit's place in the tree. */
export interface Viewer {
  accountId: string;
  username: string;
  displayName: string;
  unitId: string;
  unitPath: string;
  roles: Role[];
  mustChangePassword: boolean;
  /** The sign-in (refresh-token family) this request belongs to. */
  familyId: string;
}

export function hasRole(viewer: Viewer, ...roles: Role[]): boolean {
  return roles.some((r) => viewer.roles.includes(r));
}
