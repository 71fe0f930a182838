import { InvalidOptionError } from "../errors.js";

/**
 * How the client retries calls to the QStash API. Pass `false` to disable
 * retries entirely.
 *
 * @example
 * ```ts
 * new Client({ token, retry: { retries: 5, backoff: (attempt) => 200 * 2 ** attempt } })
 * new Client({ token, retry: false })
 * ```
 */
export interface RetryOptions {
  /**
   * Retries after the first attempt.
   * @default 3
   */
  retries?: number;
  /**
   * Delay in ms before retry number `attempt + 1` (`attempt` is 0 before the
   * first retry). Used when the server sends no usable `Retry-After`.
   * @param attempt - 0-based index of the retry about to be made
   * @default exponential from 100 ms, doubling, capped at 5 s, with jitter (50–100 %)
   */
  backoff?: (attempt: number) => number;
  /**
   * Longest `Retry-After` (ms) the client is willing to wait. A longer one
   * ends the retries and the 429/5xx is thrown as a `QStashHttpError`.
   * @default 60_000
   */
  maxRetryAfter?: number;
}

/** Retry settings after defaults are applied. */
export interface ResolvedRetry {
  retries: number;
  backoff: (attempt: number) => number;
  maxRetryAfter: number;
}

const BASE_DELAY_MS = 100;
const MAX_DELAY_MS = 5_000;

/**
 * Exponential back-off with jitter: 100 ms · 2^attempt capped at 5 s, then a
 * random 50–100 % of it so that many clients failing together spread out.
 */
export function defaultBackoff(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempt));
  return Math.round(ceiling * (0.5 + random() / 2));
}

/**
 * Applies defaults to `retry` and validates it.
 * @throws InvalidOptionError `ERR_INVALID_OPTION` for a negative or fractional `retries`.
 */
export function resolveRetry(retry: RetryOptions | false | undefined): ResolvedRetry {
  if (retry === false) return { retries: 0, backoff: () => 0, maxRetryAfter: 0 };
  const retries = retry?.retries;
  if (retries !== undefined && !(Number.isInteger(retries) && retries >= 0)) {
    throw new InvalidOptionError("retry.retries", "must be a non-negative integer");
  }
  return {
    retries: retry?.retries ?? 3,
    backoff: retry?.backoff ?? ((attempt) => defaultBackoff(attempt)),
    maxRetryAfter: retry?.maxRetryAfter ?? 60_000,
  };
}

/**
 * Reads `Retry-After` as delay-seconds or an HTTP date, relative to `now`.
 * Returns ms (≥ 0), or `undefined` when absent or unparsable.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Only RFC 1123-like dates (they contain a letter); Date.parse would otherwise accept "1.5".
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Statuses worth retrying for calls that are safe to repeat. */
const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Whether a response status may be retried. A 429 means the server refused the
 * request before acting on it, so even a non-idempotent call (a publish
 * without deduplication) is retried; a 5xx might come after the message was
 * accepted, so only idempotent calls are.
 */
export function isRetryableStatus(status: number, idempotent: boolean): boolean {
  if (status === 429) return true;
  return idempotent && RETRYABLE_STATUSES.has(status);
}

/**
 * Error codes that prove the request never reached the server: nothing was
 * sent, so a retry cannot duplicate anything.
 */
const PRE_SEND_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
]);

/** Collects `code`s along a `cause` chain, including `AggregateError` members (happy eyeballs). */
function errorCodes(error: unknown, depth = 0): string[] {
  if (typeof error !== "object" || error === null || depth > 5) return [];
  const own = (error as { code?: unknown }).code;
  const codes = typeof own === "string" ? [own] : [];
  const members = error instanceof AggregateError ? error.errors : [];
  for (const member of members) codes.push(...errorCodes(member, depth + 1));
  codes.push(...errorCodes((error as { cause?: unknown }).cause, depth + 1));
  return codes;
}

/**
 * Whether a fetch failure may be retried. Idempotent calls retry any network
 * failure. Other calls retry only failures that happened before a connection
 * existed: a reset or timeout after the body was sent may follow an accepted
 * publish, and retrying it could deliver the message twice.
 */
export function isRetryableNetworkError(error: unknown, idempotent: boolean): boolean {
  if (idempotent) return true;
  const codes = errorCodes(error);
  return codes.length > 0 && codes.every((code) => PRE_SEND_CODES.has(code));
}
