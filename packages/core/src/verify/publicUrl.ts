import { InvalidOptionError } from "../errors.js";

/** Options of {@link resolvePublicUrl}. */
export interface PublicUrlOptions {
  /**
   * The public origin QStash calls, e.g. `"https://app.example.com"`: it replaces the
   * scheme, host and port the server sees, keeping path and query. A function receives the
   * URL the server saw and returns the full public URL instead. Wins over `trustProxy`.
   * @default undefined
   */
  publicBaseUrl?: string | ((url: URL) => string);
  /**
   * Rebuild the public URL from `X-Forwarded-Proto` and `X-Forwarded-Host` (first value of
   * each). Enable only behind a proxy that overwrites them: otherwise any client can choose
   * the URL the signature is checked against.
   * @default false
   */
  trustProxy?: boolean;
}

/** Case-insensitive header lookup. */
export type HeaderLookup = (name: string) => string | null | undefined;

/**
 * The URL QStash signed (`sub`), reconstructed from what the server sees. Behind Vercel,
 * ngrok, a load balancer or a container port mapping the server sees `http://localhost:3000/…`
 * while QStash called `https://app.example.com/…`; without this, every delivery fails with
 * `url_mismatch`.
 *
 * @param requestUrl - the absolute URL as the server sees it (e.g. `request.url`).
 * @param header - case-insensitive header lookup, e.g. `(n) => request.headers.get(n)`.
 * @param options - `publicBaseUrl` and/or `trustProxy`.
 * @returns the absolute public URL to verify `sub` against.
 * @throws {InvalidOptionError} `ERR_INVALID_OPTION` when `publicBaseUrl` is not an absolute
 *   http(s) URL or its function returns one that is not.
 * @example
 * ```ts
 * const url = resolvePublicUrl(request.url, (n) => request.headers.get(n), { publicBaseUrl: "https://app.example.com" });
 * await receiver.verify({ signature, body, url });
 * ```
 */
export function resolvePublicUrl(requestUrl: string, header: HeaderLookup, options: PublicUrlOptions = {}): string {
  const { publicBaseUrl, trustProxy = false } = options;
  if (publicBaseUrl === undefined && !trustProxy) return requestUrl;
  const url = new URL(requestUrl);
  if (typeof publicBaseUrl === "function") return checkedHttpUrl(publicBaseUrl(url), "publicBaseUrl").href;
  if (typeof publicBaseUrl === "string") {
    return withOrigin(url, checkedHttpUrl(publicBaseUrl, "publicBaseUrl").origin);
  }
  const proto = firstValue(header("x-forwarded-proto"))?.toLowerCase();
  const host = firstValue(header("x-forwarded-host"));
  const scheme = proto === "http" || proto === "https" ? proto : url.protocol.slice(0, -1);
  // Assemble the origin as a whole: `url.host = "example.com"` would keep the old port.
  const origin = parseUrl(`${scheme}://${host ?? url.host}`);
  return origin && origin.host !== "" ? withOrigin(url, origin.origin) : url.href;
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function withOrigin(url: URL, origin: string): string {
  // Concatenate rather than resolve: a path such as `//evil.example/x` must stay a path.
  return new URL(`${origin}${url.pathname}${url.search}`).href;
}

function checkedHttpUrl(value: unknown, option: string): URL {
  const url = typeof value === "string" ? parseUrl(value) : undefined;
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new InvalidOptionError(option, "must be an absolute http(s) URL");
  }
  return url;
}

function firstValue(value: string | null | undefined): string | undefined {
  const head = value?.split(",")[0]?.trim();
  return head ? head : undefined;
}
