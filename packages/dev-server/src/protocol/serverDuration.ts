const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  "µs": 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const HEADER_DURATION = /^(?:\d+(?:\.\d+)?(?:d|h|m|s))+$/;
const GO_DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/g;

function sumParts(text: string): number {
  let total = 0;
  for (const match of text.matchAll(PART)) total += Number(match[1]) * UNIT_MS[match[2]!]!;
  return total;
}

/**
 * Parses a duration header (`Upstash-Delay`, `Upstash-Timeout`, flow-control
 * `period`) the lenient way the server must accept: compound `1d10h30m`,
 * decimal `1.5s` (the SDK sends unrounded timeouts) and a bare integer of seconds.
 *
 * @param value - Header text.
 * @returns Milliseconds, or `undefined` when the text is not a duration.
 * @example
 * ```ts
 * parseHeaderDuration("1m30s"); // 90_000
 * parseHeaderDuration("10");    // 10_000
 * ```
 */
export function parseHeaderDuration(value: string): number | undefined {
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!HEADER_DURATION.test(text)) return undefined;
  return sumParts(text);
}

/**
 * Parses a Go-style duration (`6m5s`, `250ms`, `1h`), the form some APIs put
 * in `Retry-After`-like headers.
 *
 * @param value - Header text.
 * @returns Milliseconds, or `undefined` when the text is not a Go duration.
 * @example
 * ```ts
 * parseGoDuration("6m5s"); // 365_000
 * ```
 */
export function parseGoDuration(value: string): number | undefined {
  const text = value.trim();
  if (!GO_DURATION.test(text)) return undefined;
  return sumParts(text);
}
