import { badRequest } from "../apiError.js";
import { NAME_PATTERN } from "../defaults.js";
import type { HeaderMap } from "./publishHeaders.js";
import type { IsOwnUrl } from "./targetUrl.js";
import { parseTargetUrl } from "./targetUrl.js";

/** A publish target split from QStash's own query parameters. */
export interface ParsedDestination {
  /** Absolute URL (with its own query string) or URL-group name. */
  destination: string;
  /** `upstash-*` configuration passed as query parameters, lower-cased. */
  queryConfig: HeaderMap;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}

/** Some HTTP stacks collapse `//` in paths; clients may also percent-encode the URL. */
function restoreScheme(raw: string): string {
  let text = raw;
  if (/^https?%3A/i.test(text)) text = safeDecode(text);
  return text.replace(/^(https?):\/(?!\/)/i, "$1://");
}

/**
 * Splits everything after `/v2/publish/` (or the enqueue/schedule prefix) into
 * the destination and QStash's configuration: the destination keeps its own
 * query parameters, except `qstash_token` and lower-cased `upstash-*` keys.
 *
 * @param rawRest - Undecoded path remainder, without the query string.
 * @param rawQuery - Undecoded query string without `?`.
 * @throws ApiError (400) when no destination is given.
 * @example
 * ```ts
 * parseDestination("https:/example.com/hook", "a=1&upstash-retries=2");
 * // { destination: "https://example.com/hook?a=1", queryConfig: { "upstash-retries": "2" } }
 * ```
 */
export function parseDestination(rawRest: string, rawQuery: string): ParsedDestination {
  const base = restoreScheme(rawRest);
  if (base === "") throw badRequest("destination is missing");
  const kept: string[] = [];
  const queryConfig: HeaderMap = {};
  for (const piece of rawQuery.split("&")) {
    if (piece === "") continue;
    const eq = piece.indexOf("=");
    const key = safeDecode(eq === -1 ? piece : piece.slice(0, eq));
    const lower = key.toLowerCase();
    if (lower === "qstash_token") continue;
    if (key.startsWith("upstash-")) {
      queryConfig[lower] = eq === -1 ? "" : safeDecode(piece.slice(eq + 1));
      continue;
    }
    kept.push(piece);
  }
  const destination = kept.length === 0 ? base : `${base}?${kept.join("&")}`;
  return { destination, queryConfig };
}

/**
 * Whether a destination is an absolute http(s) URL (otherwise it may be a URL group).
 * @param destination - Output of {@link parseDestination}.
 */
function isUrlDestination(destination: string): boolean {
  return /^https?:\/\//i.test(destination);
}

/**
 * Validates a publish or schedule destination: an http(s) URL that is not the server itself,
 * or a URL-group name.
 *
 * @param destination - Output of {@link parseDestination}.
 * @param isOwnUrl - Refuses URLs that reach the dev server.
 * @returns The parsed URL, or `undefined` for a URL-group name.
 * @throws ApiError (400) for an invalid URL or name, or an `api/…` destination (not supported).
 * @example
 * ```ts
 * checkDestination("http://127.0.0.1:3000/hook", () => false); // URL
 * checkDestination("orders", () => false); // undefined
 * ```
 */
export function checkDestination(destination: string, isOwnUrl: IsOwnUrl): URL | undefined {
  if (isUrlDestination(destination)) return parseTargetUrl(destination, "destination", isOwnUrl);
  if (destination.startsWith("api/")) throw badRequest("api destinations are not supported by the dev server");
  if (!NAME_PATTERN.test(destination)) throw badRequest("invalid destination: expected an http(s) URL or a URL group name");
  return undefined;
}
