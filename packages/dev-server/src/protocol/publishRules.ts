import type { IsOwnUrl } from "./targetUrl.js";

/**
 * What validating a publish needs to know besides its headers: the time (to bound
 * `Upstash-Not-Before`) and the server's own address (to refuse deliveries into itself).
 */
export interface PublishRules {
  /** Current time, Unix ms. */
  now: number;
  /** Whether a URL would reach the dev server itself. */
  isOwnUrl: IsOwnUrl;
}
