/**
 * npm run bench:dashboard -- [--runs N] [--database-url URL]
 *
 * The committee dashboard's queries through the real GraphQL API, for the nation (a central leader)
 * and one province (its leader): each query alone, and the whole dashboard as one request.
 */
import { argNumber, benchDatabaseUrl, describeRun, gql, printTable, startApi, statCells, timeRuns } from '../lib/harness.js';

const PARTS: Record<string, string> = {
  summary: `analyticsSummary { total averageProgress completionRate onTimeRate lateCompletionRate byStatus { status count } indicators { count withValue achieved averageAchievement } }`,
  'drill-down by child unit': `analyticsByChild { own unit { id name } summary { total averageProgress completionRate onTimeRate byStatus { status count } } }`,
  'trend (12 weeks)': `analyticsTrend(weeks: 12) { weekStart reportsReceived reportsWithObstacles completedOnTime completedLate }`,
  'unit ranking': `unitRanking { rank own unit { id name } score { rated doneWell done notDone onTimeRate formula } }`,
  'warnings (first 20)': `warnings(first: 20) { totalCount nodes { id kind severity messageVi task { id title } } }`,
  'warning counts by kind': `warningCounts { kind count }`,
  'sync health': `syncHealth { own unit { id name } reports lateArrivals averageLagHours maxLagHours lastReceivedAt }`,
};

const databaseUrl = benchDatabaseUrl();
const runs = argNumber('runs', 10);
// --skip "warnings (first 20)" leaves out a query too slow to repeat on this data set.
const skip = process.argv.flatMap((a, i) => (process.argv[i - 1] === '--skip' ? [a] : []));
for (const name of skip) delete PARTS[name];
await describeRun(databaseUrl, `npm run bench:dashboard -- --runs ${runs}${skip.map((s) => ` --skip "${s}"`).join('')}`);
const api = await startApi(databaseUrl);
// As the server does at start and every WARN_SNAPSHOT_MINUTES: large subtrees read this snapshot.
const refreshStarted = performance.now();
const snapshotRows = await api.app.services.warnings.refreshSnapshot(api.orm.em.fork());
console.log(`warning snapshot: ${snapshotRows} rows in ${Math.round(performance.now() - refreshStarted)} ms`);

const rows: (string | number)[][] = [];
for (const [scope, username] of [
  ['nation', 'lanhdao.tw'],
  ['province', 'lanhdao.lamdong'],
] as const) {
  const token = await api.tokenFor(username);
  const whole = `{ ${Object.values(PARTS).join('\n')} }`;
  for (const [name, part] of Object.entries(PARTS)) {
    const ms = await timeRuns(() => gql(api, `{ ${part} }`, {}, token), runs, 1);
    rows.push([scope, name, String(ms.length), ...statCells(ms)]);
  }
  const ms = await timeRuns(() => gql(api, whole, {}, token), runs, 1);
  rows.push([scope, '**whole dashboard, one request**', String(ms.length), ...statCells(ms)]);
}
printTable(`Dashboard queries (${runs} runs each, ms)`, ['scope', 'query', 'runs', 'min', 'median', 'p95', 'max'], rows);
await api.close();
