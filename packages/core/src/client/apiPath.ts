import { InvalidOptionError } from "../errors.js";

const NAME = /^[A-Za-z0-9._-]+$/;

/**
 * Checks a queue, URL-group or schedule name (letters, digits, `-`, `_`, `.`)
 * before it goes into a path.
 * @throws InvalidOptionError `ERR_INVALID_OPTION` naming `option`.
 */
export function nameSegment(option: string, value: unknown): string {
  if (typeof value !== "string" || !NAME.test(value)) {
    throw new InvalidOptionError(option, "must be letters, digits, '-', '_' or '.'");
  }
  return value;
}

/**
 * Checks an opaque id (message id, DLQ id) and percent-encodes it for a path.
 * @throws InvalidOptionError `ERR_INVALID_OPTION` naming `option` for an empty or non-string id.
 */
export function idSegment(option: string, value: unknown): string {
  if (typeof value !== "string" || value === "") throw new InvalidOptionError(option, "must be a non-empty string");
  return encodeURIComponent(value);
}
