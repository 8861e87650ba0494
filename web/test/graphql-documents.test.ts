import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, parse, validate, type DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ALL_DOCUMENTS } from '../src/graphql/documents';
import { errorMessageKey, toApiError } from '../src/graphql/errors';

const schema = buildSchema(readFileSync(path.join(import.meta.dirname, '..', '..', 'schema', 'schema.graphql'), 'utf8'));

describe('typed GraphQL documents', () => {
  it.each(Object.entries(ALL_DOCUMENTS))('%s is valid against schema/schema.graphql', (_name, document) => {
    // The document may come from another copy of graphql (Vite's bundle); re-parse its text.
    const source = (document as DocumentNode).loc?.source.body ?? '';
    expect(validate(schema, parse(source)).map((e) => e.message)).toEqual([]);
  });
});

describe('errorMessageKey', () => {
  it('explains a GraphQL error by its code', () => {
    expect(errorMessageKey({ graphQLErrors: [{ message: 'x', extensions: { code: 'FORBIDDEN' } }] })).toBe('errors.forbidden');
  });

  it('treats a failed fetch as a network problem', () => {
    expect(errorMessageKey({ networkError: new TypeError('Failed to fetch') })).toBe('errors.network');
  });

  it('keeps the field of a bad input', () => {
    const error = toApiError({ graphQLErrors: [{ message: 'bad', extensions: { code: 'BAD_USER_INPUT', field: 'percent' } }] });
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.field).toBe('percent');
  });

  it('does not trust an unknown code', () => {
    expect(errorMessageKey({ graphQLErrors: [{ message: 'x', extensions: { code: 'WHATEVER' } }] })).toBe('errors.unknown');
  });
});
