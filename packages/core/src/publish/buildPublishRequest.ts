import { formatDuration } from "./duration.js";
import { InvalidOptionError } from "../errors.js";
import { formatFlowControlValue } from "./flowControl.js";
import { headerValueProblem } from "./headerValue.js";
import { bodyKind, encodeBody } from "./publishBody.js";
import {
  baseUrlProblem,
  parsePublishOptions,
  type ParsedCallback,
  type ParsedPublishOptions,
  type PublishOptions,
} from "./publishOptions.js";

export type { PublishOptions };

const DEFAULT_BASE_URL = "https://qstash.upstash.io";
// Older setups pointed QSTASH_URL at the publish endpoint itself; the official
// SDK maps it back to the base URL, so we do too.
const LEGACY_BASE_URL = "https://qstash.upstash.io/v2/publish";

/** Header names → values, lower-cased names (what `Headers` would produce anyway). */
type HeaderRecord = Record<string, string>;

/**
 * Builds the `Request` that publishes (or, with `queueName`, enqueues) one
 * QStash message. Nothing is sent; pass the result to `fetch`.
 *
 * `POST {baseUrl}/v2/publish/{destination}`, or
 * `POST {baseUrl}/v2/enqueue/{queueName}/{destination}`, with
 * `Authorization: Bearer <token>`, `Upstash-Method` always, and one header per
 * option given. A string body without `contentType` gets the fetch default
 * `text/plain;charset=UTF-8`, as with the official SDK.
 *
 * @param options - See {@link PublishOptions}; every option is validated before anything is built.
 * @returns A ready-to-send `Request`.
 * @throws {InvalidOptionError} `ERR_INVALID_OPTION`, `option` naming the path
 *   (`"retries"`, `"callback.timeout"`, `"headers.X-Foo"`, `"token"`, `"body"`…):
 *   bad URL or destination, CR/LF/NUL in any header value or an invalid header
 *   name, unknown method, negative or fractional retries, bad duration,
 *   unparsable retry expression, invalid queue name, unsupported body, missing
 *   token, unknown option.
 * @example
 * ```ts
 * const request = buildPublishRequest({
 *   token: process.env.QSTASH_TOKEN,
 *   queueName: "emails",
 *   destination: "https://example.com/api/send-email",
 *   body: { to: "ada@example.com" },
 *   retries: 3,
 *   retryDelay: "pow(2, retried) * 1000",
 * });
 * const response = await fetch(request);
 * ```
 */
export function buildPublishRequest(options: PublishOptions): Request {
  const parsed = parsePublishOptions(options);
  const encoded = encodeBody(parsed.body);
  const headers = publishHeaderRecord(parsed, encoded.json);
  return new Request(publishUrl(parsed), { method: "POST", headers, body: encoded.body ?? null });
}

/**
 * Builds only the headers `buildPublishRequest` would send (for batch entries
 * and schedules, which carry the same configuration headers). The body is
 * type-checked but not serialised.
 *
 * @param options - See {@link PublishOptions}.
 * @returns A `Headers` with lower-cased names.
 * @throws {InvalidOptionError} `ERR_INVALID_OPTION`, as `buildPublishRequest`.
 * @example
 * ```ts
 * const headers = buildPublishHeaders({ token, destination: "https://x.dev/hook", delay: "5m" });
 * headers.get("upstash-delay"); // "300s"
 * ```
 */
export function buildPublishHeaders(options: PublishOptions): Headers {
  const parsed = parsePublishOptions(options);
  return new Headers(publishHeaderRecord(parsed, bodyKind(parsed.body) === "json"));
}

function publishUrl(options: ParsedPublishOptions): string {
  const base = resolveBaseUrl(options.baseUrl);
  const route = options.queueName === undefined ? "publish" : `enqueue/${options.queueName}`;
  return `${base}/v2/${route}/${options.destination}`;
}

function resolveBaseUrl(explicit: string | undefined): string {
  const raw = explicit ?? readEnv("QSTASH_URL") ?? DEFAULT_BASE_URL;
  const url = raw.endsWith("/") ? raw.slice(0, -1) : raw;
  if (url === LEGACY_BASE_URL) return DEFAULT_BASE_URL;
  if (explicit === undefined && url !== DEFAULT_BASE_URL) checkEnvBaseUrl(url);
  return url;
}

let lastCheckedEnvUrl: string | undefined;

function checkEnvBaseUrl(url: string): void {
  // Checked once per distinct value: the environment rarely changes between calls.
  if (url === lastCheckedEnvUrl) return;
  if (baseUrlProblem(url) !== undefined) throw new InvalidOptionError("baseUrl", "QSTASH_URL must be an absolute http(s) URL");
  lastCheckedEnvUrl = url;
}

function resolveToken(explicit: string | undefined): string {
  if (explicit !== undefined) return explicit;
  const fromEnv = readEnv("QSTASH_TOKEN");
  if (fromEnv === undefined) throw new InvalidOptionError("token", "is missing; pass token or set QSTASH_TOKEN");
  const problem = headerValueProblem(fromEnv);
  if (problem !== undefined) throw new InvalidOptionError("token", `QSTASH_TOKEN ${problem}`);
  return fromEnv;
}

function readEnv(name: string): string | undefined {
  // `process` may be absent (browsers, some edge runtimes): no env then.
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.[name];
  return value === undefined || value === "" ? undefined : value;
}

function publishHeaderRecord(options: ParsedPublishOptions, json: boolean): HeaderRecord {
  const headers: HeaderRecord = {};
  if (options.headers !== undefined) addForwardedHeaders(headers, options.headers);
  headers.authorization = `Bearer ${resolveToken(options.token)}`;
  if (options.contentType !== undefined) headers["content-type"] = options.contentType;
  else if (json && headers["content-type"] === undefined) headers["content-type"] = "application/json";
  headers["upstash-method"] = options.method ?? "POST";
  addDeliveryHeaders(headers, options);
  if (options.callback !== undefined) addCallbackHeaders(headers, "upstash-callback", options.callback);
  if (options.failureCallback !== undefined) {
    addCallbackHeaders(headers, "upstash-failure-callback", options.failureCallback);
  }
  addMetadataHeaders(headers, options);
  return headers;
}

// Same rule as the official SDK: Content-Type and Upstash-* names are request
// configuration and pass through; every other name is forwarded to the destination.
function addForwardedHeaders(headers: HeaderRecord, entries: ReadonlyArray<[string, string]>): void {
  for (const [name, value] of entries) {
    const lower = name.toLowerCase();
    const passThrough = lower === "content-type" || lower.startsWith("upstash-");
    headers[passThrough ? lower : `upstash-forward-${lower}`] = value;
  }
}

function addDeliveryHeaders(headers: HeaderRecord, options: ParsedPublishOptions): void {
  if (options.timeout !== undefined) headers["upstash-timeout"] = formatDuration(options.timeout);
  if (options.retries !== undefined) headers["upstash-retries"] = String(options.retries);
  if (options.retryDelay !== undefined) headers["upstash-retry-delay"] = options.retryDelay;
  if (options.delay !== undefined) headers["upstash-delay"] = formatDuration(options.delay);
  if (options.notBefore !== undefined) headers["upstash-not-before"] = String(options.notBefore);
}

function addCallbackHeaders(headers: HeaderRecord, prefix: string, callback: ParsedCallback): void {
  headers[prefix] = callback.url;
  if (callback.method !== undefined) headers[`${prefix}-method`] = callback.method;
  if (callback.timeout !== undefined) headers[`${prefix}-timeout`] = formatDuration(callback.timeout);
  if (callback.retries !== undefined) headers[`${prefix}-retries`] = String(callback.retries);
  if (callback.retryDelay !== undefined) headers[`${prefix}-retry-delay`] = callback.retryDelay;
  if (callback.delay !== undefined) headers[`${prefix}-delay`] = formatDuration(callback.delay);
  for (const [name, value] of callback.headers ?? []) headers[`${prefix}-forward-${name.toLowerCase()}`] = value;
}

function addMetadataHeaders(headers: HeaderRecord, options: ParsedPublishOptions): void {
  if (options.deduplicationId !== undefined) headers["upstash-deduplication-id"] = options.deduplicationId;
  if (options.contentBasedDeduplication === true) headers["upstash-content-based-deduplication"] = "true";
  if (options.label !== undefined) headers["upstash-label"] = options.label;
  if (options.redact !== undefined) {
    const fields = redactFields(options.redact);
    if (fields !== "") headers["upstash-redact-fields"] = fields;
  }
  if (options.flowControl !== undefined) {
    headers["upstash-flow-control-key"] = options.flowControl.key;
    headers["upstash-flow-control-value"] = formatFlowControlValue(options.flowControl);
  }
}

// `header` (singular) for all headers is what the official SDK sends.
function redactFields(redact: NonNullable<ParsedPublishOptions["redact"]>): string {
  const fields: string[] = [];
  if (redact.body === true) fields.push("body");
  if (redact.headers === true) fields.push("header");
  else if (Array.isArray(redact.headers)) for (const name of redact.headers) fields.push(`header[${name}]`);
  return fields.join(",");
}
