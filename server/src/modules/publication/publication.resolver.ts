import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../graphql/context.js';
import { requireViewer } from '../../graphql/auth-checker.js';
import { Role } from '../accounts/role.js';
import { UnitType } from '../organisations/unit.type.js';
import { ResolutionType } from '../resolutions/resolution.type.js';
import type { Publication } from './publication.entity.js';
import { PublicationType } from './publication.type.js';

@Resolver(() => PublicationType)
export class PublicationResolver {
  @Authorized(Role.LEADER)
  @Mutation(() => PublicationType, {
    description: 'Show a resolution’s targets, progress and results for a unit publicly (or refresh them)',
  })
  publishResolution(
    @Ctx() ctx: Context,
    @Arg('resolutionId', () => ID) resolutionId: string,
    @Arg('unitId', () => ID) unitId: string,
  ) {
    return ctx.services.publications.publish(ctx.em, requireViewer(ctx), { resolutionId, unitId });
  }

  @Authorized(Role.LEADER)
  @Mutation(() => PublicationType, { description: 'Take a resolution’s figures for a unit off the public view' })
  withdrawPublication(
    @Ctx() ctx: Context,
    @Arg('resolutionId', () => ID) resolutionId: string,
    @Arg('unitId', () => ID) unitId: string,
  ) {
    return ctx.services.publications.withdraw(ctx.em, requireViewer(ctx), { resolutionId, unitId });
  }

  @Authorized()
  @Query(() => [PublicationType], { description: 'Publications of units in your subtree' })
  publications(@Ctx() ctx: Context, @Arg('unitId', () => ID, { nullable: true }) unitId: string | null) {
    return ctx.services.publications.list(ctx.em, requireViewer(ctx), unitId);
  }

  @FieldResolver(() => UnitType)
  unit(@Root() p: Publication, @Ctx() ctx: Context) {
    return ctx.loaders.unit.load(p.unit.id);
  }

  @FieldResolver(() => ResolutionType)
  resolution(@Root() p: Publication, @Ctx() ctx: Context) {
    return ctx.loaders.resolution.load(p.resolution.id);
  }
}
