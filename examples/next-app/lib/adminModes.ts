import type { HandlerOptions } from "@stashkit/core";

/**
 * The three ways a host can bind signatures to URLs, one per `[mode]` of the contract admin
 * routes, so the URL-binding attack tests reach each of them on every runtime.
 */
export const adminModes: Record<string, HandlerOptions> = {
  default: {},
  publicBaseUrl: { publicBaseUrl: process.env.STASHKIT_APP_URL || undefined },
  trustProxy: { trustProxy: true },
};
