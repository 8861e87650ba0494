import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import { NotFoundError } from '../../common/errors.js';
import type { Context } from '../../graphql/context.js';
import { assertUuid } from '../tasks/task.service.js';
import { Resolution } from './resolution.entity.js';
import { ResolutionType } from './resolution.type.js';

@Resolver(() => ResolutionType)
export class ResolutionResolver {
  @Authorized()
  @Query(() => [ResolutionType], { description: 'Every resolution, oldest first' })
  resolutions(@Ctx() ctx: Context) {
    return ctx.em.find(Resolution, {}, { orderBy: { issuedOn: 'asc', code: 'asc' } });
  }

  @Authorized()
  @Query(() => ResolutionType)
  async resolution(@Ctx() ctx: Context, @Arg('id', () => ID) id: string) {
    assertUuid('id', id);
    const found = await ctx.em.findOne(Resolution, { id });
    if (!found) throw new NotFoundError('Resolution', id);
    return found;
  }
}
