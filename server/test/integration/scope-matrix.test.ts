/// <reference types="vite/client" />
/**
 * Runs every Query and Mutation of the built schema as every role at a unit, its parent, its
 * child, its sibling and a unit of another province, and compares each answer with the entry's
 * expectation. Entries live in ./scope-matrix/*.matrix.ts (see matrix.ts there); an operation
 * without an entry fails this file.
 */
import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/modules/accounts/role.js';
import { buildAccountWithPassword } from '../support/auth-helpers.js';
import { buildPlan, buildReport, buildTask, buildUnit } from '../support/factories.js';
import { createTestApp, type GraphQLResponse, type TestApp } from '../support/test-app.js';
import {
  POSITIONS,
  ROLES,
  type Fixture,
  type MatrixEntry,
  type MatrixViewer,
  type Outcome,
  type Position,
} from './scope-matrix/matrix.js';

const modules = import.meta.glob<{ entries: MatrixEntry[] }>('./scope-matrix/*.matrix.ts', { eager: true });
const entries = Object.values(modules).flatMap((m) => m.entries);

let t: TestApp;
let fx: Fixture;
const viewers = new Map<string, MatrixViewer & { token: string }>();
let uniqueCounter = 0;

beforeAll(async () => {
  t = await createTestApp(
    { RATE_LIMIT_SIGNIN_PER_IP: '100000', RATE_LIMIT_REFRESH_PER_IP: '100000', SIGNIN_DELAY_MS: '0' },
    { vapid: { ...webpush.generateVAPIDKeys(), subject: 'mailto:ops@resolute.example' } },
  );
  const em = t.em();
  const central = await buildUnit(em, { kind: 'CENTRAL', name: 'Trung ương' });
  const parent = await buildUnit(em, { parent: central, kind: 'PROVINCE', name: 'Tỉnh Lâm Đồng' });
  const unit = await buildUnit(em, { parent, kind: 'COMMUNE', name: 'Phường Xuân Hương' });
  const child = await buildUnit(em, { parent: unit, kind: 'CELL', name: 'Chi bộ 1' });
  const sibling = await buildUnit(em, { parent, kind: 'COMMUNE', name: 'Phường Lang Biang' });
  const otherParent = await buildUnit(em, { parent: central, kind: 'PROVINCE', name: 'Thành phố Hà Nội' });
  const otherProvince = await buildUnit(em, { parent: otherParent, kind: 'COMMUNE', name: 'Phường Hoàn Kiếm' });
  const plan = await buildPlan(em, unit);
  const task = await buildTask(em, { plan, assigner: unit, lead: unit });
  const account = await buildAccountWithPassword(em, unit, ['REPORTER' as Role]);
  const report = await buildReport(em, task, account);
  fx = {
    t,
    units: { unit, parent, child, sibling, otherProvince },
    resolution: plan.resolution.getEntity(),
    plan,
    task,
    report,
    account,
    em: () => t.em(),
    newAccount: (at, roles = ['REPORTER' as Role]) => buildAccountWithPassword(t.em(), at, roles),
    newUnit: (below) => buildUnit(t.em(), { parent: below }),
    unique: (prefix) => `${prefix}.${process.pid}.${(uniqueCounter++).toString(36)}`,
  };
  for (const position of POSITIONS) {
    for (const role of ROLES) {
      const viewer = await newViewer(role, position);
      viewers.set(`${role}@${position}`, viewer);
    }
  }
}, 120_000);
afterAll(() => t.close());

async function newViewer(role: Role, position: Position): Promise<MatrixViewer & { token: string }> {
  const unit = fx.units[position];
  const account = await buildAccountWithPassword(t.em(), unit, [role]);
  const session = await t.app.services.auth.startSession(t.em(), account);
  return { role, position, unit, account, token: session.accessToken };
}

function outcomeOf(res: GraphQLResponse): string {
  if (!res.errors?.length) return 'ALLOW';
  const code = res.errors[0]!.extensions?.code ?? 'NO_CODE';
  // Anything but a scope answer carries its message, so a broken entry explains itself.
  return ['FORBIDDEN', 'NOT_FOUND', 'UNAUTHENTICATED', 'PASSWORD_CHANGE_REQUIRED'].includes(code)
    ? code
    : `${code}: ${res.errors[0]!.message}`;
}

function schemaOperations(): string[] {
  const { schema } = t.app;
  return [
    ...Object.keys(schema.getQueryType()?.getFields() ?? {}).map((f) => `Query.${f}`),
    ...Object.keys(schema.getMutationType()?.getFields() ?? {}).map((f) => `Mutation.${f}`),
    ...Object.keys(schema.getSubscriptionType()?.getFields() ?? {}).map((f) => `Subscription.${f}`),
  ].sort();
}

describe('scope matrix', () => {
  it('has exactly one entry for every query and mutation of the schema', () => {
    const listed = entries.map((e) => e.operation);
    const operations = schemaOperations();
    expect({ withoutEntry: operations.filter((o) => !listed.includes(o)) }).toEqual({ withoutEntry: [] });
    expect({ notInSchema: listed.filter((o) => !operations.includes(o)) }).toEqual({ notInSchema: [] });
    expect({ duplicated: listed.filter((o, i) => listed.indexOf(o) !== i) }).toEqual({ duplicated: [] });
  });

  it.each(entries.map((e) => [e.operation, e] as const))(
    '%s answers each role at each position as expected',
    async (_name, entry) => {
      const expected: Record<string, string> = {};
      const actual: Record<string, string> = {};
      for (const position of POSITIONS) {
        for (const role of ROLES) {
          const key = `${role}@${position}`;
          const viewer = entry.freshViewer ? await newViewer(role, position) : viewers.get(key)!;
          const variables = (await entry.variables?.(fx, viewer)) ?? {};
          expected[key] = entry.expect(role, position);
          actual[key] = outcomeOf(await t.gql(entry.document, variables, viewer.token));
        }
      }
      const anyViewer = viewers.get(`${ROLES[0]}@unit`)!;
      expected.anonymous = entry.anonymous ?? ('UNAUTHENTICATED' satisfies Outcome);
      actual.anonymous = outcomeOf(await t.gql(entry.document, (await entry.variables?.(fx, anyViewer)) ?? {}));
      expect(actual).toEqual(expected);
    },
  );
});
