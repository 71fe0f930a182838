import { isUtf8 } from "node:buffer";
import type { Filter, FilterSubject } from "./filters.js";
import { newDlqId } from "../lib/ids.js";
import type { Message, MessageObject } from "./message.js";
import { messageSubject, toMessageObject } from "./message.js";
import type { AttemptOutcome } from "./responseRecord.js";

/** A message that exhausted its retries (or failed non-retryably). */
export interface DlqEntry {
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

  /** @param now - Clock, Unix ms. */
  constructor(now: () => number = Date.now) {
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
    this.#entries.set(dlqId, { dlqId, seq: this.#seq, time, message, outcome });
    return dlqId;
  }

  /** The entry, or `undefined`. */
  get(dlqId: string): DlqEntry | undefined {
    return this.#entries.get(dlqId);
  }

  /** Deletes one entry; false when unknown. */
  delete(dlqId: string): boolean {
    return this.#entries.delete(dlqId);
  }

  /**
   * Oldest-first page of entries matching `filter`.
   * @param filter - Compiled with `dlqIds` as the ids key.
   * @param cursor - From a previous page.
   * @param count - Page size.
   */
  page(filter: Filter, cursor: string | null, count: number): DlqPage {
    const after = Number(cursor ?? Number.NaN);
    const entries: DlqEntry[] = [];
    for (const entry of this.#entries.values()) {
      if (Number.isFinite(after) && entry.seq < after) continue;
      if (!filter.matches(dlqSubject(entry))) continue;
      if (entries.length === count) return { entries, cursor: String(entry.seq) };
      entries.push(entry);
    }
    return { entries };
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
