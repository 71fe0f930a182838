/** Handle of a scheduled callback; pass it to {@link Scheduler.cancel}. */
export interface TimerHandle {
  readonly due: number;
  /** @internal Insertion order: equal due times run first-in first-out. */ readonly seq: number;
  /** @internal */ fn: (() => void) | undefined;
  /** @internal */ index: number;
}

function before(a: TimerHandle, b: TimerHandle): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}

// setTimeout overflows above 2^31-1 ms and fires at once; long waits re-arm instead.
const MAX_TIMEOUT_MS = 2_147_483_000;

/**
 * Runs callbacks at absolute times with a single Node timer armed for the
 * earliest one (a binary min-heap orders the rest), so thousands of delayed
 * messages and retries cost one timer and an idle server does no work.
 *
 * @example
 * ```ts
 * const scheduler = new Scheduler();
 * scheduler.at(Date.now() + 1000, () => console.log("one second later"));
 * scheduler.close();
 * ```
 */
export class Scheduler {
  readonly #heap: TimerHandle[] = [];
  #timer: NodeJS.Timeout | undefined;
  #armedFor = Number.POSITIVE_INFINITY;
  #closed = false;
  #seq = 0;
  readonly #now: () => number;
  readonly #onError: (error: unknown) => void;

  /**
   * @param now - Clock in Unix ms. @default Date.now
   * @param onError - Receives what a callback throws, so one bad callback cannot stop the others.
   */
  constructor(now: () => number = Date.now, onError: (error: unknown) => void = () => {}) {
    this.#now = now;
    this.#onError = onError;
  }

  /** Number of pending callbacks. */
  get size(): number {
    return this.#heap.length;
  }

  /**
   * Runs `fn` at `due` (Unix ms), or on the next tick if `due` has passed.
   * @returns A handle for {@link Scheduler.cancel}.
   */
  at(due: number, fn: () => void): TimerHandle {
    this.#seq += 1;
    const handle: TimerHandle = { due, seq: this.#seq, fn, index: this.#heap.length };
    if (this.#closed) return handle;
    this.#heap.push(handle);
    this.#siftUp(handle.index);
    this.#arm();
    return handle;
  }

  /** Cancels a pending callback; a no-op when it already ran. */
  cancel(handle: TimerHandle): void {
    if (handle.fn === undefined) return;
    this.#remove(handle);
    this.#arm();
  }

  #remove(handle: TimerHandle): void {
    handle.fn = undefined;
    const i = handle.index;
    const last = this.#heap.pop();
    if (last !== undefined && last !== handle) {
      this.#heap[i] = last;
      last.index = i;
      this.#siftDown(i);
      this.#siftUp(last.index);
    }
  }

  /** Drops every pending callback and the timer. */
  close(): void {
    this.#closed = true;
    for (const handle of this.#heap) handle.fn = undefined;
    this.#heap.length = 0;
    this.#disarm();
  }

  #arm(): void {
    const first = this.#heap[0];
    if (first === undefined) return this.#disarm();
    if (first.due === this.#armedFor && this.#timer !== undefined) return;
    this.#disarm();
    this.#armedFor = first.due;
    const wait = Math.min(Math.max(0, first.due - this.#now()), MAX_TIMEOUT_MS);
    this.#timer = setTimeout(() => this.#fire(), wait);
  }

  #disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#armedFor = Number.POSITIVE_INFINITY;
  }

  #fire(): void {
    this.#timer = undefined;
    this.#armedFor = Number.POSITIVE_INFINITY;
    const now = this.#now();
    // Bounded batch per wake-up so a burst of due items cannot starve I/O.
    for (let n = 0; n < 10_000; n += 1) {
      const first = this.#heap[0];
      if (first === undefined || first.due > now) break;
      const fn = first.fn;
      this.#remove(first);
      try {
        fn?.();
      } catch (error) {
        this.#onError(error);
      }
    }
    if (!this.#closed) this.#arm();
  }

  #siftUp(start: number): void {
    const heap = this.#heap;
    let i = start;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #siftDown(start: number): void {
    const heap = this.#heap;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === i) return;
      this.#swap(i, smallest);
      i = smallest;
    }
  }

  #swap(i: number, j: number): void {
    const heap = this.#heap;
    const a = heap[i]!;
    const b = heap[j]!;
    heap[i] = b;
    heap[j] = a;
    a.index = j;
    b.index = i;
  }
}
