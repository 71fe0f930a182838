import { EventEmitter } from "node:events";
import { compileFilter, pageSize } from "./filters.js";
import type { Message, MessageState } from "./message.js";
import { messageSubject } from "./message.js";
import { redactedBody, redactHeaders } from "../protocol/redaction.js";
import type { AttemptOutcome } from "./responseRecord.js";

/** One state change of one message. */
export interface LogEntry {
  seq: number;
  time: number;
  state: MessageState;
  message: Message;
  nextDeliveryTime?: number;
  outcome?: AttemptOutcome;
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
    header: redactHeaders(spec.storedHeader, spec.redact),
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
 * The message log behind `GET /v2/events` and `GET /v2/logs`: a bounded,
 * newest-last list of state changes, plus an `event` emitter for live views.
 *
 * @example
 * ```ts
 * log.on("event", (event) => console.log(event.state, event.messageId));
 * ```
 */
export class EventLog extends EventEmitter {
  #entries: LogEntry[] = [];
  #seq = 0;
  readonly #watchers = new Set<(entry: LogEntry) => void>();
  readonly #max: number;
  readonly #now: () => number;

  /**
   * @param max - Entries kept; older ones are dropped first. @default 100_000
   * @param now - Clock, Unix ms.
   */
  constructor(max = 100_000, now: () => number = Date.now) {
    super();
    this.#max = max;
    this.#now = now;
  }

  /** Records a state change and emits it as `event` when someone listens. */
  record(message: Message, state: MessageState, detail: LogDetail = {}): void {
    this.#seq += 1;
    const entry: LogEntry = { seq: this.#seq, time: this.#now(), state, message, ...detail };
    this.#entries.push(entry);
    if (this.#entries.length > this.#max * 1.25) this.#entries = this.#entries.slice(-this.#max);
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

  /** The entries kept, oldest first. Callers must not modify them. */
  entries(): readonly LogEntry[] {
    return this.#entries;
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

  /**
   * One page of the log, newest first unless `order=earliestFirst`.
   * @param query - Filters, `count`, `cursor`, `order`.
   * @returns The page and the cursor of the next one (absent on the last page).
   */
  list(query: URLSearchParams): { events: LogObject[]; cursor?: string } {
    const filter = compileFilter(query, "messageIds");
    const count = pageSize(query, 100, 1000);
    const earliestFirst = query.get("order") === "earliestFirst";
    const cursor = Number(query.get("cursor") ?? Number.NaN);
    const page: LogObject[] = [];
    const entries = this.#entries;
    const step = earliestFirst ? 1 : -1;
    for (let i = earliestFirst ? 0 : entries.length - 1; i >= 0 && i < entries.length; i += step) {
      const entry = entries[i]!;
      if (Number.isFinite(cursor) && (earliestFirst ? entry.seq < cursor : entry.seq > cursor)) continue;
      const subject = { ...messageSubject(entry.message, entry.time), state: entry.state };
      if (!filter.matches(subject)) continue;
      if (page.length === count) return { events: page, cursor: String(entry.seq) };
      page.push(toLogObject(entry));
    }
    return { events: page };
  }
}
