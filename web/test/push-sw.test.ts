import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';

const root = path.join(import.meta.dirname, '..', '..');
const schema = buildSchema(readFileSync(path.join(root, 'schema', 'schema.graphql'), 'utf8'));
const worker = readFileSync(path.join(root, 'web', 'public', 'push-sw.js'), 'utf8');

// The service worker is plain JavaScript outside codegen's reach: its one query is checked here.
describe('the push service worker', () => {
  it('asks the server for notices with a query valid against schema/schema.graphql', () => {
    const text = worker.match(/const PUSH_NOTICES =\s*'([^']+)'/)?.[1];
    expect(text).toMatch(/^query PushNotices/);
    expect(validate(schema, parse(text!)).map((e) => e.message)).toEqual([]);
  });

  it('reads the meta rows the app writes', () => {
    expect(worker).toContain("readMeta(['pushWords', 'pushKey'])");
    const notice = readFileSync(path.join(root, 'web', 'src', 'offline', 'push-notice.ts'), 'utf8');
    expect(notice).toContain("PUSH_WORDS_KEY = 'pushWords'");
    expect(notice).toContain("PUSH_KEY = 'pushKey'");
    expect(notice).toContain("TASK_PLACEHOLDER = '{task}'");
    expect(worker).toContain(".split('{task}')");
  });
});
