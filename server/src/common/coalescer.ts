/**
 * Runs concurrent callers' items together: `submit` queues an item, and whenever fewer than
 * `concurrency` runs are going, the next run takes everything queued (up to `maxWeight`) and
 * answers each caller from one call of `run`. An idle coalescer runs an item at once; under
 * load the items that arrive during a run wait for the next one, so the number of runs — not
 * the number of items — grows with the load. Items whose keys clash with an item already taken
 * wait for a later run, so no run holds two items with a key in common. `run` answers each item
 * on its own (fulfilled or rejected), so one item's failure is only its caller's.
 */
export class Coalescer<T, R> {
  private readonly queue: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private running = 0;

  constructor(
    private readonly run: (items: T[]) => Promise<PromiseSettledResult<R>[]>,
    private readonly options: {
      concurrency: number;
      maxWeight: number;
      weight: (item: T) => number;
      keys: (item: T) => string[];
    },
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.next();
    });
  }

  /** Items waiting for a run (a gauge of the backlog). */
  get waiting(): number {
    return this.queue.length;
  }

  private next(): void {
    while (this.running < this.options.concurrency && this.queue.length) {
      const taken = this.take();
      this.running++;
      void this.run(taken.map((t) => t.item))
        .then(
          (results) =>
            taken.forEach((t, i) => {
              const r = results[i]!;
              if (r.status === 'fulfilled') t.resolve(r.value);
              else t.reject(r.reason);
            }),
          (error: unknown) => taken.forEach((t) => t.reject(error)),
        )
        .finally(() => {
          this.running--;
          this.next();
        });
    }
  }

  private take(): Coalescer<T, R>['queue'] {
    const taken: Coalescer<T, R>['queue'] = [];
    const keys = new Set<string>();
    let weight = 0;
    for (let i = 0; i < this.queue.length;) {
      const q = this.queue[i]!;
      const w = this.options.weight(q.item);
      const mine = this.options.keys(q.item);
      if (taken.length && weight + w > this.options.maxWeight) break;
      if (mine.some((k) => keys.has(k))) {
        i++;
        continue;
      }
      mine.forEach((k) => keys.add(k));
      weight += w;
      taken.push(q);
      this.queue.splice(i, 1);
    }
    return taken;
  }
}
