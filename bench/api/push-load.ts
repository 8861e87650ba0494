/**
 * npm run bench:push -- [--devices N] [--seconds S] [--database-url URL]
 *
 * Sustained report pushes from many simulated devices: autocannon keeps `devices` connections
 * busy, each request a syncPush of one new report (a fresh device-made id every time) by one of
 * `devices` cell officers on their own open tasks. Prints throughput, latency percentiles and errors.
 */
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { argNumber, benchDatabaseUrl, describeRun, printTable, startApi } from '../lib/harness.js';

const PUSH = `mutation Push($input: SyncPushInput!) { syncPush(input: $input) { results { id status reason } } }`;

const databaseUrl = benchDatabaseUrl();
const devices = argNumber('devices', 50);
const seconds = argNumber('seconds', 20);
await describeRun(databaseUrl, `npm run bench:push -- --devices ${devices} --seconds ${seconds}`);
const api = await startApi(databaseUrl);
const db = api.orm.em.getConnection();

// One open leaf task per officer, from as many cells as there are devices.
const officers = await db.execute<{ username: string; task_id: string }[]>(
  `select distinct on (u.id) 'canbo.' || lower(u.code) as username, t.id as task_id
     from unit u join task t on t.lead_unit_id = u.id
    where u.kind = 'CELL' and t.state = 'OPEN' and not exists (select 1 from task c where c.parent_id = t.id)
    order by u.id, t.id limit ?`,
  [devices],
);
if (!officers.length) throw new Error('no open task of a cell; run npm run bench:data first');
const sessions = await Promise.all(
  officers.map(async (o) => ({ ...o, token: await api.tokenFor(o.username), clientId: randomUUID() })),
);

let applied = 0;
let refused = 0;
const reasons = new Map<string, number>();
let next = 0;
const result = await autocannon({
  url: `${api.url}/graphql`,
  connections: sessions.length,
  duration: seconds,
  requests: [
    {
      method: 'POST',
      setupRequest: (req) => {
        const s = sessions[next++ % sessions.length]!;
        const id = randomUUID();
        const now = new Date().toISOString();
        return {
          ...req,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` },
          body: JSON.stringify({
            query: PUSH,
            variables: {
              input: {
                protocolVersion: 1,
                clientId: s.clientId,
                entries: [
                  {
                    id,
                    kind: 'CREATE_REPORT',
                    createdAt: now,
                    createReport: { reportId: id, taskId: s.task_id, percent: 50, hasObstacles: false, writtenAt: now },
                  },
                ],
              },
            },
          }),
        };
      },
      onResponse: (status, body) => {
        try {
          const r = (JSON.parse(body) as { data?: { syncPush: { results: { status: string; reason: string | null }[] } } }).data
            ?.syncPush.results[0];
          if (r?.status === 'APPLIED') applied++;
          else {
            refused++;
            const key = `${status} ${r?.status ?? 'error'}: ${r?.reason ?? body.slice(0, 80)}`;
            reasons.set(key, (reasons.get(key) ?? 0) + 1);
          }
        } catch {
          refused++;
        }
      },
    },
  ],
});

printTable(
  `Sustained pushes, one report per request, ${sessions.length} devices for ${seconds} s`,
  [
    'requests',
    'reports applied',
    'applied / s',
    'p50 ms',
    'p90 ms',
    'p99 ms',
    'max ms',
    'HTTP errors',
    'timeouts',
    'not applied',
  ],
  [
    [
      String(result.requests.total),
      String(applied),
      applied / seconds,
      result.latency.p50,
      result.latency.p90,
      result.latency.p99,
      result.latency.max,
      String(result.errors + result.non2xx),
      String(result.timeouts),
      String(refused),
    ],
  ],
);
for (const [reason, n] of reasons) console.log(`not applied ×${n}: ${reason}`);
await api.close();
