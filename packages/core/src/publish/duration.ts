import { InvalidOptionError } from "../errors.js";

/**
 * A QStash duration: whole seconds as a number, or a string of `<integer><unit>`
 * parts with units `d`, `h`, `m`, `s` in descending order (`"5s"`, `"2m"`,
 * `"1d1h30m"`), or a digit-only string meaning seconds.
 */
export type Duration = number | string;

// One optional group per unit, in descending order, so repeated or out-of-order
// units cannot match. Linear-time: no nested quantifiers.
const COMPOUND = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
const DIGITS = /^\d+$/;
const UNIT_SECONDS = [86_400, 3_600, 60, 1] as const;
// Longer strings cannot denote a safe integer of seconds; refusing them early
// keeps the work bounded on hostile input.
const MAX_LENGTH = 64;

/**
 * Parses a duration into whole seconds, with the strict grammar the request
 * builder accepts.
 *
 * @param value - Seconds as a non-negative integer, a digit-only string, or a
 *   compound string such as `"1d1h30m"` (units `d`, `h`, `m`, `s`, each at most
 *   once, in that order; no spaces, signs or fractions).
 * @param option - Option path named by the error, e.g. `"callback.timeout"`.
 * @default option `"duration"`
 * @returns The duration in whole seconds (at most `Number.MAX_SAFE_INTEGER`).
 * @throws {InvalidOptionError} `ERR_INVALID_OPTION` with `option` set, for any
 *   other value (empty, negative, fractional string, bad unit order, overflow,
 *   wrong type).
 * @example
 * ```ts
 * parseDuration("1d1h30m"); // 91800
 * parseDuration(90);        // 90
 * parseDuration("90");      // 90
 * parseDuration("1.5s", "timeout"); // throws InvalidOptionError { option: "timeout" }
 * ```
 */
export function parseDuration(value: string | number, option = "duration"): number {
  if (typeof value === "number") return parseSeconds(value, option);
  if (typeof value !== "string") {
    throw new InvalidOptionError(option, "must be a number of seconds or a duration string");
  }
  return parseDurationString(value, option);
}

/**
 * Formats whole seconds as the canonical duration header value `<n>s`, the form
 * the official SDK sends and QStash always accepts.
 *
 * @param seconds - Non-negative safe integer.
 * @returns For example `"90s"`.
 * @throws {InvalidOptionError} `ERR_INVALID_OPTION` (option `"duration"`) when
 *   `seconds` is not a non-negative safe integer.
 * @example
 * ```ts
 * formatDuration(parseDuration("1m30s")); // "90s"
 * ```
 */
export function formatDuration(seconds: number): string {
  return `${parseSeconds(seconds, "duration")}s`;
}

function parseSeconds(value: number, option: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidOptionError(option, "must be a non-negative integer number of seconds");
  }
  return value;
}

function parseDurationString(value: string, option: string): number {
  if (value.length === 0 || value.length > MAX_LENGTH) {
    throw new InvalidOptionError(option, "must be a duration such as 30s, 5m, 2h or 1d1h30m");
  }
  if (DIGITS.test(value)) return checkedTotal(Number(value), option);
  const match = COMPOUND.exec(value);
  if (match === null) {
    throw new InvalidOptionError(option, "must be a duration such as 30s, 5m, 2h or 1d1h30m");
  }
  let total = 0;
  for (let i = 0; i < UNIT_SECONDS.length; i++) {
    const digits = match[i + 1];
    if (digits !== undefined) total += Number(digits) * UNIT_SECONDS[i]!;
  }
  return checkedTotal(total, option);
}

function checkedTotal(total: number, option: string): number {
  // A sum of non-negative parts stays ordered, so one final check catches any
  // part that overflowed on its own.
  if (!Number.isSafeInteger(total)) {
    throw new InvalidOptionError(option, "is too large");
  }
  return total;
}
