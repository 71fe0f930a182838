import { EventEmitter } from "node:events";
import { SLICE, yieldToLoop } from "../lib/yieldToLoop.js";
import { compileFilter, pageSize } from "./filters.js";
import { JsonPage } from "./jsonPage.js";
import type { Message, MessageState } from "./message.js";
import { listedHeader, messageSubject } from "./message.js";
import { redactedBody } from "../protocol/redaction.js";
import type { AttemptOutcome } from "./responseRecord.js";
import type { RetainedRecord } from "./retention.js";
import { RetentionBudget } from "./retention.js";

/** Bytes of one log entry besides the message and response it points to. */
const ENTRY_BYTES = 160;

/** One state change of one message, as live views read it. */
export interface LogEntry {
  readonly seq: number;
  readonly time: number;
  readonly state: MessageState;
  readonly message: Message;
  readonly nextDeliveryTime?: number | undefined;
  readonly outcome?: AttemptOutcome | undefined;
}

/** A log entry as the log keeps it, counted against the byte budget. */
class StoredEntry implements LogEntry, RetainedRecord {
  readonly ownBytes = ENTRY_BYTES;
  evicted = false;
  budgeted = false;

  constructor(
    readonly log: EventLog,
    readonly seq: number,
    readonly time: number,
    readonly state: MessageState,
    readonly message: Message,
    readonly nextDeliveryTime: number | undefined,
    readonly outcome: AttemptOutcome | undefined,
  ) {}

  evict(): void {
    this.evicted = true;
    this.log.dropEvicted();
  }
}

/** JSON shape of a log entry (wire spec 6.6), also emitted as the `event` event. */
export type LogObject = Record<string, unknown>;

/** Extra detail of a state change. */
export interface LogDetail {
  nextDeliveryTime?: number;
  outcome?: AttemptOutcome;
}

function base64(body: Buffer | undefined): string | undefined {
  return body === undefined || body.length === 0 ? undefined : body.toString("base64");
}

function toLogObject(entry: LogEntry): LogObject {
  const { message, outcome } = entry;
  const { spec } = message;
  return {
    time: entry.time,
    messageId: message.id,
    state: entry.state,
    kind: message.kind,
    error: outcome?.error,
    nextDeliveryTime: entry.nextDeliveryTime,
    url: message.url,
    topicName: message.topicName,
    endpointName: message.endpointName,
    scheduleId: message.scheduleId,
    queueName: message.queueName,
    header: listedHeader(spec),
    body: redactedBody(message.body, spec.redact) ?? base64(message.body),
    responseStatus: outcome?.status,
    responseBody: base64(outcome?.body),
    responseHeaders: outcome === undefined ? undefined : outcome.header,
    timeout: message.timeoutMs,
    method: spec.method,
    callback: spec.callback?.url,
    callbackHeaders: spec.callback?.forwardHeaders,
    failureCallback: spec.failureCallback?.url,
    failureCallbackHeaders: spec.failureCallback?.forwardHeaders,
    maxRetries: spec.retries,
    retried: message.retried,
    retryDelayExpression: spec.retryDelay,
    label: spec.labels[0],
    labels: spec.labels.length > 0 ? spec.labels : undefined,
    flowControlKey: spec.flowControl?.key,
    callerIp: message.callerIp,
  };
}

/**
 * The message log behind `GET /v2/events` and `GET /v2/logs`: newest-last state changes,
 * bounded by the shared byte budget and by `maxEvents`, plus an `event` emitter for live views.
 *
 * @example
 * ```ts
 * log.on("event", (event) => console.log(event.state, event.messageId));
 * ```
 */
export class EventLog extends EventEmitter {
  #entries: StoredEntry[] = [];
  #head = 0;
  #seq = 0;
  readonly #watchers = new Set<(entry: LogEntry) => void>();
  readonly #max: number;
  readonly #now: () => number;
  readonly #budget: RetentionBudget;

  /**
   * @param budget - Byte budget shared with the DLQ; evicts the oldest entries. @default a budget of its own (256 MiB)
   * @param max - Entries kept at most; older ones are dropped first. @default 100_000
   * @param now - Clock, Unix ms.
   */
  constructor(budget: RetentionBudget = new RetentionBudget(), max = 100_000, now: () => number = Date.now) {
    super();
    this.#budget = budget;
    this.#max = max;
    this.#now = now;
  }

  /** Entries kept now. */
  get size(): number {
    return this.#entries.length - this.#head;
  }

  /** Records a state change and emits it as `event` when someone listens. */
  record(message: Message, state: MessageState, detail?: LogDetail): void {
    this.#seq += 1;
    const entry = new StoredEntry(this, this.#seq, this.#now(), state, message, detail?.nextDeliveryTime, detail?.outcome);
    this.#entries.push(entry);
    if (this.size > this.#max) {
      const oldest = this.#entries[this.#head]!;
      this.#budget.release(oldest);
      oldest.evicted = true;
      this.dropEvicted();
    }
    this.#budget.retain(entry);
    if (this.listenerCount("event") > 0) this.emit("event", toLogObject(entry));
    if (this.#watchers.size > 0) for (const watcher of this.#watchers) watcher(entry);
  }

  /** Watchers added with {@link watch} and not yet removed. */
  get watcherCount(): number {
    return this.#watchers.size;
  }

  /** Sequence number of the newest entry (0 before the first). */
  get lastSeq(): number {
    return this.#seq;
  }

  /** The entries kept, oldest first (a copy: eviction trims the log's own array in place). */
  entries(): readonly LogEntry[] {
    return this.#entries.slice(this.#head);
  }

  /**
   * Calls `watcher` with each new entry as recorded, without building its JSON
   * object (live views derive only the few fields they show).
   * @returns A function that stops watching.
   */
  watch(watcher: (entry: LogEntry) => void): () => void {
    this.#watchers.add(watcher);
    return () => this.#watchers.delete(watcher);
  }

  /** @internal Advances past evicted entries (the budget evicts oldest first, so they are at the front). */
  dropEvicted(): void {
    while (this.#head < this.#entries.length && this.#entries[this.#head]!.evicted) {
      this.#entries[this.#head] = undefined as unknown as StoredEntry;
      this.#head += 1;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head);
      this.#head = 0;
    }
  }

  /**
   * One page of the log, newest first unless `order=earliestFirst`, at most `count` entries and
   * {@link PAGE_BYTES} of JSON. Long scans yield to the event loop.
   * @param query - Filters, `count`, `cursor`, `order`.
   * @returns The page and the cursor of the next one (absent on the last page).
   * @throws ApiError (400) for an unknown filter field or a malformed value.
   */
  async list(query: URLSearchParams): Promise<{ page: JsonPage; cursor?: string }> {
    const filter = compileFilter(query, "events");
    const page = new JsonPage(pageSize(query, 100, 1000));
    const earliestFirst = query.get("order") === "earliestFirst";
    const step = earliestFirst ? 1 : -1;
    const from = Number(query.get("cursor") ?? Number.NaN);
    let seq = Number.isFinite(from) ? Math.trunc(from) : earliestFirst ? 0 : this.#seq;
    for (let scanned = 1; ; scanned += 1) {
      const entry = this.#at(seq, earliestFirst);
      if (entry === undefined) return { page };
      seq = entry.seq + step;
      if (!filter.matches({ ...messageSubject(entry.message, entry.time), state: entry.state })) {
        if (scanned % SLICE === 0) await yieldToLoop();
        continue;
      }
      if (!page.add(toLogObject(entry))) return { page, cursor: String(entry.seq) };
    }
  }

  /** The entry with `seq`, or the nearest one in the walking direction; undefined past the end. */
  #at(seq: number, forward: boolean): StoredEntry | undefined {
    const first = this.#entries[this.#head];
    if (first === undefined) return undefined;
    const last = this.#entries[this.#entries.length - 1]!;
    const target = forward ? Math.max(seq, first.seq) : Math.min(seq, last.seq);
    if (target < first.seq || target > last.seq) return undefined;
    // Sequence numbers are consecutive and eviction only trims the front, so the index is arithmetic.
    return this.#entries[this.#head + (target - first.seq)];
  }
}
