import { badRequest } from "../apiError.js";

// RFC 9110 token characters: what node:http (and every other client) accepts as a header name.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// What node:http accepts in a header value: no CR, LF, NUL or other control characters.
const INVALID_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * Checks that a header forwarded to a destination can be sent at all, so a bad one is a 400
 * at publish time instead of an `ERR_INVALID_CHAR` on every delivery attempt.
 *
 * @param name - The header name as it will be sent (prefix removed).
 * @param value - Its value.
 * @param field - What to name in the error, e.g. `Upstash-Forward-X-Tenant`.
 * @throws ApiError (400) naming `field` when the name is not a token or the value holds CR, LF, NUL or another control character.
 * @example
 * ```ts
 * assertSendableHeader("X-Tenant", "acme", "Upstash-Forward-X-Tenant");
 * ```
 */
export function assertSendableHeader(name: string, value: string, field: string): void {
  if (!TOKEN.test(name)) throw badRequest(`invalid header name in ${JSON.stringify(field)}: expected letters, digits and !#$%&'*+.^_\`|~-`);
  if (INVALID_VALUE_CHAR.test(value)) {
    throw badRequest(`invalid ${field} header: the value contains CR, LF, NUL or another control character`);
  }
}
