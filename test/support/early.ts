/**
 * Work a spec may start before its turn: a child process that mostly waits on its own core (the program
 * type-checked under the CLI's language host, the policy pack under the policy host, the quick benchmark). When
 * the whole suite runs, every such piece starts once the prefetched stack runs are done (test/support/stackRuns.ts
 * calls startEarly then), so it uses the core those runs leave idle while the suite does in-process work; when only
 * some files run, a piece starts when its spec first asks for it. Either way it runs once.
 */
const starters = new Map<string, () => Promise<unknown>>();
const started = new Map<string, Promise<unknown>>();

function begin(key: string): Promise<unknown> {
  let p = started.get(key);
  if (!p) {
    p = starters.get(key)!();
    // Its spec reports a failure when it asks; until then a rejection is not "unhandled".
    p.catch(() => undefined);
    started.set(key, p);
  }
  return p;
}

/** Registers a piece of work under a key; the function returned gives its (one) result. */
export function early<T>(key: string, start: () => Promise<T>): () => Promise<T> {
  starters.set(key, start);
  return () => begin(key) as Promise<T>;
}

/** Starts every registered piece that has not started (the whole suite runs: every spec that registered one asks). */
export function startEarly(): void {
  for (const key of starters.keys()) void begin(key);
}
