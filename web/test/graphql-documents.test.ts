import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, Kind, parse, print, validate, type DocumentNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import * as generated from '../src/graphql/generated/graphql';
import { SYNC_PULL, SYNC_PUSH } from '../src/offline/protocol';
import { errorMessageKey, toApiError } from '../src/graphql/errors';

const locale = (lang: string) =>
  JSON.parse(readFileSync(path.join(import.meta.dirname, '..', 'src', 'locales', `${lang}.json`), 'utf8')) as Record<
    string,
    unknown
  >;
const vi = locale('vi');
const en = locale('en');
/** The message a locales/ key names, or undefined. */
const say = (messages: Record<string, unknown>, key: string) =>
  key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], messages);

const schema = buildSchema(readFileSync(path.join(import.meta.dirname, '..', '..', 'schema', 'schema.graphql'), 'utf8'));

// The operations; a fragment is validated with each operation that spreads it.
const operations = Object.entries(generated).filter((entry): entry is [string, DocumentNode] =>
  ((entry[1] as Partial<DocumentNode> | undefined)?.definitions ?? []).some((d) => d.kind === Kind.OPERATION_DEFINITION),
);

// `npm run codegen:check` (part of lint) fails on an invalid or stale document; this catches a
// schema/schema.graphql changed under documents generated before it.
describe('generated GraphQL documents', () => {
  it('cover the operations of the app, the sync protocol among them', () => {
    const names = operations.map(([name]) => name);
    expect(names).toEqual(expect.arrayContaining(['SignInDocument', 'SyncPullDocument', 'SyncPushDocument']));
    expect(names.length).toBeGreaterThan(30);
  });

  it.each(operations)('%s is valid against schema/schema.graphql', (_name, document) => {
    expect(validate(schema, document).map((e) => e.message)).toEqual([]);
  });

  it.each([
    ['SYNC_PULL', SYNC_PULL, 'SyncPullDocument'],
    ['SYNC_PUSH', SYNC_PUSH, 'SyncPushDocument'],
  ] as const)('%s, sent as text, is the document its types were generated from', (_name, text, generatedName) => {
    expect(print(parse(text))).toEqual(print(generated[generatedName]));
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

  it('explains a file or request too large for the server specifically, in both languages', () => {
    const key = errorMessageKey({
      graphQLErrors: [{ message: 'The file is larger than 10 bytes', extensions: { code: 'PAYLOAD_TOO_LARGE' } }],
    });
    expect(key).toBe('errors.payloadTooLarge');
    expect(say(vi, key)).toBe('Tệp hoặc gói dữ liệu quá lớn để máy chủ nhận. Hãy gửi tệp nhỏ hơn hoặc chia nhỏ.');
    expect(say(en, key)).toBe('The file or data sent is too large for the server. Send a smaller file, or split it.');
  });

  it('knows every code the server sends, each with a message of its own in both languages', () => {
    const source = readFileSync(path.join(import.meta.dirname, '..', '..', 'server', 'src', 'common', 'errors.ts'), 'utf8');
    const codes = [...source.slice(source.indexOf('enum ErrorCode')).matchAll(/^\s+([A-Z_]+) = '\1',$/gm)].map((m) => m[1]!);
    expect(codes).toEqual(expect.arrayContaining(['PAYLOAD_TOO_LARGE', 'FORBIDDEN', 'DATABASE_UNAVAILABLE']));
    // An unexpected fault reaches the person as the plain "something went wrong".
    for (const code of codes.filter((c) => c !== 'INTERNAL_SERVER_ERROR')) {
      const key = errorMessageKey({ graphQLErrors: [{ message: 'x', extensions: { code } }] });
      expect(key, code).not.toBe('errors.unknown');
      expect(typeof say(vi, key), `${code} in vi.json`).toBe('string');
      expect(typeof say(en, key), `${code} in en.json`).toBe('string');
    }
  });

  it('does not trust an unknown code', () => {
    expect(errorMessageKey({ graphQLErrors: [{ message: 'x', extensions: { code: 'WHATEVER' } }] })).toBe('errors.unknown');
  });
});
