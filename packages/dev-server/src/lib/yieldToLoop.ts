import { setImmediate as immediate } from "node:timers/promises";

/** Items handled between two yields by the long loops of bulk operations. */
export const SLICE = 1000;

/**
 * Lets the event loop run (I/O, other requests, timers) in the middle of a long operation,
 * so that a request touching 30,000 items never holds the others up for more than a slice.
 *
 * @example
 * ```ts
 * for (const [i, item] of items.entries()) {
 *   if (i > 0 && i % SLICE === 0) await yieldToLoop();
 *   handle(item);
 * }
 * ```
 */
export function yieldToLoop(): Promise<void> {
  return immediate();
}
