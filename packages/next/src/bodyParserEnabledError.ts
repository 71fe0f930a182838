import { BodyAlreadyParsedError } from "@stashkit/core";

/**
 * Next.js parsed a Pages API request before stashkit saw it, so the exact bytes the
 * signature covers are gone. Answered `500` (code `ERR_BODY_ALREADY_PARSED`) with the fix.
 *
 * @example
 * ```ts
 * // pages/api/send-email.ts — the fix:
 * export const config = { api: { bodyParser: false } };
 * ```
 */
export class BodyParserEnabledError extends BodyAlreadyParsedError {
  constructor() {
    super("Next.js");
    this.name = "BodyParserEnabledError";
    this.message =
      "body was already parsed by Next.js; add `export const config = { api: { bodyParser: false } }` to this API route";
  }
}
