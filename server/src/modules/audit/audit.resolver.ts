import { Arg, Args, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { PageArgs } from '../../common/pagination.js';
import type { Context } from '../../graphql/context.js';
import { requireViewer } from '../../graphql/auth-checker.js';
import { Role } from '../accounts/role.js';
import { UnitType } from '../organisations/unit.type.js';
import { canSeeUnit } from '../scope/scope.js';
import type { AuditEvent } from './audit-event.entity.js';
import { AuditEventConnection, AuditEventFilter, AuditEventType } from './audit.type.js';

@Resolver(() => AuditEventType)
export class AuditResolver {
  @Authorized(Role.ADMIN, Role.LEADER)
  @Query(() => AuditEventConnection, { description: 'Recorded changes of units in your subtree, newest first' })
  auditEvents(
    @Ctx() ctx: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => AuditEventFilter, { nullable: true }) filter: AuditEventFilter | null,
  ) {
    return ctx.services.audit.list(ctx.em, requireViewer(ctx), filter ?? {}, page);
  }

  @FieldResolver(() => UnitType, { nullable: true, description: 'The unit the actor acted from, when within your subtree' })
  async actorUnit(@Root() event: AuditEvent, @Ctx() ctx: Context) {
    if (!event.actorUnitId) return null;
    const unit = await ctx.loaders.unit.load(event.actorUnitId);
    return unit && canSeeUnit(requireViewer(ctx), unit.path) ? unit : null;
  }
}
