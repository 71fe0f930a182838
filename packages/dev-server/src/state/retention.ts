/** Default of `maxRetainedBytes`: what the log, the DLQ and the response records may hold together. */
export const DEFAULT_MAX_RETAINED_BYTES = 256 * 1024 * 1024;

/**
 * Something several history records point to (a message body, a response): its bytes
 * count once, for as long as at least one retained record points to it.
 */
export interface SharedPayload {
  /** Retained records pointing here; managed by {@link RetentionBudget}. */
  retainedBy: number;
  /** Bytes the payload keeps alive. */
  readonly retainedBytes: number;
}

/** One history record: a log entry or a DLQ entry. */
export interface RetainedRecord {
  /** Bytes of the record itself, without its payloads. */
  readonly ownBytes: number;
  /** The message it is about (body, URL, headers). */
  readonly message: SharedPayload;
  /** The response it holds, if any. */
  readonly outcome?: SharedPayload | undefined;
  /** Drops the record from its store; called when the budget evicts it. */
  evict(): void;
  /** Whether the budget counts the record now; set by {@link RetentionBudget} only. */
  budgeted: boolean;
}

/**
 * One byte budget for everything the server keeps for history: the event log, the DLQ and
 * the response bodies they hold. When a new record takes the total over the limit, the oldest
 * records, whatever their store, are evicted first. A body shared by a message's log entries
 * and its DLQ entry counts once.
 *
 * @example
 * ```ts
 * const budget = new RetentionBudget(64 * 1024 * 1024);
 * budget.retain(record);  // may evict older records
 * budget.release(record); // the store dropped it (e.g. a DLQ delete)
 * ```
 */
export class RetentionBudget {
  // Oldest first. A released record stays in its slot (its flag cleared) until the front passes
  // it or the holes outnumber the live records: a record is counted on every state change of
  // every message, so membership is a flag on the record, not a Set lookup.
  #records: (RetainedRecord | undefined)[] = [];
  #head = 0;
  #live = 0;
  readonly #max: number;
  #bytes = 0;

  /** @param maxBytes - The budget. @default 268_435_456 (256 MiB) */
  constructor(maxBytes = DEFAULT_MAX_RETAINED_BYTES) {
    this.#max = maxBytes;
  }

  /** Bytes retained now. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Counts a new record, then evicts the oldest records while over budget (possibly this one). */
  retain(record: RetainedRecord): void {
    if (record.budgeted) return;
    record.budgeted = true;
    this.#live += 1;
    this.#bytes += record.ownBytes;
    this.#count(record.message);
    if (record.outcome !== undefined) this.#count(record.outcome);
    this.#records.push(record);
    while (this.#bytes > this.#max) {
      const oldest = this.#shift();
      if (oldest === undefined) break;
      this.#uncount(oldest);
      oldest.evict();
    }
  }

  /** Stops counting a record its store removed; a no-op for one already evicted or released. */
  release(record: RetainedRecord): void {
    if (!record.budgeted) return;
    this.#uncount(record);
    // Stores release their oldest records most of the time: keep the front free of holes.
    this.#skipReleased();
    const slots = this.#records.length - this.#head;
    if (slots > 1024 && slots > 2 * this.#live) {
      this.#records = this.#records.slice(this.#head).filter((item) => item!.budgeted);
      this.#head = 0;
    }
  }

  /** The oldest record still counted, taken off the list (its flag still set). */
  #shift(): RetainedRecord | undefined {
    this.#skipReleased();
    if (this.#head === this.#records.length) return undefined;
    const record = this.#records[this.#head]!;
    this.#records[this.#head] = undefined;
    this.#head += 1;
    this.#compact();
    return record;
  }

  #skipReleased(): void {
    const records = this.#records;
    while (this.#head < records.length && !records[this.#head]!.budgeted) {
      records[this.#head] = undefined;
      this.#head += 1;
    }
    this.#compact();
  }

  #compact(): void {
    if (this.#head === this.#records.length) {
      this.#records = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#records.length) {
      this.#records = this.#records.slice(this.#head);
      this.#head = 0;
    }
  }

  #uncount(record: RetainedRecord): void {
    record.budgeted = false;
    this.#live -= 1;
    this.#bytes -= record.ownBytes;
    this.#uncountPayload(record.message);
    if (record.outcome !== undefined) this.#uncountPayload(record.outcome);
  }

  #count(payload: SharedPayload): void {
    if (payload.retainedBy++ === 0) this.#bytes += payload.retainedBytes;
  }

  #uncountPayload(payload: SharedPayload): void {
    if (--payload.retainedBy === 0) this.#bytes -= payload.retainedBytes;
  }
}
