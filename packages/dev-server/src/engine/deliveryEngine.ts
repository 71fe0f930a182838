import { parseRetryDelay } from "@stashkit/core";
import { callbackPayload } from "./callbackPayload.js";
import type { DeadLetterQueue } from "../state/dlq.js";
import { deliveryHeaders } from "./deliveryHeaders.js";
import type { EventLog } from "../state/events.js";
import { Fifo } from "../lib/fifo.js";
import { FlowControlRegistry } from "./flowControl.js";
import type { HttpSender, OutgoingRequest } from "./httpSender.js";
import { newMessageId } from "../lib/ids.js";
import type { Message, MessageKind, MessageState } from "../state/message.js";
import type { CallbackSpec, MessageSpec } from "../protocol/messageSpec.js";
import { QueueRegistry } from "./queues.js";
import type { AttemptOutcome } from "../state/responseRecord.js";
import { errorOutcome, isNonRetryable, isSuccess } from "../state/responseRecord.js";
import { retryAfterMs } from "./retryAfter.js";
import type { Scheduler } from "../lib/scheduler.js";
import type { SigningKeys } from "../state/signingKeys.js";

/** Tuning of the delivery engine. */
export interface DeliveryEngineOptions {
  now: () => number;
  /** Attempts in flight at once across all destinations. */
  maxConcurrency: number;
  /** Upper bound of any attempt's timeout, ms. */
  maxTimeoutMs: number;
  /** Back-off without `Upstash-Retry-Delay`: ms before the retry after `retried` retries. */
  defaultRetryDelay: (retried: number) => number;
  /** Receives internal errors; one bad message must not crash the server. */
  onError?: (error: unknown) => void;
}

/** Collaborators of the engine. */
export interface DeliveryEngineDeps {
  scheduler: Scheduler;
  sender: HttpSender;
  keys: SigningKeys;
  events: EventLog;
  dlq: DeadLetterQueue;
}

/** What a new message needs besides its spec. */
export interface NewMessage {
  url: string;
  /** `url` already split for sending, when validation parsed it. */
  target?: { origin: string; path: string };
  body: Buffer;
  spec: MessageSpec;
  callerIp: string;
  queueName?: string;
  scheduleId?: string;
  topicName?: string;
  endpointName?: string;
  kind?: MessageKind;
  parent?: Message;
  /**
   * The signature's `body` claim, when the caller already has it: the messages of a URL-group
   * publish share one body, so hashing it once serves them all. Otherwise the first attempt
   * computes it.
   */
  bodyClaim?: string;
}

/** Bytes of a message object besides its body, URL and configuration. */
const MESSAGE_BYTES = 512;

/**
 * QStash's default back-off: e^(2.5·n) seconds for the n-th retry, capped at one day.
 * @param retried - Retries already performed (0 before the first retry).
 * @returns Milliseconds.
 * @example
 * ```ts
 * import { qstashBackoff, startDevServer } from "@stashkit/dev-server";
 * qstashBackoff(0); // ≈ 12_182 ms (e^2.5 s)
 * // the same curve, 1000 times faster, for tests that exercise retries:
 * const dev = await startDevServer({ defaultRetryDelay: (retried) => qstashBackoff(retried) / 1000 });
 * ```
 */
export function qstashBackoff(retried: number): number {
  return Math.min(86_400, Math.exp(2.5 * (retried + 1))) * 1000;
}

/**
 * Moves every message through its life: wait for `notBefore`, queue slot,
 * flow-control allowance and a global concurrency slot; one signed attempt;
 * then delivered, retry later, or dead-lettered, with callbacks as messages of
 * their own. Exactly `1 + retries` attempts are made per message.
 *
 * @example
 * ```ts
 * const engine = new DeliveryEngine(deps, options);
 * const message = engine.accept({ url, body, spec, callerIp: "127.0.0.1" });
 * ```
 */
export class DeliveryEngine {
  readonly queues: QueueRegistry;
  readonly flow: FlowControlRegistry;
  readonly #messages = new Map<string, Message>();
  readonly #ready = new Fifo<Message>();
  readonly #deps: DeliveryEngineDeps;
  readonly #options: DeliveryEngineOptions;
  readonly #finishedListeners: ((message: Message) => void)[] = [];
  #inFlight = 0;
  #closed = false;

  /**
   * @param deps - Scheduler, HTTP sender, keys, log and DLQ.
   * @param options - Limits and back-off.
   */
  constructor(deps: DeliveryEngineDeps, options: DeliveryEngineOptions) {
    this.#deps = deps;
    this.#options = options;
    this.queues = new QueueRegistry((message) => {
      message.holdsQueueSlot = true;
      this.#wait(message);
    }, options.now);
    this.flow = new FlowControlRegistry(deps.scheduler, options.now, (message) => this.#enqueueReady(message));
  }

  /** Attempts in flight now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** A message that is not finished yet. */
  get(messageId: string): Message | undefined {
    return this.#messages.get(messageId);
  }

  /** Messages not finished yet. */
  live(): IterableIterator<Message> {
    return this.#messages.values();
  }

  /** Calls `listener` whenever a message is finished (delivered, failed or cancelled, callbacks done). */
  onFinished(listener: (message: Message) => void): void {
    this.#finishedListeners.push(listener);
  }

  /** Creates a message and starts its delivery. */
  accept(input: NewMessage): Message {
    const now = this.#options.now();
    const { spec } = input;
    const message: Message = {
      id: newMessageId(),
      kind: input.kind ?? "message",
      url: input.url,
      body: input.body,
      spec,
      retryDelay: spec.retryDelay === undefined ? undefined : parseRetryDelay(spec.retryDelay),
      timeoutMs: Math.min(spec.timeoutMs ?? this.#options.maxTimeoutMs, this.#options.maxTimeoutMs),
      callerIp: input.callerIp,
      createdAt: now,
      notBefore: spec.notBefore ?? now + spec.delayMs,
      queueName: input.queueName,
      scheduleId: input.scheduleId,
      topicName: input.topicName,
      endpointName: input.endpointName,
      retried: 0,
      state: "CREATED",
      phase: "new",
      cancelled: false,
      parent: input.parent,
      pendingChildren: 0,
      holdsQueueSlot: false,
      target: input.target,
      retainedBy: 0,
      retainedBytes: MESSAGE_BYTES + input.body.length + 2 * input.url.length + spec.headerBytes,
      bodyClaim: input.bodyClaim,
    };
    if (input.parent !== undefined) input.parent.pendingChildren += 1;
    this.#messages.set(message.id, message);
    this.#deps.events.record(message, "CREATED");
    if (this.#closed) return message;
    if (message.queueName !== undefined) this.queues.enqueue(message);
    else this.#wait(message);
    return message;
  }

  /**
   * Cancels a message that is not finished. A message in flight finishes its
   * current attempt but is not retried.
   * @returns false when the message is unknown or already settled.
   */
  cancel(messageId: string): boolean {
    const message = this.#messages.get(messageId);
    if (message === undefined || message.phase === "settled" || message.cancelled) return false;
    message.cancelled = true;
    this.#deps.events.record(message, "CANCEL_REQUESTED");
    this.#cancelNow(message);
    return true;
  }

  /**
   * Deletes a queue; its messages still waiting for a slot are cancelled.
   * @returns false when the queue is unknown.
   */
  deleteQueue(name: string): boolean {
    const waiting = this.queues.delete(name);
    if (waiting === undefined) return false;
    for (const message of waiting) {
      message.cancelled = true;
      this.#settle(message, "CANCELLED");
    }
    return true;
  }

  /** Stops every timer and aborts attempts in flight; messages stay where they are. */
  close(): void {
    this.#closed = true;
    this.#deps.scheduler.close();
    this.#deps.sender.close();
  }

  #cancelNow(message: Message): void {
    switch (message.phase) {
      case "queued":
        if (this.queues.remove(message)) this.#settle(message, "CANCELLED");
        return;
      case "waiting":
        if (message.timer !== undefined) this.#deps.scheduler.cancel(message.timer);
        this.#settle(message, "CANCELLED");
        return;
      case "flow":
        if (this.flow.remove(message)) this.#settle(message, "CANCELLED");
        return;
      case "new":
        this.#settle(message, "CANCELLED");
        return;
      default:
        // "ready" and "inflight" see the flag when they next look at the message.
        return;
    }
  }

  #wait(message: Message): void {
    if (message.cancelled) return this.#settle(message, "CANCELLED");
    if (this.#closed) return;
    // Due now (the common case): skip the timer heap and its extra event-loop turn.
    if (message.notBefore <= this.#options.now()) return this.#due(message);
    message.phase = "waiting";
    message.timer = this.#deps.scheduler.at(message.notBefore, () => this.#due(message));
  }

  #due(message: Message): void {
    message.timer = undefined;
    if (message.cancelled) return this.#settle(message, "CANCELLED");
    if (message.spec.flowControl !== undefined) this.flow.submit(message);
    else this.#enqueueReady(message);
  }

  #enqueueReady(message: Message): void {
    message.phase = "ready";
    this.#ready.push(message);
    this.#pump();
  }

  #pump(): void {
    while (!this.#closed && this.#inFlight < this.#options.maxConcurrency && this.#ready.length > 0) {
      const message = this.#ready.shift()!;
      if (message.cancelled) {
        if (message.spec.flowControl !== undefined) this.flow.release(message);
        this.#settle(message, "CANCELLED");
        continue;
      }
      this.#inFlight += 1;
      this.#attempt(message);
    }
  }

  #attempt(message: Message): void {
    message.phase = "inflight";
    message.state = "ACTIVE";
    this.#deps.events.record(message, "ACTIVE");
    message.attemptStartedAt = performance.now();
    let request: OutgoingRequest;
    try {
      message.target ??= requestTarget(new URL(message.url));
      const headers = deliveryHeaders(message, this.#deps.keys.current, this.#options.now());
      // The signature is always the last header (deliveryHeaders); live views show it per attempt.
      message.attemptSignature = headers[headers.length - 1];
      request = {
        origin: message.target.origin,
        path: message.target.path,
        method: message.spec.method,
        headers,
        body: message.body,
        timeoutMs: message.timeoutMs,
      };
    } catch (error) {
      return this.#attemptDone(message, errorOutcome(error instanceof Error ? error.message : "delivery failed"));
    }
    this.#deps.sender.send(request, message, this.#onOutcome);
  }

  // One function for every attempt, handed the message back: no closure per attempt.
  readonly #onOutcome = (message: Message, outcome: AttemptOutcome): void => this.#attemptDone(message, outcome);

  #attemptDone(message: Message, outcome: AttemptOutcome): void {
    outcome.durationMs = performance.now() - (message.attemptStartedAt ?? performance.now());
    outcome.signature = message.attemptSignature;
    this.#inFlight -= 1;
    try {
      if (message.spec.flowControl !== undefined) this.flow.release(message);
      if (!this.#closed) this.#afterAttempt(message, outcome);
    } catch (error) {
      this.#options.onError?.(error);
    } finally {
      try {
        this.#pump();
      } catch (error) {
        this.#options.onError?.(error);
      }
    }
  }

  #afterAttempt(message: Message, outcome: AttemptOutcome): void {
    const retried = message.retried;
    this.#spawnCallback(message, message.spec.callback, "callback", outcome, retried);
    if (isSuccess(outcome)) return this.#settle(message, "DELIVERED", outcome);
    this.#deps.events.record(message, "ERROR", { outcome });
    if (message.cancelled) return this.#settle(message, "CANCELLED");
    if (isNonRetryable(outcome) || retried >= message.spec.retries) return this.#fail(message, outcome);
    this.#scheduleRetry(message, outcome);
  }

  #scheduleRetry(message: Message, outcome: AttemptOutcome): void {
    const now = this.#options.now();
    // Whole milliseconds: timestamps in the API are integers, and rounding up never fires early.
    const delay = Math.ceil(retryAfterMs((name) => outcome.get(name), now) ?? this.#retryDelay(message));
    message.retried += 1;
    message.notBefore = now + delay;
    message.state = "RETRY";
    this.#deps.events.record(message, "RETRY", { nextDeliveryTime: message.notBefore, outcome });
    this.#wait(message);
  }

  #retryDelay(message: Message): number {
    if (message.retryDelay !== undefined) return message.retryDelay.evaluate(message.retried);
    return this.#options.defaultRetryDelay(message.retried);
  }

  #fail(message: Message, outcome: AttemptOutcome): void {
    const dlqId = this.#deps.dlq.add(message, outcome);
    this.#spawnCallback(message, message.spec.failureCallback, "failureCallback", outcome, message.retried, dlqId);
    this.#settle(message, "FAILED", outcome);
  }

  #spawnCallback(
    source: Message,
    callback: CallbackSpec | undefined,
    kind: "callback" | "failureCallback",
    outcome: AttemptOutcome,
    retried: number,
    dlqId?: string,
  ): void {
    if (callback === undefined || source.kind !== "message") return;
    const payload = callbackPayload(source, outcome, retried, dlqId);
    this.accept({
      kind,
      parent: source,
      url: callback.url,
      body: Buffer.from(JSON.stringify(payload)),
      spec: callbackSpec(source.spec, callback),
      callerIp: source.callerIp,
    });
  }

  #settle(message: Message, state: MessageState, outcome?: AttemptOutcome): void {
    if (message.phase === "settled") return;
    message.phase = "settled";
    message.state = state;
    this.#deps.events.record(message, state, outcome === undefined ? undefined : { outcome });
    this.#finishIfDone(message);
  }

  #finishIfDone(message: Message): void {
    if (message.phase !== "settled" || message.pendingChildren > 0) return;
    this.#messages.delete(message.id);
    for (const listener of this.#finishedListeners) listener(message);
    if (message.holdsQueueSlot) this.queues.release(message);
    const parent = message.parent;
    if (parent !== undefined) {
      parent.pendingChildren -= 1;
      this.#finishIfDone(parent);
    }
  }
}

/**
 * Where an attempt is sent: the URL's origin and its path with the query.
 * @param url - A parsed destination.
 */
export function requestTarget(url: URL): { origin: string; path: string } {
  return { origin: url.origin, path: `${url.pathname}${url.search}` };
}

/** The spec of a callback message: the callback's own settings, else the source's. */
function callbackSpec(source: MessageSpec, callback: CallbackSpec): MessageSpec {
  return {
    method: callback.method,
    contentType: "application/json",
    delayMs: callback.delayMs,
    retries: callback.retries ?? source.retries,
    retryDelay: callback.retryDelay ?? source.retryDelay,
    timeoutMs: callback.timeoutMs ?? source.timeoutMs,
    forwardHeaders: callback.forwardHeaders,
    sourceHeader: { "Content-Type": ["application/json"] },
    contentBasedDeduplication: false,
    labels: source.labels,
    rawHeaders: {},
    headerBytes: 256,
  };
}
