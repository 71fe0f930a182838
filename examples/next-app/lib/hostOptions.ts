import type { HandlerOptions } from "@stashkit/core";

/**
 * Options every route of this app passes to its adapter. stashkit checks signatures against
 * the URL built from the request's `Host` header and path, which is right when QStash reaches
 * `next start` directly; behind a TLS-terminating proxy or tunnel, STASHKIT_APP_URL names the
 * public origin instead.
 */
export const hostOptions: HandlerOptions = {
  publicBaseUrl: process.env.STASHKIT_APP_URL || undefined,
};
