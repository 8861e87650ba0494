import type { EntityManager } from '@mikro-orm/postgresql';
import type { App } from '../../src/app.js';
import { Role } from '../../src/modules/accounts/role.js';
import type { Account } from '../../src/modules/accounts/account.entity.js';
import type { Unit } from '../../src/modules/organisations/unit.entity.js';
import { buildAccount, buildIndicator, buildPlan, buildReport, buildTask, buildTree } from '../support/factories.js';
import type { FuzzTarget } from './schema-fuzz.js';

/** Tables whose rows the fingerprint leaves out: none are written by a refused request. */
const UNFINGERPRINTED = new Set(['mikro_orm_migrations']);

/**
 * A small world to fuzz against: a unit tree, plans, tasks in and out of each sender's scope,
 * indicators and reports, and senders of every role at different levels. The id pool holds
 * everything that exists, so most ids a sender sends belong to someone else's scope.
 */
export async function buildFuzzWorld(deps: { url: string; em: () => EntityManager; app: App }): Promise<FuzzTarget> {
  const em = deps.em();
  const tree = await buildTree(em);
  const ids: string[] = Object.values(tree).map((u) => u.id);
  const plan = await buildPlan(em, tree.province);
  ids.push(plan.id, plan.resolution.id);
  const author = await buildAccount(em, tree.cell, [Role.REPORTER]);
  const bystander = await buildAccount(em, tree.siblingCommune, [Role.FOCAL]);
  ids.push(author.id, bystander.id);
  for (const [assigner, lead] of [
    [tree.province, tree.commune],
    [tree.commune, tree.cell],
    [tree.commune, tree.siblingCell],
    [tree.otherProvince, tree.otherCommune],
  ] as [Unit, Unit][]) {
    const task = await buildTask(em, { plan: assigner === tree.province ? plan : undefined, assigner, lead });
    const indicator = await buildIndicator(em, task);
    const report = await buildReport(em, task, lead === tree.cell ? author : await buildAccount(em, lead, [Role.REPORTER]));
    ids.push(task.id, indicator.id, report.id);
  }

  const session = async (account: Account) => (await deps.app.services.auth.startSession(deps.em(), account)).accessToken;
  const sender = async (label: string, unit: Unit, roles: Role[]) => ({
    label,
    token: await session(await buildAccount(em, unit, roles)),
  });
  const senders = [
    await sender('central admin+leader+focal', tree.central, [Role.ADMIN, Role.LEADER, Role.FOCAL, Role.VIEWER]),
    await sender('province admin', tree.province, [Role.ADMIN]),
    await sender('province leader', tree.province, [Role.LEADER, Role.VIEWER]),
    await sender('commune focal', tree.commune, [Role.FOCAL, Role.REPORTER]),
    await sender('cell reporter', tree.cell, [Role.REPORTER]),
    await sender('other province viewer', tree.otherProvince, [Role.VIEWER]),
    { label: 'anonymous', token: null },
    { label: 'garbage token', token: 'not.a.token' },
  ];

  const { rows } = await em
    .getConnection()
    .execute<{ tablename: string }[]>(`select tablename from pg_tables where schemaname = 'public' order by tablename`)
    .then((r) => ({ rows: r }));
  const tables = rows.map((r) => r.tablename).filter((t) => !UNFINGERPRINTED.has(t));
  // One statement: each table's row count and the sum of its rows' hashes.
  const digestSql = `select ${tables
    .map((t) => `(select count(*) || ':' || coalesce(sum(hashtextextended(x::text, 0)), 0) from "${t}" x)`)
    .join(` || ',' || `)} as digest`;

  return {
    url: deps.url,
    senders,
    ids,
    async fingerprint() {
      const [row] = await deps.em().getConnection().execute<{ digest: string }[]>(digestSql);
      return row!.digest;
    },
    freshAdmin: async () => session(await buildAccount(deps.em(), tree.province, [Role.ADMIN, Role.LEADER, Role.FOCAL])),
  };
}
