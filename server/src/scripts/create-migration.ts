// Writes a migration for the difference between the entities and the database at DATABASE_URL.
import 'reflect-metadata';
import { MikroORM } from '@mikro-orm/postgresql';
import { ormOptions } from '../db/orm.js';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('Set DATABASE_URL to a database with every existing migration applied.');
  process.exit(2);
}
const orm = await MikroORM.init(ormOptions(url));
try {
  await orm.getMigrator().up();
  const result = await orm.getMigrator().createMigration(undefined, false, process.argv.includes('--initial'));
  console.log(result.fileName ? `wrote ${result.fileName}` : 'no changes');
} finally {
  await orm.close();
}
