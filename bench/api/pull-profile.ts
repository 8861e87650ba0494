/**
 * npm run bench:pull-profile -- [--runs N] [--database-url URL]
 *
 * Where a cell officer's first pull spends its time: the service alone (SQL and mapping), the
 * GraphQL execution of its result (bare, and through Apollo with and without its cache-control
 * plugin), and the whole HTTP request with and without gzip. Run under `node --cpu-prof` for a
 * profile of the same loop. graphql-js checks every `instanceof` slowly unless NODE_ENV=production.
 */
import { randomUUID } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { execute, parse } from 'graphql';
import { argNumber, benchDatabaseUrl, describeRun, post, printTable, startApi, stats } from '../lib/harness.js';
import { PROTOCOL_VERSION, SYNC_PULL } from './sync-queries.js';

const databaseUrl = benchDatabaseUrl();
const runs = argNumber('runs', 30);
await describeRun(databaseUrl, `npm run bench:pull-profile -- --runs ${runs}`);
console.log(`NODE_ENV: ${process.env.NODE_ENV ?? '(unset)'}`);
const api = await startApi(databaseUrl);
const db = api.orm.em.getConnection();
const [cell] = await db.execute<{ username: string }[]>(`
  select 'canbo.' || lower(u.code) as username from unit u join task t on t.lead_unit_id = u.id
   where u.kind = 'CELL' and u.path like (select path || '%' from unit where code = 'P-LAMDONG')
   group by u.id order by count(*) desc, u.seq limit 1`);
if (!cell) throw new Error('the bench database has no data set; run npm run bench:data first');
const token = await api.tokenFor(cell.username);
const viewer = await api.app.services.viewers.fromToken(api.orm.em.fork(), token);
const clientId = randomUUID();
const input = { protocolVersion: PROTOCOL_VERSION, clientId, limit: 500 };
const document = parse(SYNC_PULL);

const time = async (fn: () => Promise<unknown>) => {
  for (let i = 0; i < 3; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return stats(ms);
};
const service = () => api.app.services.sync.pull(api.orm.em.fork(), viewer, input);
const result = await service();
const contextValue = {
  viewer,
  services: { ...api.app.services, sync: { pull: async () => result } },
  em: api.orm.em.fork(),
  userAgent: null,
};
// Apollo installs its cache-control plugin unless told not to; it wraps every field's resolver.
const apolloAsApp = new ApolloServer({ schema: api.app.schema });
const apolloNoCacheControl = new ApolloServer({ schema: api.app.schema, plugins: [ApolloServerPluginCacheControlDisabled()] });
await apolloAsApp.start();
await apolloNoCacheControl.start();
const viaApollo = (server: ApolloServer) => () =>
  server.executeOperation({ query: SYNC_PULL, variables: { input } }, { contextValue: contextValue as never });
const phases: [string, () => Promise<unknown>][] = [
  ['SyncService.pull (SQL, rows to objects, sync_client)', service],
  [
    'graphql execute of a ready result (no SQL)',
    async () =>
      execute({
        schema: api.app.schema,
        document,
        variableValues: { input },
        rootValue: undefined,
        contextValue,
      }),
  ],
  ['Apollo executeOperation of a ready result, plugins as the app', viaApollo(apolloAsApp)],
  ['the same, cache-control plugin disabled', viaApollo(apolloNoCacheControl)],
  ['JSON.stringify of the response', async () => JSON.stringify({ data: { syncPull: result } })],
  [
    'whole request, gzip (what fetch asks for)',
    () => post(`${api.url}/graphql`, { query: SYNC_PULL, variables: { input } }, token),
  ],
  [
    'whole request, identity',
    () => post(`${api.url}/graphql`, { query: SYNC_PULL, variables: { input } }, token, { 'accept-encoding': 'identity' }),
  ],
];
const rows: (string | number)[][] = [];
for (const [label, fn] of phases) {
  const s = await time(fn);
  rows.push([label, s.min, s.median, s.p95]);
}
printTable(
  `First pull of ${result.tasks.length} tasks, ${result.reports.length} reports: phases (${runs} runs, ms)`,
  ['phase', 'min', 'median', 'p95'],
  rows,
);
await apolloAsApp.stop();
await apolloNoCacheControl.stop();
await api.close();
