/**
 * Canonical MIME spelling of a header name (`x-tenant` → `X-Tenant`), the form
 * QStash uses in JSON objects such as a callback's `sourceHeader`.
 *
 * @param name - Header name in any case.
 * @example
 * ```ts
 * canonicalHeaderName("upstash-forward-x-tenant"); // "Upstash-Forward-X-Tenant"
 * ```
 */
export function canonicalHeaderName(name: string): string {
  return name
    .toLowerCase()
    .split("-")
    .map((part) => (part === "" ? part : part[0]!.toUpperCase() + part.slice(1)))
    .join("-");
}

/** Headers of one HTTP connection or message framing; see {@link isFramingHeader}. */
const FRAMING_HEADERS = new Set([
  "connection",
  "content-length",
  "expect",
  "host",
  "keep-alive",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/**
 * Headers of a publish request that describe the transport, never the message: the framing
 * ones, the credentials meant for this server, and `Content-Type`, which the message already
 * carries as its own field.
 */
const HOP_HEADERS = new Set([...FRAMING_HEADERS, "authorization", "proxy-authorization", "content-type"]);

/**
 * Whether `Upstash-Header-Forward: true` forwards this (lower-case) header:
 * anything except transport headers and QStash's own `Upstash-*` configuration.
 */
export function isForwardableInWebhookMode(name: string): boolean {
  return !HOP_HEADERS.has(name) && !name.startsWith("upstash-");
}

/**
 * Headers that describe one HTTP connection or message framing. Forwarded explicitly
 * (`Upstash-Forward-Transfer-Encoding`, …) they would contradict the framing the sender
 * writes itself (a delivery with both `Transfer-Encoding` and `Content-Length`), so they
 * are dropped.
 *
 * @param name - Header name in any case.
 */
export function isFramingHeader(name: string): boolean {
  return FRAMING_HEADERS.has(name.toLowerCase());
}
