import { canonicalHeaderName } from "../protocol/headerNames.js";

/** Bytes of an outcome besides its body and header text. */
const OUTCOME_BYTES = 256;

/**
 * What a destination answered on one attempt, or why no answer came. The `header` map is
 * built on first use: most responses (a 2xx with no callback) are never shown.
 */
export class AttemptOutcome {
  /** HTTP status; `undefined` when the attempt failed before a response. */
  readonly status: number | undefined;
  readonly body: Buffer;
  /** Network/timeout error text when there was no response. */
  readonly error: string | undefined;
  /** Log and DLQ entries holding this response (it counts once against the byte budget). */
  retainedBy = 0;
  /** What keeping the response costs: body and headers. */
  readonly retainedBytes: number;
  /** Time from the start of the attempt (signing included) to its outcome, ms. */
  durationMs?: number;
  /** The `Upstash-Signature` the attempt was sent with. */
  signature?: string;
  readonly #raw: string[];
  #header: Record<string, string[]> | undefined;

  /**
   * @param status - Response status, or `undefined` without a response.
   * @param raw - `[name, value, name, value, …]` as received.
   * @param body - Response body (possibly truncated).
   * @param error - Why there was no response.
   */
  constructor(status: number | undefined, raw: string[], body: Buffer, error?: string) {
    this.status = status;
    this.#raw = raw;
    this.body = body;
    this.error = error;
    let bytes = OUTCOME_BYTES + body.length + (error?.length ?? 0);
    for (const item of raw) bytes += 2 * item.length;
    this.retainedBytes = bytes;
  }

  /** Response headers, canonical names → values (the JSON `header` shape). */
  get header(): Record<string, string[]> {
    if (this.#header !== undefined) return this.#header;
    const header: Record<string, string[]> = {};
    for (let i = 0; i + 1 < this.#raw.length; i += 2) (header[canonicalHeaderName(this.#raw[i]!)] ??= []).push(this.#raw[i + 1]!);
    this.#header = header;
    return header;
  }

  /**
   * Case-insensitive lookup of a response header (the first value).
   * @param name - Lower-case header name.
   */
  get(name: string): string | undefined {
    for (let i = 0; i + 1 < this.#raw.length; i += 2) if (this.#raw[i]!.toLowerCase() === name) return this.#raw[i + 1];
    return undefined;
  }
}

/**
 * Builds an {@link AttemptOutcome} from a flat raw header list.
 * @param status - Response status.
 * @param rawHeaders - `[name, value, name, value, …]` as received.
 * @param body - Response body (possibly truncated).
 */
export function responseOutcome(status: number, rawHeaders: string[], body: Buffer): AttemptOutcome {
  return new AttemptOutcome(status, rawHeaders, body);
}

const EMPTY = Buffer.alloc(0);

/**
 * An outcome for an attempt that got no response (refused, reset, timed out).
 * @param error - Short description of the failure.
 */
export function errorOutcome(error: string): AttemptOutcome {
  return new AttemptOutcome(undefined, [], EMPTY, error);
}

/** Whether the outcome is a 2xx response. */
export function isSuccess(outcome: AttemptOutcome): boolean {
  return outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300;
}

/** Whether the destination declared the failure final (`489` + `Upstash-NonRetryable-Error: true`). */
export function isNonRetryable(outcome: AttemptOutcome): boolean {
  return outcome.status === 489 && outcome.get("upstash-nonretryable-error")?.trim().toLowerCase() === "true";
}
