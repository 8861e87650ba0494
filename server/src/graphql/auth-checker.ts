import type { AuthChecker } from 'type-graphql';
import { AppError, ErrorCode, ForbiddenError, UnauthenticatedError } from '../common/errors.js';
import type { Role } from '../modules/accounts/role.js';
import { hasRole, type Viewer } from '../modules/scope/viewer.js';
import type { Context } from './context.js';

/** What an account that must change its first password may still do. */
export const ALLOWED_BEFORE_PASSWORD_CHANGE = new Set(['Query.me', 'Mutation.changePassword', 'Mutation.signOut']);

/**
 * `@Authorized()` needs a signed-in account; `@Authorized(Role.X, …)` one of those roles. While
 * the account must change its password, every top-level operation but a few answers
 * PASSWORD_CHANGE_REQUIRED (signIn and refreshSession need no viewer and pass anyway).
 */
export const authChecker: AuthChecker<Context, Role> = ({ context, info }, roles) => {
  const viewer = requireViewer(context);
  const parent = info.parentType.name;
  if (
    viewer.mustChangePassword &&
    (parent === 'Query' || parent === 'Mutation') &&
    !ALLOWED_BEFORE_PASSWORD_CHANGE.has(`${parent}.${info.fieldName}`)
  ) {
    throw new AppError(ErrorCode.PASSWORD_CHANGE_REQUIRED, 'Change your password first');
  }
  if (roles.length && !hasRole(viewer, ...roles)) throw new ForbiddenError();
  return true;
};

export function requireViewer(context: Pick<Context, 'viewer'>): Viewer {
  if (!context.viewer) throw new UnauthenticatedError();
  return context.viewer;
}
