// The URL a delivery arrived at, built from validated parts: scheme, an authority that must be
// a plain host[:port], and an origin-form request target. Nothing here concatenates untrusted
// text and re-parses it, so no Host value can move text into the path, query or fragment.
import { InvalidOptionError, QStashError } from "../errors.js";

/** Which part of a request made its URL unusable. */
export type RequestUrlField = "host" | "x-forwarded-host" | "x-forwarded-proto" | "target";

/**
 * The request's URL cannot be trusted: its `Host` (or, under `trustProxy`, `X-Forwarded-Host`
 * / `X-Forwarded-Proto`) is not a plain `host[:port]`, or its target is not a plain path.
 * Answered `400` before the signature is looked at. QStash never sends such a request.
 *
 * @param field - the header or part that was refused
 * @param message - what is wrong with it
 * @example
 * ```ts
 * try { await definition.handleRaw(raw) } catch {}
 * // a delivery with `Host: app.example.com/api/hook#` is answered 400 { field: "host" }
 * ```
 */
export class RequestUrlError extends QStashError {
  /** The header or part that was refused. */
  readonly field: RequestUrlField;

  constructor(field: RequestUrlField, message: string) {
    super(message, "ERR_BAD_REQUEST_URL");
    this.name = "RequestUrlError";
    this.field = field;
  }
}

/** How a host received a request, before anything about it is trusted. */
export interface ReceivedRequest {
  /** `"http"` or `"https"`, as the connection itself says. */
  readonly scheme: string;
  /** The request target exactly as received: path and query, e.g. `/api/hook?x=1`. */
  readonly target: string;
  /**
   * Case-insensitive header lookup; `Host`, `X-Forwarded-Host` and `X-Forwarded-Proto` are read.
   * @param name - header name in any case
   */
  header(name: string): string | undefined;
  /** The authority when there is no `Host` header (HTTP/2 `:authority`, a fetch `Request`'s URL). */
  authority?: string | undefined;
  /** The host's own verdict that forwarded headers come from a trusted proxy (Express `trust proxy`). */
  proxyTrusted?: boolean | undefined;
}

/** The options that change which URL a delivery is checked against. */
export interface RequestUrlOptions {
  /** See `HandlerOptions.publicBaseUrl`. */
  readonly publicBaseUrl?: string | ((url: URL) => string) | undefined;
  /** See `HandlerOptions.trustProxy`; `undefined` defers to the host's `proxyTrusted`. */
  readonly trustProxy?: boolean | undefined;
}

// reg-name limited to what DNS names and IPv4 addresses use, or a bracketed IPv6 address
// (no zone id), then an optional port. Percent-encoding, userinfo and every delimiter are out.
const AUTHORITY = /^(?:[A-Za-z0-9._~-]+|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;
// Targets made only of these characters serialise unchanged under the WHATWG URL rules, so
// they need no parse on the hot path.
const PLAIN_TARGET = /^\/[A-Za-z0-9\-._~!$&()*+,;=:@/%]*(?:\?[A-Za-z0-9\-._~!$&()*+,;=:@/%?]+)?$/;
const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)/i;
const DEFAULT_PORT: Record<string, string> = { http: "80", https: "443" };

/**
 * Checks an authority (`Host`-style `host[:port]`) and returns it in canonical form: lower
 * case, default port dropped.
 *
 * @param value - the header value
 * @param scheme - `"http"` or `"https"`, to drop its default port
 * @param field - which header it came from, for the error
 * @returns the canonical authority
 * @throws {RequestUrlError} `ERR_BAD_REQUEST_URL` when it is not a plain `host[:port]`
 */
function checkAuthority(value: string, scheme: string, field: "host" | "x-forwarded-host"): string {
  const match = AUTHORITY.exec(value);
  if (!match) throw new RequestUrlError(field, `${field} header is not a valid host[:port]`);
  const port = match[1];
  if (port !== undefined && Number(port) > 65535) throw new RequestUrlError(field, `${field} header has an invalid port`);
  const lower = value.toLowerCase();
  if (port === undefined || port !== DEFAULT_PORT[scheme]) return lower;
  return lower.slice(0, lower.length - port.length - 1);
}

/**
 * Checks an origin-form request target and returns its path and query as the WHATWG URL
 * rules serialise them (an empty `?` dropped).
 *
 * @param target - the request target as received
 * @returns the canonical path and query
 * @throws {RequestUrlError} `ERR_BAD_REQUEST_URL` (field `target`) for anything but a plain
 *   path: a fragment, a backslash, dot segments, or a target not starting with `/`
 */
function checkTarget(target: string): string {
  if (PLAIN_TARGET.test(target) && !DOT_SEGMENT.test(pathOf(target))) return target;
  if (!target.startsWith("/")) throw new RequestUrlError("target", "request target must be a path starting with /");
  if (target.includes("#")) throw new RequestUrlError("target", "request target must not contain a fragment");
  // WHATWG parsers read `\` as `/` and resolve dot segments, while Node routers match the raw
  // path: the URL checked and the route taken could then differ.
  if (target.includes("\\")) throw new RequestUrlError("target", "request target must not contain a backslash");
  if (DOT_SEGMENT.test(pathOf(target))) throw new RequestUrlError("target", "request target must not contain dot segments");
  for (let i = 0; i < target.length; i++) {
    const code = target.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f) throw new RequestUrlError("target", "request target contains a control character or space");
  }
  // The base is a constant: the target cannot reach it past the checks above.
  const parsed = new URL(target, "http://target.invalid");
  return `${parsed.pathname}${parsed.search}`;
}

function pathOf(target: string): string {
  const query = target.indexOf("?");
  return query === -1 ? target : target.slice(0, query);
}

/**
 * The URL a delivery's `sub` claim must name: scheme, authority and target of the request,
 * each validated, with the origin replaced by `publicBaseUrl`, or taken from
 * `X-Forwarded-Proto`/`X-Forwarded-Host` when the proxy is trusted.
 *
 * @param request - what the host received
 * @param options - `publicBaseUrl` and `trustProxy`
 * @returns an absolute, canonical URL
 * @throws {RequestUrlError} `ERR_BAD_REQUEST_URL` (answered 400) for a bad `Host`, forwarded
 *   header or target
 * @throws {InvalidOptionError} `ERR_INVALID_OPTION` when `publicBaseUrl` (or what its function
 *   returns) is not an absolute http(s) URL without a fragment
 */
export function receivedUrl(request: ReceivedRequest, options: RequestUrlOptions): string {
  const scheme = request.scheme === "https" ? "https" : "http";
  const pathAndQuery = checkTarget(request.target);
  const hostHeader = request.header("host") ?? request.authority;
  const host = hostHeader === undefined ? undefined : checkAuthority(hostHeader, scheme, "host");
  const { publicBaseUrl } = options;
  if (typeof publicBaseUrl === "string") return `${publicOrigin(publicBaseUrl)}${pathAndQuery}`;
  if (host === undefined) throw new RequestUrlError("host", "request has no Host header");
  const seen = `${scheme}://${host}${pathAndQuery}`;
  if (typeof publicBaseUrl === "function") return checkedPublicUrl(publicBaseUrl(new URL(seen)));
  if (!(options.trustProxy ?? request.proxyTrusted ?? false)) return seen;
  const forwardedProto = firstValue(request.header("x-forwarded-proto"))?.toLowerCase();
  if (forwardedProto !== undefined && forwardedProto !== "http" && forwardedProto !== "https") {
    throw new RequestUrlError("x-forwarded-proto", "x-forwarded-proto header must be http or https");
  }
  const publicScheme = forwardedProto ?? scheme;
  const forwardedHost = firstValue(request.header("x-forwarded-host"));
  const publicHost = forwardedHost === undefined ? checkAuthority(host, publicScheme, "host") : checkAuthority(forwardedHost, publicScheme, "x-forwarded-host");
  return `${publicScheme}://${publicHost}${pathAndQuery}`;
}

const origins = new Map<string, string>();

function publicOrigin(value: string): string {
  let origin = origins.get(value);
  if (origin === undefined) {
    origin = parseHttpUrl(value, "publicBaseUrl").origin;
    if (origins.size < 64) origins.set(value, origin);
  }
  return origin;
}

function checkedPublicUrl(value: unknown): string {
  const url = parseHttpUrl(value, "publicBaseUrl");
  if (typeof value === "string" && value.includes("#")) {
    throw new InvalidOptionError("publicBaseUrl", "must return a URL without a fragment");
  }
  return url.href;
}

/**
 * Parses an absolute http(s) URL given as an option.
 *
 * @param value - the option's value
 * @param option - its name, for the error
 * @returns the parsed URL
 * @throws {InvalidOptionError} `ERR_INVALID_OPTION` when it is not one
 */
export function parseHttpUrl(value: unknown, option: string): URL {
  let url: URL | undefined;
  try {
    url = typeof value === "string" ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new InvalidOptionError(option, "must be an absolute http(s) URL");
  }
  return url;
}

function firstValue(value: string | null | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  const comma = value.indexOf(",");
  const head = (comma === -1 ? value : value.slice(0, comma)).trim();
  return head === "" ? undefined : head;
}
