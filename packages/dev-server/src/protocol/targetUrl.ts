import { badRequest } from "../apiError.js";

/** Decides whether a URL points back at the dev server itself. */
export type IsOwnUrl = (url: URL) => boolean;

// The authority must start right after "://": `http:///x` would otherwise be delivered to `x`.
const ABSOLUTE = /^https?:\/\/[^/\\?#]/i;
// C0 controls, space and DEL: a decoded %0D%0A would reach the signed `sub`, the log and the request line.
const CONTROL_OR_SPACE = /[\x00-\x20\x7f]/;

/**
 * Validates a URL the server will send requests to: a destination, a callback, a failure
 * callback or a URL-group endpoint. The text is kept as given (it is what the `sub` claim
 * carries), so anything WHATWG parsing would silently rewrite is refused instead.
 *
 * @param raw - The URL as published.
 * @param field - What to name in errors (`destination`, `Upstash-Callback header`, …).
 * @param isOwnUrl - Refuses URLs that reach this server.
 * @returns The parsed URL.
 * @throws ApiError (400) for a relative or non-http(s) URL, an empty host, control characters or
 *   spaces, credentials (never echoed), or a URL pointing at the server itself.
 * @example
 * ```ts
 * parseTargetUrl("http://127.0.0.1:3000/hook", "destination", () => false);
 * ```
 */
export function parseTargetUrl(raw: string, field: string, isOwnUrl: IsOwnUrl): URL {
  if (CONTROL_OR_SPACE.test(raw)) throw badRequest(`invalid ${field}: the URL contains spaces or control characters (CR, LF, NUL…)`);
  if (!ABSOLUTE.test(raw)) throw badRequest(`invalid ${field}: expected an absolute http(s) URL with a host`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badRequest(`invalid ${field}: expected an absolute http(s) URL with a host`);
  }
  if (url.hostname === "") throw badRequest(`invalid ${field}: expected an absolute http(s) URL with a host`);
  if (url.username !== "" || url.password !== "") {
    throw badRequest(`invalid ${field}: credentials in the URL are not accepted (they would be shown in logs and the DLQ); forward an Authorization header instead`);
  }
  if (isOwnUrl(url)) {
    throw badRequest(`invalid ${field}: it points at the dev server itself, so every delivery would publish again`);
  }
  return url;
}
