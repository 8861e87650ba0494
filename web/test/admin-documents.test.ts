import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, parse, validate, type DocumentNode } from 'graphql';
import { ADMIN_DOCUMENTS } from '../src/graphql/admin';

const schema = buildSchema(readFileSync(path.join(import.meta.dirname, '..', '..', 'schema', 'schema.graphql'), 'utf8'));

describe('administration GraphQL documents', () => {
  it.each(Object.entries(ADMIN_DOCUMENTS))('%s is valid against schema/schema.graphql', (_name, document) => {
    const source = (document as DocumentNode).loc?.source.body ?? '';
    expect(validate(schema, parse(source)).map((e) => e.message)).toEqual([]);
  });
});
