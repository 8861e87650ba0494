import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSchema, printContract } from '../../src/graphql/schema.js';

describe('schema/schema.graphql', () => {
  it('equals what the server emits (run `npm run schema` after changing the API)', async () => {
    const committed = readFileSync(path.resolve(import.meta.dirname, '../../../schema/schema.graphql'), 'utf8');
    expect(printContract(await createSchema())).toBe(committed);
  });
});
