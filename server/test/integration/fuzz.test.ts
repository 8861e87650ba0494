import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFuzzWorld } from '../fuzz/fuzz-world.js';
import { fuzz, type FuzzTarget } from '../fuzz/schema-fuzz.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

// A quick seeded run; `npm run fuzz -- --requests 10000` runs the same fuzzer for long.
const SEED = Number(process.env.FUZZ_SEED ?? 20261206);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 500);

let t: TestApp;
let target: FuzzTarget;

beforeAll(async () => {
  // No worker: its batches would change rows between the fingerprints around a refused mutation.
  t = await createTestApp({ DERIVED_WORKER: 'false', SIGNIN_DELAY_MS: '0' });
  target = await buildFuzzWorld({ url: t.url, em: () => t.em(), app: t.app });
});
afterAll(() => t.close());

describe('schema fuzzing', () => {
  it(`answers ${REQUESTS} generated requests (seed ${SEED}) below 500, each error with a code and a message, refusals changing nothing`, async () => {
    const figures = await fuzz(target, { seed: SEED, requests: REQUESTS });
    expect(figures.failures.slice(0, 5)).toEqual([]);
    expect(figures.fieldsCovered).toBe(figures.fieldsTotal);
    expect(Object.keys(figures.byStatus).filter((s) => Number(s) >= 500)).toEqual([]);
    // The run exercised refusals and successes both, and compared rows around refused mutations.
    expect(figures.refusedMutationsChecked).toBeGreaterThan(REQUESTS / 4);
    expect(figures.accepted).toBeGreaterThan(0);
  }, 300_000);
});
