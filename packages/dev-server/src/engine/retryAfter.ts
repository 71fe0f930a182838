import { MAX_RESPONSE_DELAY_MS } from "../defaults.js";
import { parseGoDuration } from "../protocol/serverDuration.js";

/** Response headers that may name the next retry time, in order of precedence. */
const RETRY_HEADERS = [
  "retry-after",
  "x-ratelimit-reset",
  "x-ratelimit-reset-requests",
  "x-ratelimit-reset-tokens",
] as const;

/** Delay named by one header value, or `undefined` when unparsable. */
function parseOne(value: string, now: number): number | undefined {
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const go = parseGoDuration(text);
  if (go !== undefined) return go;
  if (/[a-z]{3},/i.test(text)) {
    const date = Date.parse(text);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  return undefined;
}

/**
 * Reads the retry delay a failed destination asked for through `Retry-After`,
 * `X-RateLimit-Reset`, `X-RateLimit-Reset-Requests` or `X-RateLimit-Reset-Tokens`
 * (integer seconds, RFC 1123 date, or Go duration). Values over one day are
 * ignored, as QStash does, so the default back-off applies.
 *
 * @param header - Case-insensitive lookup of the response headers.
 * @param now - Current time, Unix ms.
 * @returns Milliseconds to wait, or `undefined` when no usable header is present.
 * @example
 * ```ts
 * retryAfterMs((name) => ({ "retry-after": "2" })[name], Date.now()); // 2000
 * ```
 */
export function retryAfterMs(
  header: (name: string) => string | undefined,
  now: number,
): number | undefined {
  for (const name of RETRY_HEADERS) {
    const value = header(name);
    if (value === undefined) continue;
    const delay = parseOne(value, now);
    if (delay === undefined) continue;
    return delay > MAX_RESPONSE_DELAY_MS ? undefined : delay;
  }
  return undefined;
}
