import { Fifo } from "../lib/fifo.js";
import type { Message } from "../state/message.js";
import type { Scheduler, TimerHandle } from "../lib/scheduler.js";

const DEFAULT_PERIOD_MS = 1000;

/** State of one flow-control key. */
export interface FlowKey {
  key: string;
  parallelism?: number;
  rate?: number;
  periodMs: number;
  waitList: Fifo<Message>;
  inFlight: number;
  rateCount: number;
  periodStart: number;
  paused: boolean;
  pinnedParallelism: boolean;
  pinnedRate: boolean;
  timer?: TimerHandle;
}

/** Limits to pin with {@link FlowControlRegistry.pin}. */
export interface PinOptions {
  parallelism?: number;
  rate?: number;
  periodMs?: number;
}

/**
 * Flow control (wire spec 2.5): per key, at most `parallelism` attempts in
 * flight and at most `rate` attempts started per `period`; the rest wait in the
 * key's wait list. Publishing is never refused. The latest publish's settings
 * become the key's settings unless pinned.
 *
 * @example
 * ```ts
 * const flow = new FlowControlRegistry(scheduler, Date.now, (m) => engine.dispatch(m));
 * ```
 */
export class FlowControlRegistry {
  readonly #keys = new Map<string, FlowKey>();
  readonly #scheduler: Scheduler;
  readonly #now: () => number;
  readonly #dispatch: (message: Message) => void;

  /**
   * @param scheduler - Timer for the next rate period.
   * @param now - Clock, Unix ms.
   * @param dispatch - Called when a message may start an attempt.
   */
  constructor(scheduler: Scheduler, now: () => number, dispatch: (message: Message) => void) {
    this.#scheduler = scheduler;
    this.#now = now;
    this.#dispatch = dispatch;
  }

  /** Puts a message in its key's wait list and starts what the limits allow. */
  submit(message: Message): void {
    const flow = this.#keyFor(message);
    message.phase = "flow";
    flow.waitList.push(message);
    this.#pump(flow);
  }

  /** Ends one attempt of a flow-controlled message. */
  release(message: Message): void {
    const flow = this.#keys.get(message.spec.flowControl!.key);
    if (flow === undefined) return;
    flow.inFlight = Math.max(0, flow.inFlight - 1);
    this.#pump(flow);
  }

  /** Removes a waiting message (cancellation); false when not waiting. */
  remove(message: Message): boolean {
    return this.#keys.get(message.spec.flowControl!.key)?.waitList.remove(message) ?? false;
  }

  /** The key's state, or `undefined`. */
  get(key: string): FlowKey | undefined {
    return this.#keys.get(key);
  }

  /** All keys whose name contains `search` (all when absent). */
  list(search?: string | null): FlowKey[] {
    return [...this.#keys.values()].filter((flow) => !search || flow.key.includes(search));
  }

  /** Pauses or resumes a key; false when unknown. */
  setPaused(key: string, paused: boolean): boolean {
    const flow = this.#keys.get(key);
    if (flow === undefined) return false;
    flow.paused = paused;
    this.#pump(flow);
    return true;
  }

  /** Fixes limits so publishes no longer change them, and restarts the rate period. */
  pin(key: string, options: PinOptions): boolean {
    const flow = this.#keys.get(key);
    if (flow === undefined) return false;
    if (options.parallelism !== undefined) {
      flow.parallelism = options.parallelism;
      flow.pinnedParallelism = true;
    }
    if (options.rate !== undefined) {
      flow.rate = options.rate;
      flow.pinnedRate = true;
    }
    if (options.periodMs !== undefined) flow.periodMs = options.periodMs;
    this.resetRate(key);
    return true;
  }

  /** Lets publishes change the limits again. */
  unpin(key: string, parallelism: boolean, rate: boolean): boolean {
    const flow = this.#keys.get(key);
    if (flow === undefined) return false;
    if (parallelism) flow.pinnedParallelism = false;
    if (rate) flow.pinnedRate = false;
    return true;
  }

  /** Clears the rate count and starts a new period now. */
  resetRate(key: string): boolean {
    const flow = this.#keys.get(key);
    if (flow === undefined) return false;
    flow.rateCount = 0;
    flow.periodStart = this.#now();
    this.#pump(flow);
    return true;
  }

  #keyFor(message: Message): FlowKey {
    const spec = message.spec.flowControl!;
    let flow = this.#keys.get(spec.key);
    if (flow === undefined) {
      flow = {
        key: spec.key,
        periodMs: DEFAULT_PERIOD_MS,
        waitList: new Fifo(),
        inFlight: 0,
        rateCount: 0,
        periodStart: this.#now(),
        paused: false,
        pinnedParallelism: false,
        pinnedRate: false,
      };
      this.#keys.set(spec.key, flow);
    }
    // Only a fresh publish updates the settings; retries re-enter with the old spec.
    if (message.retried === 0) {
      if (!flow.pinnedParallelism) flow.parallelism = spec.parallelism;
      if (!flow.pinnedRate) {
        flow.rate = spec.rate;
        flow.periodMs = spec.periodMs ?? DEFAULT_PERIOD_MS;
      }
    }
    return flow;
  }

  #pump(flow: FlowKey): void {
    while (!flow.paused && flow.waitList.length > 0) {
      if (flow.parallelism !== undefined && flow.inFlight >= flow.parallelism) return;
      if (!this.#takeRateToken(flow)) return;
      const message = flow.waitList.shift()!;
      flow.inFlight += 1;
      this.#dispatch(message);
    }
  }

  #takeRateToken(flow: FlowKey): boolean {
    if (flow.rate === undefined) return true;
    const now = this.#now();
    if (now >= flow.periodStart + flow.periodMs) {
      flow.periodStart = now;
      flow.rateCount = 0;
    }
    if (flow.rateCount < flow.rate) {
      flow.rateCount += 1;
      return true;
    }
    if (flow.timer === undefined || flow.timer.fn === undefined) {
      flow.timer = this.#scheduler.at(flow.periodStart + flow.periodMs, () => this.#pump(flow));
    }
    return false;
  }
}

/**
 * JSON shape of a key (wire spec 6.8).
 * @param flow - The key's state.
 */
export function toFlowControlObject(flow: FlowKey): Record<string, unknown> {
  return {
    flowControlKey: flow.key,
    waitListSize: flow.waitList.length,
    parallelismMax: flow.parallelism ?? 0,
    parallelismCount: flow.inFlight,
    rateMax: flow.rate ?? 0,
    rateCount: flow.rateCount,
    ratePeriod: Math.round(flow.periodMs / 1000),
    ratePeriodStart: Math.floor(flow.periodStart / 1000),
    isPaused: flow.paused,
    isPinnedParallelism: flow.pinnedParallelism,
    isPinnedRate: flow.pinnedRate,
  };
}
