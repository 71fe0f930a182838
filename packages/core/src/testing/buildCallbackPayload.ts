import { encodeBase64, utf8 } from "../lib/base64url.js";
import { InvalidOptionError } from "../errors.js";

type HeaderInput = Readonly<Record<string, string | readonly string[]>>;

/** Options of {@link buildCallbackPayload}: the report fields, with bodies as text or bytes. */
export interface BuildCallbackPayloadOptions {
  /** Status the destination answered. */
  status: number;
  /** Destination response headers (single strings become one-element arrays). */
  header?: HeaderInput;
  /** Destination response body (base64-encoded into `body`). */
  body?: string | Uint8Array;
  /**
   * Retries before the reported attempt; omitted from the JSON when 0, as QStash does.
   * @default 0
   */
  retried?: number;
  /** The message's retry budget. */
  maxRetries?: number;
  /** DLQ id: set it to build a failure-callback report. */
  dlqId?: string;
  /** Id of the reported message. */
  sourceMessageId?: string;
  /** URL group name. */
  topicName?: string;
  /** Endpoint name inside the URL group. */
  endpointName?: string;
  /** Destination URL of the original message. */
  url?: string;
  /** HTTP method of the original delivery. */
  method?: string;
  /** Headers of the original message. */
  sourceHeader?: HeaderInput;
  /** The original message body (base64-encoded into `sourceBody`). */
  sourceBody?: string | Uint8Array;
  /** Unix ms. */
  notBefore?: number;
  /** Unix ms. */
  createdAt?: number;
  /** Schedule id. */
  scheduleId?: string;
  /** Publisher IP (written as `callerIP`, the wire spelling). */
  callerIp?: string;
}

/** The JSON report QStash posts to callback and failure-callback URLs (wire spec section 5). */
export interface CallbackReport {
  /** Status the destination answered. */
  status: number;
  /** Destination response headers, each value an array. */
  header?: Record<string, string[]>;
  /** Destination response body, standard padded base64. */
  body?: string;
  /** Retries before the reported attempt; absent when 0. */
  retried?: number;
  /** The message's retry budget. */
  maxRetries?: number;
  /** DLQ id; present only on failure-callback reports. */
  dlqId?: string;
  /** Id of the reported message. */
  sourceMessageId?: string;
  /** URL group name. */
  topicName?: string;
  /** Endpoint name inside the URL group. */
  endpointName?: string;
  /** Destination URL of the original message. */
  url?: string;
  /** HTTP method of the original delivery. */
  method?: string;
  /** Headers of the original message, each value an array. */
  sourceHeader?: Record<string, string[]>;
  /** The original message body, standard padded base64. */
  sourceBody?: string;
  /** Unix ms. */
  notBefore?: number;
  /** Unix ms. */
  createdAt?: number;
  /** Schedule id. */
  scheduleId?: string;
  /** Publisher IP (wire spelling). */
  callerIP?: string;
}

/**
 * Builds a callback (or, with `dlqId`, failure-callback) report exactly as QStash shapes it:
 * same key order, bodies in standard padded base64, header values as arrays, `retried`
 * omitted when 0. Post it with {@link signDelivery} to test callback handlers.
 *
 * @param options - the report fields; bodies as text or bytes.
 * @returns a JSON-ready object (`JSON.stringify` it for the request body).
 * @throws {InvalidOptionError} `ERR_INVALID_OPTION` when `status` is not an integer.
 * @example
 * ```ts
 * import { buildCallbackPayload, signDelivery } from "@stashkit/core/testing";
 * const body = JSON.stringify(buildCallbackPayload({ status: 500, body: "boom", retried: 3, maxRetries: 3, dlqId: "1725323658779-0", sourceBody: '{"to":"ada@example.com"}' }));
 * const signature = await signDelivery({ key, url: "http://localhost:3000/api/on-failed", body });
 * ```
 */
export function buildCallbackPayload(options: BuildCallbackPayloadOptions): CallbackReport {
  if (!Number.isInteger(options.status)) throw new InvalidOptionError("status", "must be an integer");
  const report: CallbackReport = { status: options.status };
  if (options.header !== undefined) report.header = headerArrays(options.header);
  if (options.body !== undefined) report.body = base64Of(options.body);
  if (options.retried) report.retried = options.retried;
  copy(report, options, ["maxRetries", "dlqId", "sourceMessageId", "topicName", "endpointName", "url", "method"]);
  if (options.sourceHeader !== undefined) report.sourceHeader = headerArrays(options.sourceHeader);
  if (options.sourceBody !== undefined) report.sourceBody = base64Of(options.sourceBody);
  copy(report, options, ["notBefore", "createdAt", "scheduleId"]);
  if (options.callerIp !== undefined) report.callerIP = options.callerIp;
  return report;
}

function copy(target: CallbackReport, source: BuildCallbackPayloadOptions, keys: ReadonlyArray<keyof BuildCallbackPayloadOptions & keyof CallbackReport>): void {
  for (const key of keys) if (source[key] !== undefined) (target as unknown as Record<string, unknown>)[key] = source[key];
}

function headerArrays(headers: HeaderInput): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = typeof value === "string" ? [value] : [...value];
  return out;
}

function base64Of(body: string | Uint8Array): string {
  return encodeBase64(typeof body === "string" ? utf8(body) : body);
}
