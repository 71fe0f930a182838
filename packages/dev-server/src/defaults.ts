import { DEV_SERVER_CREDENTIALS } from "@stashkit/core/testing";

/**
 * Bearer token of the official QStash dev server's default user. The official SDK's dev
 * mode hard-codes it, so matching it lets that SDK use this server unchanged.
 */
export const DEFAULT_TOKEN = DEV_SERVER_CREDENTIALS.token;

/** Current signing key of the official dev server's default user. */
export const DEFAULT_CURRENT_SIGNING_KEY = DEV_SERVER_CREDENTIALS.currentSigningKey;

/** Next signing key of the official dev server's default user. */
export const DEFAULT_NEXT_SIGNING_KEY = DEV_SERVER_CREDENTIALS.nextSigningKey;

/** Port of the official dev server, also probed by the official SDK's dev mode. */
export const DEFAULT_PORT = 8080;

/** Loopback only: a dev server must not be reachable from the network by default. */
export const DEFAULT_HOST = "127.0.0.1";

/** Retries after the first attempt when `Upstash-Retries` is absent. */
export const DEFAULT_RETRIES = 3;

/** Per-attempt limit when `Upstash-Timeout` is absent (the paid plans' maximum). */
export const DEFAULT_MAX_TIMEOUT_MS = 15 * 60 * 1000;

/** Deduplication window (REST reference: 10 minutes). */
export const DEDUPLICATION_WINDOW_MS = 10 * 60 * 1000;

/** Largest delay a response header may impose; longer values are ignored. */
export const MAX_RESPONSE_DELAY_MS = 24 * 60 * 60 * 1000;

/** Names allowed for queues, schedule ids and URL groups. */
export const NAME_PATTERN = /^[A-Za-z0-9_.-]+$/;
