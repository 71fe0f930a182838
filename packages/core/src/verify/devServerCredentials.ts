/**
 * The credentials of the official QStash dev server's default user, which the official SDK's
 * dev mode hard-codes. They are public: use them only against a local dev server, never to
 * verify production traffic. One definition for the receiver's `devMode`, the stashkit dev
 * server and the examples.
 *
 * @example
 * ```ts
 * import { DEV_SERVER_CREDENTIALS } from "@stashkit/core/testing";
 * const receiver = new Receiver({
 *   currentSigningKey: DEV_SERVER_CREDENTIALS.currentSigningKey,
 *   nextSigningKey: DEV_SERVER_CREDENTIALS.nextSigningKey,
 * });
 * ```
 */
export const DEV_SERVER_CREDENTIALS = Object.freeze({
  /** Bearer token: the base64 of `{"UserID":"defaultUser","Password":"defaultPassword"}`. */
  token: "eyJVc2VySUQiOiJkZWZhdWx0VXNlciIsIlBhc3N3b3JkIjoiZGVmYXVsdFBhc3N3b3JkIn0=",
  /** Current signing key. */
  currentSigningKey: "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r",
  /** Next signing key. */
  nextSigningKey: "sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs",
} as const);
