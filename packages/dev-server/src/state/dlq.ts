import { isUtf8 } from "node:buffer";
import type { Filter, FilterSubject } from "./filters.js";
import { newDlqId } from "../lib/ids.js";
import { SLICE, yieldToLoop } from "../lib/yieldToLoop.js";
import { JsonPage } from "./jsonPage.js";
import type { Message, MessageObject } from "./message.js";
import { messageSubject, toMessageObject } from "./message.js";
import type { AttemptOutcome } from "./responseRecord.js";
import type { RetainedRecord, RetentionBudget } from "./retention.js";

/** A message that exhausted its retries (or failed non-retryably). */
export interface DlqEntry extends RetainedRecord {
  dlqId: string;
  seq: number;
  time: number;
  message: Message;
  outcome: AttemptOutcome;
}

/** A page of DLQ entries and the cursor of the next page. */
export interface DlqPage {
  entries: DlqEntry[];
  cursor?: string;
}

/** Bytes of one DLQ entry besides the message and response it points to. */
const ENTRY_BYTES = 200;

/**
 * The dead-letter queue: failed messages kept until deleted or retried.
 *
 * @example
 * ```ts
 * const dlqId = dlq.add(message, outcome);
 * dlq.get(dlqId);
 * ```
 */
export class DeadLetterQueue {
  readonly #entries = new Map<string, DlqEntry>();
  #seq = 0;
  readonly #now: () => number;
  readonly #budget: RetentionBudget;

  /**
   * @param budget - Byte budget shared with the log; evicts the oldest entries.
   * @param now - Clock, Unix ms.
   */
  constructor(budget: RetentionBudget, now: () => number = Date.now) {
    this.#budget = budget;
    this.#now = now;
  }

  /** Number of entries. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Stores a failed message with its last response.
   * @returns The new DLQ id.
   */
  add(message: Message, outcome: AttemptOutcome): string {
    const time = this.#now();
    const dlqId = newDlqId(time);
    this.#seq += 1;
    const entries = this.#entries;
    const entry: DlqEntry = {
      dlqId,
      seq: this.#seq,
      time,
      message,
      outcome,
      ownBytes: ENTRY_BYTES,
      budgeted: false,
      evict: () => void entries.delete(dlqId),
    };
    entries.set(dlqId, entry);
    this.#budget.retain(entry);
    return dlqId;
  }

  /** The entry, or `undefined`. */
  get(dlqId: string): DlqEntry | undefined {
    return this.#entries.get(dlqId);
  }

  /** The entry of a message, if it is in the DLQ. */
  forMessage(messageId: string): DlqEntry | undefined {
    for (const entry of this.#entries.values()) if (entry.message.id === messageId) return entry;
    return undefined;
  }

  /** Deletes one entry; false when unknown. */
  delete(dlqId: string): boolean {
    const entry = this.#entries.get(dlqId);
    if (entry === undefined) return false;
    this.#entries.delete(dlqId);
    this.#budget.release(entry);
    return true;
  }

  /**
   * Oldest-first page of entries matching `filter`, at most `count` of them. Long scans yield
   * to the event loop.
   * @param filter - Compiled for the `dlq` scope.
   * @param cursor - From a previous page.
   * @param count - Page size.
   */
  async page(filter: Filter, cursor: string | null, count: number): Promise<DlqPage> {
    const after = Number(cursor ?? Number.NaN);
    const entries: DlqEntry[] = [];
    let scanned = 0;
    // Map iteration survives deletions made while this scan waits.
    for (const entry of this.#entries.values()) {
      if ((scanned += 1) % SLICE === 0) await yieldToLoop();
      if (Number.isFinite(after) && entry.seq < after) continue;
      if (!filter.matches(dlqSubject(entry))) continue;
      if (entries.length === count) return { entries, cursor: String(entry.seq) };
      entries.push(entry);
    }
    return { entries };
  }

  /**
   * A page as `GET /v2/dlq` answers it: entries in the order of `page`, cut at
   * {@link PAGE_BYTES} of JSON so it can always be built and sent.
   * @param page - From {@link DeadLetterQueue.page}.
   * @returns The JSON body.
   */
  static toJson(page: DlqPage): string {
    const json = new JsonPage(page.entries.length || 1);
    for (const entry of page.entries) {
      if (!json.add(toDlqObject(entry))) return json.toJson("messages", String(entry.seq));
    }
    return json.toJson("messages", page.cursor);
  }
}

/** The filterable view of a DLQ entry (dates compare against the time it failed). */
export function dlqSubject(entry: DlqEntry): FilterSubject {
  return {
    ...messageSubject(entry.message, entry.time),
    responseStatus: entry.outcome.status,
    state: "FAILED",
    dlqId: entry.dlqId,
  };
}

/**
 * JSON shape of a DLQ entry (wire spec 6.5): the message object plus the last response.
 * @param entry - The entry.
 */
export function toDlqObject(entry: DlqEntry): MessageObject {
  const { outcome } = entry;
  const responseBody =
    outcome.body.length === 0
      ? {}
      : isUtf8(outcome.body)
        ? { responseBody: outcome.body.toString("utf8") }
        : { responseBodyBase64: outcome.body.toString("base64") };
  return {
    ...toMessageObject(entry.message),
    dlqId: entry.dlqId,
    responseStatus: outcome.status,
    responseHeader: outcome.header,
    ...responseBody,
    error: outcome.error,
  };
}
