import type { AuthChecker } from 'type-graphql';
import { ForbiddenError, UnauthenticatedError } from '../common/errors.js';
import type { Role } from '../modules/accounts/role.js';
import { hasRole, type Viewer } from '../modules/scope/viewer.js';
import type { Context } from './context.js';

/** `@Authorized()` needs a signed-in account; `@Authorized(Role.X, …)` one of those roles. */
export const authChecker: AuthChecker<Context, Role> = ({ context }, roles) => {
  const viewer = requireViewer(context);
  if (roles.length && !hasRole(viewer, ...roles)) throw new ForbiddenError();
  return true;
};

export function requireViewer(context: Pick<Context, 'viewer'>): Viewer {
  if (!context.viewer) throw new UnauthenticatedError();
  return context.viewer;
}
