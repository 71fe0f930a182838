import { parseHttpUrl, receivedUrl, RequestUrlError } from "./requestUrl.js";

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
   * each; an invalid value is refused, never ignored). Enable only behind a proxy that
   * overwrites them: otherwise any client can choose the URL the signature is checked against.
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
 *   http(s) URL or its function returns one that is not (or `requestUrl` is not absolute).
 * @throws {RequestUrlError} `ERR_BAD_REQUEST_URL` when, under `trustProxy`, `X-Forwarded-Host`
 *   is not a plain `host[:port]` or `X-Forwarded-Proto` is not http/https, or the request URL
 *   has a fragment or dot segments.
 * @example
 * ```ts
 * const url = resolvePublicUrl(request.url, (n) => request.headers.get(n), { publicBaseUrl: "https://app.example.com" });
 * await receiver.verify({ signature, body, url });
 * ```
 */
export function resolvePublicUrl(requestUrl: string, header: HeaderLookup, options: PublicUrlOptions = {}): string {
  const url = parseHttpUrl(requestUrl, "requestUrl");
  if (requestUrl.includes("#")) throw new RequestUrlError("target", "request URL must not contain a fragment");
  return receivedUrl(
    {
      scheme: url.protocol.slice(0, -1),
      target: `${url.pathname}${url.search}`,
      // The request URL is the host's own view of the authority; only forwarded headers are read.
      header: (name) => (name.toLowerCase() === "host" ? undefined : header(name) ?? undefined),
      authority: url.host,
    },
    { publicBaseUrl: options.publicBaseUrl, trustProxy: options.trustProxy ?? false },
  );
}
