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
  /** Time from the start of the attempt (signing included) to its outcome, ms. */
  durationMs?: number;
  /** The `Upstash-Signature` the attempt was sent with. */
  signature?: string;
  /** Case-insensitive lookup of a response header. */
  get(name: string): string | undefined;
}

/**
 * Builds an {@link AttemptOutcome} from Node's flat `rawHeaders` list.
 * @param status - Response status.
 * @param rawHeaders - `[name, value, name, value, …]` as Node delivers them.
 * @param body - Response body (possibly truncated).
 */
export function responseOutcome(status: number, rawHeaders: string[], body: Buffer): AttemptOutcome {
  const header: Record<string, string[]> = {};
  const lower = new Map<string, string>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    const value = rawHeaders[i + 1]!;
    (header[canonicalHeaderName(name)] ??= []).push(value);
    if (!lower.has(name.toLowerCase())) lower.set(name.toLowerCase(), value);
  }
  return { status, header, body, get: (name) => lower.get(name.toLowerCase()) };
}

/**
 * An outcome for an attempt that got no response (refused, reset, timed out).
 * @param error - Short description of the failure.
 */
export function errorOutcome(error: string): AttemptOutcome {
  return { header: {}, body: Buffer.alloc(0), error, get: () => undefined };
}

/** Whether the outcome is a 2xx response. */
export function isSuccess(outcome: AttemptOutcome): boolean {
  return outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300;
}

/** Whether the destination declared the failure final (`489` + `Upstash-NonRetryable-Error: true`). */
export function isNonRetryable(outcome: AttemptOutcome): boolean {
  return outcome.status === 489 && outcome.get("upstash-nonretryable-error")?.trim().toLowerCase() === "true";
}
