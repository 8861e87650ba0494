import type { EntityManager } from '@mikro-orm/postgresql';
import { Authorized, Field, Float, Int, ObjectType, Query, Resolver, Ctx } from 'type-graphql';
import type { Context } from '../../graphql/context.js';

export interface Freshness {
  /** Every change committed before this time is in the derived figures. */
  currentTo: Date;
  /** Age in seconds of the oldest change not yet applied (0 when none). */
  lagSeconds: number;
  /** Audit events appended but not yet sealed into their chain. */
  unsealedAudit: number;
}

/** How far the derived figures trail the base tables, read from the change log itself. */
export async function derivedFreshness(em: EntityManager): Promise<Freshness> {
  const [row] = await em.getConnection().execute<{ now: Date; oldest: Date | null; unsealed: number }[]>(
    `select clock_timestamp() as now, (select at from derived_change order by id limit 1) as oldest,
            (select count(*) from audit_unsealed)::int as unsealed`,
  );
  const now = new Date(row!.now);
  const oldest = row!.oldest ? new Date(row!.oldest) : null;
  const currentTo = oldest && oldest < now ? oldest : now;
  return { currentTo, lagSeconds: (now.getTime() - currentTo.getTime()) / 1000, unsealedAudit: row!.unsealed };
}

@ObjectType('DerivedFreshness', { description: 'How current the derived figures (progress, rollups, dashboards, warnings) are' })
export class DerivedFreshnessType {
  @Field(() => Date, { description: 'Every change committed before this time is counted in the derived figures' })
  currentTo!: Date;

  @Field(() => Float, { description: 'Seconds the derived figures trail the latest writes (0 when caught up)' })
  lagSeconds!: number;

  @Field(() => Int, { description: 'Audit events recorded and not yet sealed into their chain' })
  unsealedAudit!: number;
}

@Resolver()
export class DerivedResolver {
  @Authorized()
  @Query(() => DerivedFreshnessType, { description: 'How far the derived figures trail what was written' })
  derivedFreshness(@Ctx() ctx: Context): Promise<Freshness> {
    return derivedFreshness(ctx.em);
  }
}
