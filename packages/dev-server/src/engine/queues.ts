import { Fifo } from "../lib/fifo.js";
import type { Message } from "../state/message.js";

/** A named FIFO queue with a parallelism limit. */
export interface Queue {
  name: string;
  parallelism: number;
  paused: boolean;
  createdAt: number;
  updatedAt: number;
  pending: Fifo<Message>;
  /** Messages that hold a slot: started and not yet finished with their callbacks. */
  active: number;
}

/**
 * The queues. A message holds one of its queue's `parallelism` slots from the
 * moment it starts until it is delivered or failed *and* its callbacks are done,
 * so parallelism 1 is strictly FIFO including retries (wire spec 4).
 *
 * @example
 * ```ts
 * const queues = new QueueRegistry((message) => engine.start(message), Date.now);
 * queues.upsert("emails", 1, false);
 * ```
 */
export class QueueRegistry {
  readonly #queues = new Map<string, Queue>();
  readonly #start: (message: Message) => void;
  readonly #now: () => number;
  #pumping = false;
  readonly #dirty = new Set<Queue>();

  /**
   * @param start - Called when a message gets a slot.
   * @param now - Clock, Unix ms.
   */
  constructor(start: (message: Message) => void, now: () => number = Date.now) {
    this.#start = start;
    this.#now = now;
  }

  /** Creates or updates a queue. */
  upsert(name: string, parallelism: number, paused: boolean): Queue {
    const queue = this.#queues.get(name) ?? this.#create(name);
    queue.parallelism = parallelism;
    queue.paused = paused;
    queue.updatedAt = this.#now();
    this.#pump(queue);
    return queue;
  }

  /** The queue, or `undefined`. */
  get(name: string): Queue | undefined {
    return this.#queues.get(name);
  }

  /** All queues, in creation order. */
  list(): Queue[] {
    return [...this.#queues.values()];
  }

  /**
   * Deletes a queue.
   * @returns Its messages still waiting for a slot (the caller cancels them), or `undefined` when unknown.
   */
  delete(name: string): Message[] | undefined {
    const queue = this.#queues.get(name);
    if (queue === undefined) return undefined;
    this.#queues.delete(name);
    return queue.pending.drain();
  }

  /** Pauses or resumes; false when unknown. */
  setPaused(name: string, paused: boolean): boolean {
    const queue = this.#queues.get(name);
    if (queue === undefined) return false;
    queue.paused = paused;
    queue.updatedAt = this.#now();
    this.#pump(queue);
    return true;
  }

  /** Appends a message to its queue (created with parallelism 1 if unknown). */
  enqueue(message: Message): void {
    const name = message.queueName!;
    const queue = this.#queues.get(name) ?? this.#create(name);
    message.phase = "queued";
    queue.pending.push(message);
    this.#pump(queue);
  }

  /** Frees the slot of a finished message and starts the next one. */
  release(message: Message): void {
    const queue = this.#queues.get(message.queueName!);
    if (queue === undefined) return;
    queue.active = Math.max(0, queue.active - 1);
    this.#pump(queue);
  }

  /** Removes a message still waiting for a slot; false when it is not waiting. */
  remove(message: Message): boolean {
    const queue = this.#queues.get(message.queueName!);
    return queue?.pending.remove(message) ?? false;
  }

  #create(name: string): Queue {
    const now = this.#now();
    const queue: Queue = { name, parallelism: 1, paused: false, createdAt: now, updatedAt: now, pending: new Fifo(), active: 0 };
    this.#queues.set(name, queue);
    return queue;
  }

  // A started message may finish synchronously (e.g. cancelled) and call
  // release → pump again; the guard turns that recursion into a loop.
  #pump(queue: Queue): void {
    this.#dirty.add(queue);
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      for (const next of this.#dirty) {
        this.#dirty.delete(next);
        this.#fill(next);
      }
    } finally {
      this.#pumping = false;
    }
  }

  #fill(queue: Queue): void {
    while (!queue.paused && queue.active < queue.parallelism && queue.pending.length > 0) {
      const message = queue.pending.shift()!;
      queue.active += 1;
      this.#start(message);
    }
  }
}

/**
 * JSON shape of a queue (wire spec 6.2); `lag` counts messages not yet finished.
 * @param queue - The queue.
 */
export function toQueueObject(queue: Queue): Record<string, unknown> {
  return {
    name: queue.name,
    createdAt: queue.createdAt,
    updatedAt: queue.updatedAt,
    parallelism: queue.parallelism,
    lag: queue.pending.length + queue.active,
    paused: queue.paused,
  };
}
