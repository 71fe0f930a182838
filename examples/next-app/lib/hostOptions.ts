import type { HandlerOptions } from "@stashkit/core";

/**
 * Options every route of this app passes to its adapter. `next start` reports
 * `request.url` as `http://localhost:<port>/…` whatever URL QStash called, so the
 * signature's URL is checked against the app's public origin instead.
 */
export const hostOptions: HandlerOptions = {
  publicBaseUrl: process.env.STASHKIT_APP_URL || undefined,
};
