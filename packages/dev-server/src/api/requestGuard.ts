import type { IncomingMessage } from "node:http";
import { ApiError } from "../apiError.js";
import type { SelfAddress } from "../protocol/selfAddress.js";

/** Options of {@link createRequestGuard}. */
export interface RequestGuardOptions {
  /** The server's address, for the `Host` check. */
  self: SelfAddress;
  /** Browser origins allowed besides the server's own (e.g. `http://localhost:5173`). */
  allowedOrigins?: readonly string[];
  /** Whether a message id belongs to a delivery this server has in flight. */
  isOwnDelivery?: (messageId: string) => boolean;
}

/** Decides whether a request may be served at all; returns the refusal, or `undefined`. */
export type RequestGuard = (req: IncomingMessage) => ApiError | undefined;

function hostnameOf(host: string): string {
  // "[::1]:8080" → "[::1]", "localhost:8080" → "localhost"
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  const colon = host.lastIndexOf(":");
  return colon === -1 ? host : host.slice(0, colon);
}

function normalizeOrigin(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.origin === "null" ? undefined : url.origin;
  } catch {
    return undefined;
  }
}

/**
 * The first check of every request, on every path (API, dashboard, anything registered later),
 * before authentication: the dev server's token is public, so what keeps a web page from
 * driving it is where the request comes from.
 *
 * - `Host` must name this server (a loopback name or address, the listen address, or a name in
 *   `allowedHosts`): a page on `evil.example` whose DNS is rebound to 127.0.0.1 sends
 *   `Host: evil.example`.
 * - A browser request from another origin (`Origin` other than `http://<Host>` and not listed
 *   in `allowedOrigins`, `Origin: null`, or `Sec-Fetch-Site: cross-site`) is refused: that is
 *   how a `text/plain` POST from any page would otherwise publish signed deliveries into the
 *   developer's app. Requests without `Origin` (SDKs, curl, servers) are unaffected, and the
 *   server's own pages send their own origin.
 * - A request carrying the id of one of this server's deliveries in flight is a delivery that
 *   came back (a destination resolving to the server itself): answered 508, so it cannot
 *   publish again.
 *
 * @param options - The server's address, extra origins, the in-flight check.
 * @returns A function answering a 403/508 {@link ApiError} or `undefined`.
 * @example
 * ```ts
 * const guard = createRequestGuard({ self, allowedOrigins: ["http://localhost:5173"] });
 * const refusal = guard(req);
 * ```
 */
export function createRequestGuard(options: RequestGuardOptions): RequestGuard {
  const allowed = new Set((options.allowedOrigins ?? []).map((origin) => normalizeOrigin(origin) ?? origin));
  return (req) => {
    const host = req.headers.host;
    if (host !== undefined && !options.self.acceptsHostname(hostnameOf(host))) {
      return new ApiError(403, "forbidden: the Host header does not name this dev server (add the name to allowedHosts if it should)");
    }
    const origin = req.headers.origin;
    if (origin !== undefined) {
      const normalized = normalizeOrigin(origin);
      const own = host === undefined ? undefined : normalizeOrigin(`http://${host}`);
      if (normalized === undefined || (normalized !== own && !allowed.has(normalized))) {
        return new ApiError(403, "forbidden: requests from other origins are refused (add the origin to allowedOrigins if it should be let in)");
      }
    } else if (req.headers["sec-fetch-site"] === "cross-site") {
      return new ApiError(403, "forbidden: cross-site requests are refused");
    }
    const messageId = req.headers["upstash-message-id"];
    if (typeof messageId === "string" && options.isOwnDelivery?.(messageId) === true) {
      return new ApiError(508, "loop detected: this request is one of the dev server's own deliveries, so its destination points at the server itself");
    }
    return undefined;
  };
}
