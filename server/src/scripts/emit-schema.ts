// npm run schema: rewrites schema/schema.graphql from the resolvers.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createSchema, printContract } from '../graphql/schema.js';

const file = path.resolve(import.meta.dirname, '../../../schema/schema.graphql');
writeFileSync(file, printContract(await createSchema()));
console.log(`wrote ${path.relative(process.cwd(), file)}`);
