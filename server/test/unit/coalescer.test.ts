import { describe, expect, it } from 'vitest';
import { Coalescer } from '../../src/common/coalescer.js';

interface Item {
  n: number;
  keys?: string[];
  weight?: number;
  fail?: boolean;
}

/** A coalescer whose runs wait for `release()`, recording what each run held. */
function harness(concurrency: number, maxWeight = 100) {
  const runs: number[][] = [];
  const gates: (() => void)[] = [];
  const c = new Coalescer<Item, number>(
    async (items) => {
      runs.push(items.map((i) => i.n));
      await new Promise<void>((resolve) => gates.push(resolve));
      return items.map((i): PromiseSettledResult<number> =>
        i.fail ? { status: 'rejected', reason: new Error(`item ${i.n}`) } : { status: 'fulfilled', value: i.n * 10 },
      );
    },
    { concurrency, maxWeight, weight: (i) => i.weight ?? 1, keys: (i) => i.keys ?? [] },
  );
  const release = async () => {
    await new Promise((r) => setImmediate(r));
    gates.shift()!();
    await new Promise((r) => setImmediate(r));
  };
  return { c, runs, release };
}

describe('Coalescer', () => {
  it('runs an item at once when idle, and the items arriving during a run together in the next', async () => {
    const { c, runs, release } = harness(1);
    const first = c.submit({ n: 1 });
    const rest = [2, 3, 4].map((n) => c.submit({ n }));
    expect(runs).toEqual([[1]]);
    expect(c.waiting).toBe(3);
    await release();
    expect(await first).toBe(10);
    expect(runs).toEqual([[1], [2, 3, 4]]);
    await release();
    expect(await Promise.all(rest)).toEqual([20, 30, 40]);
  });

  it('never puts two items with a key in common in one run', async () => {
    const { c, runs, release } = harness(1);
    const all = [
      c.submit({ n: 1 }),
      c.submit({ n: 2, keys: ['a'] }),
      c.submit({ n: 3, keys: ['a', 'b'] }),
      c.submit({ n: 4, keys: ['c'] }),
    ];
    await release();
    await release();
    await release();
    expect(await Promise.all(all)).toEqual([10, 20, 30, 40]);
    expect(runs).toEqual([[1], [2, 4], [3]]);
  });

  it('caps a run by weight, and an item heavier than the cap runs alone', async () => {
    const { c, runs, release } = harness(1, 10);
    const all = [
      c.submit({ n: 1 }),
      c.submit({ n: 2, weight: 6 }),
      c.submit({ n: 3, weight: 6 }),
      c.submit({ n: 4, weight: 50 }),
      c.submit({ n: 5 }),
    ];
    for (let i = 0; i < 5; i++) await release();
    expect(await Promise.all(all)).toEqual([10, 20, 30, 40, 50]);
    // 2 and 3 together would weigh 12; 4 alone weighs more than the cap; 5 joins no heavier run.
    expect(runs).toEqual([[1], [2], [3], [4], [5]]);
  });

  it('runs up to `concurrency` runs at once', async () => {
    const { c, runs, release } = harness(2);
    const all = [1, 2, 3, 4].map((n) => c.submit({ n }));
    expect(runs).toEqual([[1], [2]]);
    await release();
    expect(runs).toEqual([[1], [2], [3, 4]]);
    await release();
    await release();
    expect(await Promise.all(all)).toEqual([10, 20, 30, 40]);
  });

  it('rejects only the caller whose item failed', async () => {
    const { c, release } = harness(1);
    const first = c.submit({ n: 1 });
    const bad = expect(c.submit({ n: 2, fail: true })).rejects.toThrow('item 2');
    const good = c.submit({ n: 3 });
    await release();
    await release();
    expect(await first).toBe(10);
    await bad;
    expect(await good).toBe(30);
  });
});
