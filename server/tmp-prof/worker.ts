import 'reflect-metadata';
import { MikroORM } from '@mikro-orm/postgresql';
import { ormOptions } from '../src/db/orm.js';
import { applyBatch } from '../src/modules/derived/derived-apply.js';
const orm = await MikroORM.init(ormOptions('postgres://postgres@127.0.0.1:5432/resolute_national'));
const em = orm.em.fork();
const n = Number(process.argv[2] ?? 10000);
await em.execute(`insert into progress_report (id, task_id, unit_id, unit_path, author_id, percent, written_at)
  select gen_random_uuid(), t.id, u.id, u.path, a.id, 50, now() from (select * from task where state = 'OPEN' order by random() limit ${n}) t
  join unit u on u.id = t.lead_unit_id join lateral (select id from account where unit_id = u.id limit 1) a on true`);
const times = new Map<string, number>();
const c = em.getConnection();
const orig = c.execute.bind(c);
for (let i = 0; i < 100; i++) {
  const t0 = performance.now();
  let stage = new Map<string, number>();
  const r = await em.fork().transactional(async (tx) => {
    const ex = tx.execute.bind(tx);
    (tx as any).execute = async (sql: string, p: unknown) => { const s = performance.now(); try { return await ex(sql, p as any); } finally { const k = sql.replace(/\s+/g, ' ').slice(0, 70); stage.set(k, (stage.get(k) ?? 0) + performance.now() - s); } };
    return applyBatch(tx, Number(process.argv[3] ?? 2000));
  });
  if (!r.changes && !r.sealed) break;
  console.log(`batch ${i}: ${r.changes} changes, ${r.sealed} sealed, ${(performance.now() - t0).toFixed(0)} ms`);
  for (const [k, v] of [...stage].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`   ${v.toFixed(0).padStart(6)} ms  ${k}`);
}
await orm.close();
