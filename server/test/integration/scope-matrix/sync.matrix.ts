import { randomUUID } from 'node:crypto';
import { anyone, type MatrixEntry } from './matrix.js';

/**
 * Sync answers every signed-in account, each with its own view: what a pull returns and what
 * each pushed entry may do are scoped per entry, and tested in test/sync/pull.test.ts and
 * test/sync/push.test.ts (a report on another unit's task is REJECTED, never applied).
 */
export const entries: MatrixEntry[] = [
  {
    operation: 'Query.syncPull',
    document: `query($input: SyncPullInput!) { syncPull(input: $input) { cursor hasMore } }`,
    variables: () => ({ input: { protocolVersion: 1, clientId: randomUUID(), limit: 10 } }),
    expect: anyone,
  },
  {
    operation: 'Mutation.syncPush',
    document: `mutation($input: SyncPushInput!) { syncPush(input: $input) { results { id status } } }`,
    variables: () => ({ input: { protocolVersion: 1, clientId: randomUUID(), entries: [] } }),
    expect: anyone,
  },
  {
    // How far derived figures trail writes: the same for everyone, naming no unit or task.
    operation: 'Query.derivedFreshness',
    document: `{ derivedFreshness { currentTo lagSeconds unsealedAudit } }`,
    variables: () => ({}),
    expect: anyone,
  },
];
