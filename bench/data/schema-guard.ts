import type pg from 'pg';

/** A text listing of every constraint, index and trigger in the public schema, for comparison. */
export async function schemaFingerprint(client: pg.Client): Promise<string> {
  const { rows: constraints } = await client.query<{ line: string }>(`
    select conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) || ' valid=' || convalidated as line
      from pg_constraint where connamespace = 'public'::regnamespace order by 1`);
  const { rows: indexes } = await client.query<{ line: string }>(`
    select pg_get_indexdef(i.indexrelid) || ' valid=' || i.indisvalid as line
      from pg_index i join pg_class c on c.oid = i.indexrelid
     where c.relnamespace = 'public'::regnamespace order by 1`);
  const { rows: triggers } = await client.query<{ line: string }>(`
    select tgrelid::regclass::text || ' ' || tgname || ' enabled=' || tgenabled::text as line
      from pg_trigger where not tgisinternal order by 1`);
  return [...constraints, ...indexes, ...triggers].map((r) => r.line).join('\n');
}

export interface DroppedSchema {
  /** Primary keys and unique constraints, re-added before the foreign keys that need them. */
  keys: string[];
  indexes: string[];
  foreignKeys: string[];
  tables: string[];
}

/**
 * Drops the indexes, keys and foreign keys of `tables` (and foreign keys pointing at them) and
 * disables their user triggers, so a bulk load writes only heap pages. `restoreSchema` puts back
 * exactly the same definitions, validating every foreign key against the loaded rows.
 */
export async function dropForLoad(client: pg.Client, tables: string[]): Promise<DroppedSchema> {
  const { rows: fks } = await client.query<{ tbl: string; name: string; def: string }>(
    `select conrelid::regclass::text as tbl, conname as name, pg_get_constraintdef(oid) as def from pg_constraint
      where contype = 'f' and connamespace = 'public'::regnamespace
        and (conrelid::regclass::text = any($1) or confrelid::regclass::text = any($1)) order by conname`,
    [tables.map((t) => `"${t}"`).concat(tables)],
  );
  const { rows: keys } = await client.query<{ tbl: string; name: string; def: string }>(
    `select conrelid::regclass::text as tbl, conname as name, pg_get_constraintdef(oid) as def from pg_constraint
      where contype in ('p', 'u') and connamespace = 'public'::regnamespace and conrelid::regclass::text = any($1) order by conname`,
    [tables.map((t) => `"${t}"`).concat(tables)],
  );
  const { rows: indexes } = await client.query<{ name: string; def: string }>(
    `select c.relname as name, pg_get_indexdef(i.indexrelid) as def from pg_index i join pg_class c on c.oid = i.indexrelid
      where i.indrelid::regclass::text = any($1) and c.relnamespace = 'public'::regnamespace
        and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid and k.contype in ('p', 'u', 'x'))
      order by 1`,
    [tables.map((t) => `"${t}"`).concat(tables)],
  );
  for (const fk of fks) await client.query(`alter table ${fk.tbl} drop constraint "${fk.name}"`);
  for (const k of keys) await client.query(`alter table ${k.tbl} drop constraint "${k.name}"`);
  for (const ix of indexes) await client.query(`drop index "${ix.name}"`);
  for (const t of tables) await client.query(`alter table "${t}" disable trigger user`);
  return {
    keys: keys.map((k) => `alter table ${k.tbl} add constraint "${k.name}" ${k.def}`),
    indexes: indexes.map((ix) => ix.def),
    foreignKeys: fks.map((fk) => `alter table ${fk.tbl} add constraint "${fk.name}" ${fk.def}`),
    tables,
  };
}

/** Runs statements on `clients` in parallel, each taking the next statement when it is free. */
async function runParallel(clients: pg.Client[], statements: string[], onDone: (sql: string) => void): Promise<void> {
  const queue = [...statements];
  await Promise.all(
    clients.map(async (c) => {
      for (let sql = queue.shift(); sql; sql = queue.shift()) {
        await c.query(sql);
        onDone(sql);
      }
    }),
  );
}

/** Rebuilds what `dropForLoad` removed: keys and indexes first, then foreign keys, then triggers. */
export async function restoreSchema(clients: pg.Client[], dropped: DroppedSchema, onDone: (sql: string) => void): Promise<void> {
  for (const c of clients) {
    await c.query(`set maintenance_work_mem = '1GB'`);
    await c.query(`set max_parallel_maintenance_workers = 0`);
  }
  // Big tables first, so the two connections finish together.
  await runParallel(clients, [...dropped.keys, ...dropped.indexes], onDone);
  await runParallel(clients, dropped.foreignKeys, onDone);
  for (const t of dropped.tables) await clients[0]!.query(`alter table "${t}" enable trigger user`);
}
