import { InvalidOptionError } from "../errors.js";
import type { CallbackDefinition } from "../handlers/defineCallback.js";
import type { AnyDestination, CallbackTarget } from "../handlers/defineDestination.js";
import { buildCallbackPayload } from "./buildCallbackPayload.js";
import { serialise } from "./buildDeliveryRequest.js";
import { DEFAULT_MAX_RETRIES, forwardedHeaders, newMessageId, signedDeliveryRequest, urlOf } from "./signedDeliveryRequest.js";
import type { DeliveryRequestOptions, MessageSettings } from "./signedDeliveryRequest.js";

type HeaderInput = Readonly<Record<string, string | readonly string[]>>;

/**
 * What a test says about the reported attempt; `buildCallbackRequest` fills in the rest of
 * QStash's report (wire spec 5).
 *
 * @typeParam SourcePayload - the original message's payload (typed from the callback's destination)
 */
export interface CallbackReportInput<SourcePayload = unknown> {
  /** Status the destination answered on the reported attempt. */
  status: number;
  /**
   * The destination's response body: text or bytes as they were, any other value as its JSON.
   * @default no body
   */
  body?: unknown;
  /**
   * The destination's response headers.
   * @default `Content-Type: application/json` when `body` is a JSON value, else none
   */
  header?: HeaderInput;
  /**
   * The original message's payload, JSON-serialised into `sourceBody` (not validated, so a test
   * can check that a report whose source does not match the destination's schema gets 489).
   */
  sourcePayload?: SourcePayload;
  /** Exact bytes of the original body, instead of `sourcePayload`'s JSON. */
  sourceBody?: string | Uint8Array;
  /**
   * Retries before the reported attempt.
   * @default 0 for a callback; `maxRetries` for a failure callback (the retries ran out)
   */
  retried?: number;
  /**
   * The original message's retry budget.
   * @default the destination's `retries`, else 3
   */
  maxRetries?: number;
  /**
   * DLQ id of the failed message.
   * @default a fresh `<ms>-<n>` id for a failure callback; none for a callback
   */
  dlqId?: string;
  /**
   * Id of the reported message.
   * @default a fresh `msg_…` id
   */
  sourceMessageId?: string;
  /**
   * Destination URL of the original message.
   * @default the declared destination's path on `baseUrl`, else `baseUrl`
   */
  url?: string;
  /**
   * HTTP method of the original delivery.
   * @default "POST"
   */
  method?: string;
  /**
   * Headers of the original message.
   * @default its `Content-Type` and the destination's forwarded headers
   */
  sourceHeader?: HeaderInput;
  /** URL group name. */
  topicName?: string;
  /** Endpoint name inside the URL group. */
  endpointName?: string;
  /** Schedule id. */
  scheduleId?: string;
  /**
   * When the original message was due, Unix ms.
   * @default now
   */
  notBefore?: number;
  /**
   * When the original message was created, Unix ms.
   * @default now
   */
  createdAt?: number;
  /**
   * Publisher IP (written `callerIP` in the report).
   * @default "127.0.0.1"
   */
  callerIp?: string;
}

/** Any callback or failure-callback definition (a generic constraint). */
export type AnyCallback = CallbackDefinition<any, any>;

/** The source payload type a callback definition declares. */
export type SourcePayloadOf<C> = C extends CallbackDefinition<infer SourcePayload, infer _Result> ? SourcePayload : never;

let dlqSequence = 0;

/**
 * Builds the `Request` QStash would post to a callback or failure callback: the JSON report
 * (built with `buildCallbackPayload`, so key order, base64 bodies and omissions are QStash's)
 * for the attempt described by `report`, delivered like any QStash message (own message id,
 * `Upstash-Retried`, `Upstash-Max-Retries`, the callback's forwarded headers) and signed for the
 * callback's URL (its path on `options.baseUrl`). Whatever `report` leaves out is filled in:
 * `sourceMessageId`, `url`, `method`, `sourceHeader`, `maxRetries`, timestamps, `callerIP`,
 * and for a failure callback `dlqId` and `retried` = `maxRetries`.
 *
 * @param callback - a `defineCallback` or `defineFailureCallback` definition
 * @param report - the reported attempt: `status`, `body`, `sourcePayload`, `retried`, …
 * @param options - base URL, key, the callback delivery's own headers, signature overrides;
 *   `body` replaces the whole report with exact bytes
 * @returns the signed callback request
 * @throws {InvalidOptionError} `ERR_INVALID_OPTION` when `callback` is not a callback definition,
 *   when `report.status` is not an integer, when a value cannot be serialised as JSON, or when no
 *   signing key is available (option `key`)
 * @example
 * ```ts
 * import { buildCallbackRequest } from "@stashkit/core/testing";
 * const request = await buildCallbackRequest(onFailed, { status: 500, body: "smtp down", sourcePayload: { to: "ada@example.com", subject: "Hi" } });
 * const response = await onFailed.handle(request); // the handler sees callback.dlqId and the typed sourcePayload
 * ```
 */
export async function buildCallbackRequest<C extends AnyCallback>(
  callback: C,
  report: CallbackReportInput<SourcePayloadOf<C>>,
  options: DeliveryRequestOptions = {},
): Promise<Request> {
  if (callback?.kind !== "callback" && callback?.kind !== "failureCallback") {
    throw new InvalidOptionError("callback", "must be a definition from defineCallback or defineFailureCallback");
  }
  if (typeof report !== "object" || report === null) throw new InvalidOptionError("report", "must be an object with at least a status");
  const destination: AnyDestination | undefined = callback.destination;
  const target = targetOf(destination, callback.kind);
  const body = options.body ?? JSON.stringify(reportOf(callback, report, options.baseUrl));
  return signedDeliveryRequest(callback, body, options, callbackSettings(destination, target));
}

function reportOf(callback: AnyCallback, report: CallbackReportInput, baseUrl: string | undefined): ReturnType<typeof buildCallbackPayload> {
  const failure = callback.kind === "failureCallback";
  const destination: AnyDestination | undefined = callback.destination;
  const maxRetries = report.maxRetries ?? destination?.defaults.retries ?? DEFAULT_MAX_RETRIES;
  const now = Date.now();
  const response = responseBody(report);
  return buildCallbackPayload({
    status: report.status,
    header: report.header ?? response.header,
    body: response.body,
    retried: report.retried ?? (failure ? maxRetries : 0),
    maxRetries,
    dlqId: report.dlqId ?? (failure ? `${now}-${++dlqSequence}` : undefined),
    sourceMessageId: report.sourceMessageId ?? newMessageId(),
    topicName: report.topicName,
    endpointName: report.endpointName,
    url: report.url ?? (destination ? urlOf(destination, baseUrl) : urlOf({ path: "/" }, baseUrl)),
    method: report.method ?? "POST",
    sourceHeader: report.sourceHeader ?? sourceHeaderOf(destination),
    sourceBody: report.sourceBody ?? sourceBodyOf(report.sourcePayload),
    notBefore: report.notBefore ?? now,
    createdAt: report.createdAt ?? now,
    scheduleId: report.scheduleId,
    callerIp: report.callerIp ?? "127.0.0.1",
  });
}

function responseBody(report: CallbackReportInput): { body?: string | Uint8Array; header?: HeaderInput } {
  const { body } = report;
  if (body === undefined) return {};
  if (typeof body === "string" || body instanceof Uint8Array) return { body };
  return { body: serialise(body, "report.body"), header: { "Content-Type": "application/json" } };
}

function sourceHeaderOf(destination: AnyDestination | undefined): Record<string, string> {
  const { "content-type": contentType = "application/json", ...forwarded } = forwardedHeaders(destination?.defaults.headers);
  return { "Content-Type": contentType, ...forwarded };
}

function sourceBodyOf(payload: unknown): string | undefined {
  return payload === undefined ? undefined : serialise(payload, "report.sourcePayload");
}

function targetOf(destination: AnyDestination | undefined, kind: AnyCallback["kind"]): Exclude<CallbackTarget, string> | undefined {
  const target = kind === "callback" ? destination?.defaults.callback : destination?.defaults.failureCallback;
  return typeof target === "object" ? target : undefined;
}

// A callback is a QStash message of its own whose settings default to the source message's
// (wire spec 5), so its headers echo the destination's callback target first.
function callbackSettings(destination: AnyDestination | undefined, target: Exclude<CallbackTarget, string> | undefined): MessageSettings {
  return {
    maxRetries: target?.retries ?? destination?.defaults.retries,
    retryDelay: target?.retryDelay ?? destination?.defaults.retryDelay,
    headers: target?.headers,
  };
}
