import { timingSafeEqual } from "node:crypto";

let cachedToken = "";
let cachedBytes = Buffer.alloc(0);

function equal(candidate: string, token: string): boolean {
  if (token !== cachedToken) {
    cachedToken = token;
    cachedBytes = Buffer.from(token);
  }
  const left = Buffer.from(candidate);
  return left.length === cachedBytes.length && timingSafeEqual(left, cachedBytes);
}

/**
 * Whether a request carries the server's token, as `Authorization: Bearer <token>`
 * or as the `qstash_token` query parameter (wire spec 1.2). Constant-time compare.
 *
 * @param authorization - The `Authorization` header, if any.
 * @param query - The request's query parameters.
 * @param token - The expected token.
 * @example
 * ```ts
 * isAuthorized(req.headers.authorization, url.searchParams, token);
 * ```
 */
export function isAuthorized(authorization: string | undefined, query: URLSearchParams, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? "");
  if (match !== null && equal(match[1]!.trim(), token)) return true;
  const fromQuery = query.get("qstash_token");
  return fromQuery !== null && equal(fromQuery, token);
}
