import { parseBatchResponse, parsePublishResponse } from "./apiSchemas.js";
import type { BatchEntryError, PublishResult } from "./apiSchemas.js";
import { encodeBatch } from "./batch.js";
import type { BatchEntry } from "./batch.js";
import { buildPublishRequest } from "../publish/buildPublishRequest.js";
import type { AnyDestination, PayloadOf } from "../handlers/defineDestination.js";
import { Dlq } from "./dlq.js";
import { InvalidOptionError } from "../errors.js";
import { checkClientOptions } from "./clientOptions.js";
import { Events } from "./events.js";
import { Keys } from "./keys.js";
import { Messages } from "./messages.js";
import { asJson, isDeduplicated } from "./publishCall.js";
import type { ClientPublishOptions } from "./publishCall.js";
import { Queues } from "./queues.js";
import { resolveRetry } from "./retryPolicy.js";
import type { RetryOptions } from "./retryPolicy.js";
import { Schedules } from "./schedules.js";
import { sendToDestination } from "../handlers/send.js";
import type { DestinationRef, SendOptions } from "../handlers/send.js";
import { Transport } from "./transport.js";
import type { FetchLike } from "./transport.js";
import { UrlGroups } from "./urlGroups.js";

/** Options of {@link Client}. */
export interface ClientOptions {
  /**
   * QStash token, sent as `Authorization: Bearer`.
   * @default process.env.QSTASH_TOKEN
   */
  token?: string;
  /**
   * API base URL; one trailing `/` is removed.
   * @default process.env.QSTASH_URL, else `https://qstash.upstash.io`
   */
  baseUrl?: string;
  /**
   * The `fetch` used for every call (a proxy-aware one, a test double, …).
   * @default globalThis.fetch
   */
  fetch?: FetchLike;
  /**
   * Retry policy for failed calls, or `false` for none. Calls that could
   * duplicate a message (publish, enqueue and batch without deduplication,
   * schedule creation without `scheduleId`, DLQ retry, key rotation) are only
   * retried on 429 and on failures that happened before a connection existed.
   * @default { retries: 3 } with exponential back-off and jitter
   */
  retry?: RetryOptions | false;
  /**
   * Per-attempt limit in ms; an attempt that takes longer is aborted and
   * counts as a network failure (retried like a connection reset).
   * @default no limit
   */
  timeout?: number;
  /**
   * Public base URL of the app hosting your destinations, used by `send` to
   * turn a destination's path into the URL QStash delivers to.
   * @default process.env.STASHKIT_APP_URL (read by `send`)
   */
  appUrl?: string;
}

/** Publish options of {@link Client.enqueue}: a queue is required. */
export type ClientEnqueueOptions = ClientPublishOptions & {
  /** Queue to send through (letters, digits, `-`, `_`, `.`); created with parallelism 1 if unknown. */
  queueName: string;
};

/**
 * The answer type for a destination: one result for a URL (or `api/...`), an
 * array (one per endpoint) for a URL-group name, either when unknown. A
 * URL-group name never contains `/`, so any destination type with a slash,
 * including template types like `` `${origin}/api/job` ``, is a single result.
 */
export type PublishResponse<Destination extends string> = Destination extends `${string}/${string}`
  ? PublishResult
  : string extends Destination
    ? PublishResult | PublishResult[]
    : PublishResult[];

/** One element of a batch answer, in request order. */
export type BatchResult = PublishResult | PublishResult[] | BatchEntryError;

const DEFAULT_BASE_URL = "https://qstash.upstash.io";
/** A value older SDK set-ups put in `QSTASH_URL`; it means the default. */
const LEGACY_BASE_URL = "https://qstash.upstash.io/v2/publish";

/**
 * Client of the QStash HTTP API: publish, enqueue and batch messages, and
 * manage messages, queues, the DLQ, schedules, URL groups, keys and events.
 * Every call is retried per `retry`; failures are `QStashError` subclasses.
 *
 * @example
 * ```ts
 * const client = new Client(); // QSTASH_TOKEN, QSTASH_URL from the environment
 * const { messageId } = await client.publishJSON({
 *   destination: "https://example.com/api/send-email",
 *   body: { to: "ada@example.com" },
 *   retries: 2,
 * });
 * ```
 */
export class Client {
  /** Pending messages: get, cancel, cancelMany. */
  readonly messages: Messages;
  /** FIFO queues: upsert, get, list, delete, pause, resume. */
  readonly queues: Queues;
  /** Dead-letter queue: list, get, delete, deleteMany, retry, retryMany. */
  readonly dlq: Dlq;
  /** Cron schedules: create, get, list, delete, pause, resume. */
  readonly schedules: Schedules;
  /** URL groups: addEndpoints, removeEndpoints, get, list, delete. */
  readonly urlGroups: UrlGroups;
  /** Signing keys: get, rotate. */
  readonly keys: Keys;
  /** Message event log: list. */
  readonly events: Events;

  /** The `appUrl` option, used by `send` to resolve destination paths. */
  readonly appUrl: string | undefined;

  readonly #transport: Transport;

  /**
   * @param options - token, base URL, fetch and retry policy; see {@link ClientOptions}.
   * @throws InvalidOptionError `ERR_INVALID_OPTION` when no token is given or set in `QSTASH_TOKEN`
   *   (option `"token"`), or `baseUrl` is not an absolute http(s) URL, or `retry.retries` or `timeout` is invalid,
   *   or for an unknown option (the official SDK's `headers`, `enableTelemetry`, `devMode` say what to do instead).
   * @example
   * ```ts
   * const client = new Client({ token: process.env.QSTASH_TOKEN, retry: { retries: 5 } });
   * ```
   */
  constructor(options: ClientOptions = {}) {
    checkClientOptions(options);
    this.#transport = new Transport({
      token: resolveToken(options.token),
      baseUrl: resolveBaseUrl(options.baseUrl),
      fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
      retry: resolveRetry(options.retry),
      timeout: resolveTimeout(options.timeout),
    });
    this.messages = new Messages(this.#transport);
    this.queues = new Queues(this.#transport);
    this.dlq = new Dlq(this.#transport);
    this.schedules = new Schedules(this.#transport);
    this.urlGroups = new UrlGroups(this.#transport);
    this.keys = new Keys(this.#transport);
    this.events = new Events(this.#transport);
    this.appUrl = options.appUrl;
  }

  /** The API base URL in use, without a trailing slash. */
  get baseUrl(): string {
    return this.#transport.baseUrl;
  }

  /**
   * Publishes a message to a URL or a URL group. Retried on 5xx and on
   * ambiguous network failures only when `deduplicationId` or
   * `contentBasedDeduplication` is set (otherwise a retry could deliver twice).
   * @param options - publish options of `buildPublishRequest`, without token and base URL.
   * @returns `{ messageId, url?, deduplicated? }`, or an array of them for a URL group.
   * @throws InvalidOptionError `ERR_INVALID_OPTION` for invalid options (nothing is sent).
   * @throws QStashHttpError `ERR_HTTP` on a non-2xx answer.
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @throws QStashResponseError `ERR_BAD_RESPONSE` when the answer lacks `messageId`.
   * @example
   * ```ts
   * const { messageId } = await client.publish({
   *   destination: "https://example.com/api/hook",
   *   body: "hello",
   *   delay: "10s",
   * });
   * const perEndpoint = await client.publish({ destination: "billing-group", body: "hi" });
   * ```
   */
  async publish<Destination extends string>(
    options: ClientPublishOptions & { destination: Destination },
  ): Promise<PublishResponse<Destination>> {
    const request = buildPublishRequest({ ...options, ...this.#credentials() });
    const response = await this.#transport.sendRequest(request, isDeduplicated(options));
    return parsePublishResponse(response.text) as PublishResponse<Destination>;
  }

  /**
   * Like {@link Client.publish}, but `body` is always serialised with
   * `JSON.stringify` (even a string) and `Content-Type` defaults to
   * `application/json`.
   * @param options - as for `publish`; `body` is any JSON value.
   * @returns as for `publish`.
   * @throws InvalidOptionError `ERR_INVALID_OPTION` for invalid options (nothing is sent).
   * @throws QStashHttpError `ERR_HTTP` on a non-2xx answer.
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @throws QStashResponseError `ERR_BAD_RESPONSE` when the answer lacks `messageId`.
   * @example
   * ```ts
   * await client.publishJSON({ destination: "https://example.com/api/hook", body: { id: 42 } });
   * ```
   */
  async publishJSON<Destination extends string>(
    options: ClientPublishOptions & { destination: Destination },
  ): Promise<PublishResponse<Destination>> {
    return this.publish(asJson(options));
  }

  /**
   * Publishes a message through a FIFO queue (`/v2/enqueue/{queueName}/…`);
   * an unknown queue is created with parallelism 1. Same retry rule as `publish`.
   * @param options - publish options plus `queueName`.
   * @returns as for `publish`.
   * @throws InvalidOptionError `ERR_INVALID_OPTION` for a bad queue name or options.
   * @throws QStashHttpError `ERR_HTTP` on a non-2xx answer.
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @throws QStashResponseError `ERR_BAD_RESPONSE` when the answer lacks `messageId`.
   * @example
   * ```ts
   * await client.enqueue({ queueName: "emails", destination: "https://example.com/api/send", body: "x" });
   * ```
   */
  async enqueue<Destination extends string>(
    options: ClientEnqueueOptions & { destination: Destination },
  ): Promise<PublishResponse<Destination>> {
    const request = buildPublishRequest({ ...options, ...this.#credentials() });
    const response = await this.#transport.sendRequest(request, isDeduplicated(options));
    return parsePublishResponse(response.text) as PublishResponse<Destination>;
  }

  /**
   * Like {@link Client.enqueue} with JSON serialisation of `body`, as in `publishJSON`.
   * @param options - as for `enqueue`; `body` is any JSON value.
   * @returns as for `publish`.
   * @throws InvalidOptionError `ERR_INVALID_OPTION` for a bad queue name or options.
   * @throws QStashHttpError `ERR_HTTP` on a non-2xx answer.
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @throws QStashResponseError `ERR_BAD_RESPONSE` when the answer lacks `messageId`.
   * @example
   * ```ts
   * await client.enqueueJSON({ queueName: "emails", destination: "https://example.com/api/send", body: { id: 1 } });
   * ```
   */
  async enqueueJSON<Destination extends string>(
    options: ClientEnqueueOptions & { destination: Destination },
  ): Promise<PublishResponse<Destination>> {
    return this.enqueue(asJson(options));
  }

  /**
   * Publishes or enqueues many messages in one request (`POST /v2/batch`).
   * Bodies must be text (or JSON values). Retried on 5xx only when every
   * entry carries a deduplication setting.
   * @param entries - publish options per message; `queueName` enqueues that entry.
   * @returns one element per entry, in order: a result, an array for a URL
   *   group, or `{ error }` for an entry the server refused.
   * @throws InvalidOptionError `ERR_INVALID_OPTION` (option `entries.<i>.<name>`) for an invalid entry.
   * @throws QStashHttpError `ERR_HTTP` on a non-2xx answer.
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @throws QStashResponseError `ERR_BAD_RESPONSE` when the answer is not a result list.
   * @example
   * ```ts
   * const results = await client.batch([
   *   { destination: "https://example.com/a", body: "one" },
   *   { destination: "https://example.com/b", body: { two: 2 }, queueName: "q" },
   * ]);
   * ```
   */
  async batch(entries: readonly BatchEntry[]): Promise<BatchResult[]> {
    const { body, idempotent } = await encodeBatch(entries, this.#credentials());
    const headers = new Headers({ "content-type": "application/json" });
    const response = await this.#transport.send({ method: "POST", path: "/v2/batch", headers, body, idempotent });
    return parseBatchResponse(response.text);
  }

  /**
   * Like {@link Client.batch}, with every entry's body JSON-serialised as in `publishJSON`.
   * @param entries - as for `batch`; bodies are any JSON values.
   * @returns as for `batch`.
   * @throws InvalidOptionError `ERR_INVALID_OPTION` (option `entries.<i>.<name>`) for an invalid entry.
   * @throws QStashHttpError `ERR_HTTP` on a non-2xx answer.
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @throws QStashResponseError `ERR_BAD_RESPONSE` when the answer is not a result list.
   * @example
   * ```ts
   * await client.batchJSON([{ destination: "https://example.com/a", body: "quoted" }]);
   * ```
   */
  async batchJSON(entries: readonly BatchEntry[]): Promise<BatchResult[]> {
    return this.batch(entries.map((entry) => asJson(entry)));
  }

  /**
   * Publishes a typed payload to a destination defined with
   * `defineDestination`: the payload type comes from its schema, the URL from
   * its path and `appUrl`, and its declared callbacks and defaults are applied
   * (per-call options win). Delegates to `sendToDestination`.
   * @param destination - the definition, a `destinationRef`, or a path/URL.
   * @param payload - validated with the definition's schema before publishing (unless `validate: false`).
   * @param options - per-call overrides: delay, retries, queueName, deduplication, appUrl, …
   * @returns `{ messageId, url?, deduplicated? }`.
   * @throws InvalidOptionError `ERR_INVALID_OPTION` (option `appUrl`) when a path cannot be made absolute.
   * @throws PayloadValidationError `ERR_INVALID_PAYLOAD` when the payload fails the schema.
   * @throws QStashHttpError `ERR_HTTP` on a non-2xx answer.
   * @throws QStashNetworkError `ERR_NETWORK` when the API could not be reached.
   * @example
   * ```ts
   * const client = new Client({ appUrl: "https://app.example.com" });
   * await client.send(sendEmail, { to: "ada@example.com", subject: "Hi" }, { delay: "10s" });
   * ```
   */
  send<D extends AnyDestination>(
    destination: D | DestinationRef<D> | string,
    payload: PayloadOf<D>,
    options?: SendOptions,
  ): Promise<PublishResult> {
    // Destinations resolve to one absolute URL, so the answer is a single result.
    return sendToDestination(this, destination, payload, options) as Promise<PublishResult>;
  }

  #credentials() {
    return { token: this.#transport.token, baseUrl: this.#transport.baseUrl };
  }
}

function readEnv(name: string): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.[name];
  return value === "" ? undefined : value;
}

function resolveToken(token: string | undefined): string {
  const value = token ?? readEnv("QSTASH_TOKEN");
  if (typeof value !== "string" || value.trim() === "") {
    throw new InvalidOptionError("token", "is required: pass it or set QSTASH_TOKEN");
  }
  if (/[\s\0]/.test(value)) throw new InvalidOptionError("token", "must not contain whitespace or control characters");
  return value;
}

function resolveTimeout(timeout: number | undefined): number | undefined {
  if (timeout === undefined) return undefined;
  if (!(Number.isFinite(timeout) && timeout > 0)) throw new InvalidOptionError("timeout", "must be a positive number of ms");
  return timeout;
}

function resolveBaseUrl(baseUrl: string | undefined): string {
  let value = baseUrl ?? readEnv("QSTASH_URL") ?? DEFAULT_BASE_URL;
  if (value.endsWith("/")) value = value.slice(0, -1);
  if (value === LEGACY_BASE_URL) return DEFAULT_BASE_URL;
  let protocol = "";
  try {
    protocol = new URL(value).protocol;
  } catch {
    // Reported below with the option name.
  }
  if (protocol !== "http:" && protocol !== "https:") {
    throw new InvalidOptionError("baseUrl", "must be an absolute http(s) URL");
  }
  return value;
}
