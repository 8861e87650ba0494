import { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/common/logger.js';
import { ormOptions } from '../../src/db/orm.js';
import { DEMO_ACCOUNTS, seedIfEmpty } from '../../src/db/seed/seed.js';
import { createTestDatabase } from '../support/test-app.js';

let orm: MikroORM;
beforeAll(async () => {
  orm = await MikroORM.init(ormOptions(await createTestDatabase()));
});
afterAll(() => orm.close(true));

const counts = async () => {
  const [row] = await orm.em.getConnection().execute(
    `select (select count(*) from unit) as units, (select count(*) from account) as accounts, (select count(*) from resolution) as resolutions,
            (select count(*) from task) as tasks, (select count(*) from indicator) as indicators, (select count(*) from progress_report) as reports`,
  );
  return Object.fromEntries(Object.entries(row as Record<string, string>).map(([k, v]) => [k, Number(v)]));
};

describe('seedIfEmpty', () => {
  it('loads the seven resolutions, 34 provinces, demo accounts and work in every state', async () => {
    await seedIfEmpty(orm.em.fork(), createLogger('silent'), { demo: true, print: false });
    const c = await counts();
    expect(c.resolutions).toBe(7);
    expect(c.accounts).toBe(DEMO_ACCOUNTS.length);
    const [{ provinces }] = await orm.em
      .getConnection()
      .execute(`select count(*)::int as provinces from unit where kind = 'PROVINCE'`);
    expect(provinces).toBe(34);
    const states = await orm.em
      .getConnection()
      .execute<{ state: string }[]>(`select distinct state::text as state from progress_report order by 1`);
    expect(states.map((s: { state: string }) => s.state)).toEqual(['APPROVED', 'RETURNED', 'SUBMITTED']);
    const [{ lamdong }] = await orm.em
      .getConnection()
      .execute(`select count(*)::int as lamdong from unit where name = 'Tỉnh Lâm Đồng'`);
    expect(lamdong).toBe(1);
    expect(c.tasks).toBeGreaterThan(100);
  }, 60_000);

  it('keeps a rate target whole at every level and shares a count among the units below', async () => {
    const rows = await orm.em.getConnection().execute<{ unit_of_measure: string; targets: number[] }[]>(
      `select unit_of_measure, array_agg(distinct target::float order by target::float) as targets
         from indicator where unit_of_measure in ('%', 'người') group by unit_of_measure order by 1`,
    );
    const targets = Object.fromEntries(rows.map((r) => [r.unit_of_measure, r.targets]));
    expect(targets['%']).toEqual([100]);
    expect(targets['người']).toEqual([167, 500, 2000]);
  });

  it('adds nothing when run again', async () => {
    const before = await counts();
    await seedIfEmpty(orm.em.fork(), createLogger('silent'), { demo: true, print: false });
    expect(await counts()).toEqual(before);
  }, 60_000);
});
