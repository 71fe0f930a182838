import type { DeliveryHandlers, HandlerOptions } from "@stashkit/core";

/** What an App Router `route.ts` exports for a QStash endpoint. */
export interface RouteHandlers {
  /**
   * QStash delivers with `POST` (its default `Upstash-Method`).
   * @param request - the delivery, as the App Router passes it
   * @returns the answer core computed; never rejects
   */
  POST(request: Request): Promise<Response>;
}

/**
 * Mounts a stashkit definition as an App Router route handler, on the Node.js or
 * the Edge runtime. Verification, validation and every status (400 for an invalid
 * `Host`, 401, 413, 429, 489, 500) come from core; this only hands the `Request` over.
 *
 * @param definition - from `defineDestination`, `defineCallback` or `defineFailureCallback`
 * @param options - host options layered over the definition's own. The URL the
 *   signature is checked against is built from the request's scheme, `Host` header
 *   and path, because `next start` reports `request.url` as `http://localhost:<port>/…`;
 *   so on Vercel, or with `next start` reached directly, nothing is needed. Behind a
 *   TLS-terminating proxy, tunnel or load balancer, set `publicBaseUrl`, or `trustProxy`
 *   if the proxy overwrites `X-Forwarded-Proto` and `X-Forwarded-Host`.
 * @default options `{}` (the definition's own options only)
 * @returns `{ POST }`, to re-export from `app/…/route.ts`
 * @throws never: errors become responses. An invalid `publicBaseUrl` answers 500
 *   (`ERR_INVALID_OPTION`, reported through `onError`).
 * @example
 * ```ts
 * // app/api/send-email/route.ts
 * import { route } from "@stashkit/next";
 * import { sendEmail } from "@/lib/jobs";
 *
 * export const runtime = "edge"; // optional: Node.js works the same
 * export const { POST } = route(sendEmail);
 * ```
 */
export function route(definition: Pick<DeliveryHandlers, "handle">, options?: HandlerOptions): RouteHandlers {
  // One options object per route, so core builds the merged options and verifier once.
  return { POST: (request) => definition.handle(request, options) };
}
