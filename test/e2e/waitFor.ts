// Polling helpers with a deadline: tests wait for a condition, never for a fixed long time.

/** Options of {@link waitFor}. */
export interface WaitOptions {
  /** Give up after this many ms. @default 5000 */
  timeout?: number;
  /** Poll every this many ms. @default 10 */
  interval?: number;
  /** Shown in the error when the deadline passes. */
  what?: string;
}

/**
 * Polls `probe` until it returns something other than `undefined`/`false`, then returns it.
 * @throws Error naming `what` when the deadline passes (the last probe error is its cause).
 */
export async function waitFor<T>(probe: () => T | Promise<T>, options: WaitOptions = {}): Promise<Exclude<T, undefined | false>> {
  const { timeout = 5000, interval = 10, what = "condition" } = options;
  const deadline = Date.now() + timeout;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as Exclude<T, undefined | false>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`, { cause: lastError });
    await sleep(interval);
  }
}

/** Sleeps `ms`; only for short settle periods that let duplicates show up before exact counts. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The settle period after a wait, before asserting exact counts. */
export const SETTLE_MS = 250;
