import { canonicalHeaderName } from "../protocol/headerNames.js";

/** What a destination answered on one attempt, or why no answer came. */
export interface AttemptOutcome {
  /** HTTP status; `undefined` when the attempt failed before a response. */
  status?: number;
  /** Response headers, canonical names → values (the JSON `header` shape). */
  header: Record<string, string[]>;
  body: Buffer;
  /** Network/timeout error text when there was no response. */
  error?: string;
  /** Case-insensitive lookup of a response header. */
  get(name: string): string | undefined;
  /** Log and DLQ entries holding this response (it counts once against the byte budget). */
  retainedBy: number;
  /** What keeping the response costs: body and headers. */
  retainedBytes: number;
}

/** Bytes of an outcome besides its body and header text. */
const OUTCOME_BYTES = 256;

/**
 * Builds an {@link AttemptOutcome} from Node's flat `rawHeaders` list.
 * @param status - Response status.
 * @param rawHeaders - `[name, value, name, value, …]` as Node delivers them.
 * @param body - Response body (possibly truncated).
 */
export function responseOutcome(status: number, rawHeaders: string[], body: Buffer): AttemptOutcome {
  const header: Record<string, string[]> = {};
  const lower = new Map<string, string>();
  let bytes = OUTCOME_BYTES + body.length;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const value = rawHeaders[i + 1]!;
    bytes += 2 * (name.length + value.length);
    (header[canonicalHeaderName(name)] ??= []).push(value);
    if (!lower.has(name.toLowerCase())) lower.set(name.toLowerCase(), value);
  }
  return { status, header, body, get: (name) => lower.get(name.toLowerCase()), retainedBy: 0, retainedBytes: bytes };
}

/**
 * An outcome for an attempt that got no response (refused, reset, timed out).
 * @param error - Short description of the failure.
 */
export function errorOutcome(error: string): AttemptOutcome {
  return { header: {}, body: Buffer.alloc(0), error, get: () => undefined, retainedBy: 0, retainedBytes: OUTCOME_BYTES + error.length };
}

/** Whether the outcome is a 2xx response. */
export function isSuccess(outcome: AttemptOutcome): boolean {
  return outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300;
}

/** Whether the destination declared the failure final (`489` + `Upstash-NonRetryable-Error: true`). */
export function isNonRetryable(outcome: AttemptOutcome): boolean {
  return outcome.status === 489 && outcome.get("upstash-nonretryable-error")?.trim().toLowerCase() === "true";
}
