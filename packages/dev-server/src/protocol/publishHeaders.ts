import { parseRetryDelay } from "@stashkit/core";
import { badRequest } from "../apiError.js";
import { DEFAULT_RETRIES } from "../defaults.js";
import { parseFlowControlValue } from "./flowControlValue.js";
import { assertSendableHeader } from "./headerSyntax.js";
import { canonicalHeaderName, isFramingHeader, isForwardableInWebhookMode } from "./headerNames.js";
import type { CallbackSpec, FlowControlSpec, MessageSpec } from "./messageSpec.js";
import type { PublishRules } from "./publishRules.js";
import { parseRedactFields } from "./redaction.js";
import { parseHeaderDuration } from "./serverDuration.js";
import { parseTargetUrl } from "./targetUrl.js";

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]);
/** Longest delay (and latest `Upstash-Not-Before`) accepted: QStash's pay-as-you-go maximum. */
const MAX_DELAY_MS = 366 * 24 * 60 * 60 * 1000;

/** Lower-cased header name → value. */
export type HeaderMap = Record<string, string>;

function method(headers: HeaderMap, name: string): string {
  const value = headers[name];
  if (value === undefined || value === "") return "POST";
  const upper = value.trim().toUpperCase();
  if (!METHODS.has(upper)) throw badRequest(`invalid ${canonicalHeaderName(name)} header`);
  return upper;
}

// Rounded up to whole ms: timestamps derived from durations stay integers and never fire early.
function duration(headers: HeaderMap, name: string, min = 0): number | undefined {
  const value = headers[name];
  if (value === undefined || value.trim() === "") return undefined;
  const ms = parseHeaderDuration(value);
  if (ms === undefined || ms > MAX_DELAY_MS) {
    throw badRequest(`invalid ${canonicalHeaderName(name)} header: expected a duration like 10s, 5m, 1h`);
  }
  if (ms < min) throw badRequest(`invalid ${canonicalHeaderName(name)} header: must be more than 0s`);
  return Math.ceil(ms);
}

/** A timeout of 0 would abort every attempt after the destination already received it. */
function timeout(headers: HeaderMap, name: string): number | undefined {
  return duration(headers, name, Number.MIN_VALUE);
}

function integer(headers: HeaderMap, name: string): number | undefined {
  const value = headers[name]?.trim();
  if (value === undefined || value === "") return undefined;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw badRequest(`invalid ${canonicalHeaderName(name)} header: expected a non-negative integer`);
  }
  return Number(value);
}

function retryDelay(headers: HeaderMap, name: string): string | undefined {
  const value = headers[name]?.trim();
  if (value === undefined || value === "") return undefined;
  try {
    parseRetryDelay(value);
  } catch {
    throw badRequest(`invalid ${canonicalHeaderName(name)} header: not a retry delay expression`);
  }
  return value;
}

function targetUrl(headers: HeaderMap, name: string, rules: PublishRules): string | undefined {
  const value = headers[name]?.trim();
  if (value === undefined || value === "") return undefined;
  parseTargetUrl(value, `${canonicalHeaderName(name)} header`, rules.isOwnUrl);
  return value;
}

/**
 * Headers named `<prefix><Name>`, delivered as `<Name>`. Framing headers are dropped (the
 * sender sets its own), and a name or value no HTTP request can carry is a 400 now rather
 * than a failure on every attempt.
 */
function forwarded(headers: HeaderMap, prefix: string, out: Record<string, string> = {}): Record<string, string> {
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith(prefix) || name.length === prefix.length) continue;
    const target = name.slice(prefix.length);
    assertSendableHeader(target, value, canonicalHeaderName(name));
    if (!isFramingHeader(target)) out[canonicalHeaderName(target)] = value;
  }
  return out;
}

/**
 * Workflow SDKs publish run state as `Upstash-Workflow-*` (and `Upstash-Callback-Workflow-*` /
 * `Upstash-Failure-Callback-Workflow-*` for the callback legs); QStash delivers them as
 * `Upstash-Workflow-*`, and the workflow endpoint cannot find its run id without them.
 */
function workflowHeaders(headers: HeaderMap, prefix: string, out: Record<string, string>): Record<string, string> {
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith(prefix) || name.length === prefix.length) continue;
    const target = `upstash-workflow-${name.slice(prefix.length)}`;
    assertSendableHeader(target, value, canonicalHeaderName(name));
    out[canonicalHeaderName(target)] = value;
  }
  return out;
}

function callbackSpec(
  headers: HeaderMap,
  prefix: "upstash-callback" | "upstash-failure-callback",
  rules: PublishRules,
): CallbackSpec | undefined {
  const url = targetUrl(headers, prefix, rules);
  if (url === undefined) return undefined;
  const forwardHeaders = workflowHeaders(headers, `${prefix}-workflow-`, forwarded(headers, `${prefix}-forward-`));
  return {
    url,
    method: method(headers, `${prefix}-method`),
    retries: integer(headers, `${prefix}-retries`),
    retryDelay: retryDelay(headers, `${prefix}-retry-delay`),
    timeoutMs: timeout(headers, `${prefix}-timeout`),
    delayMs: duration(headers, `${prefix}-delay`) ?? 0,
    forwardHeaders,
  };
}

function flowControl(headers: HeaderMap): FlowControlSpec | undefined {
  const key = headers["upstash-flow-control-key"]?.trim();
  if (key === undefined || key === "") return undefined;
  const value = headers["upstash-flow-control-value"];
  return { key, ...(value === undefined ? {} : parseFlowControlValue(value)) };
}

function forwardHeaders(headers: HeaderMap): Record<string, string> {
  const out = workflowHeaders(headers, "upstash-workflow-", forwarded(headers, "upstash-forward-"));
  if (headers["upstash-header-forward"]?.trim().toLowerCase() === "true") {
    for (const [name, value] of Object.entries(headers)) {
      if (!isForwardableInWebhookMode(name)) continue;
      assertSendableHeader(name, value, canonicalHeaderName(name));
      out[canonicalHeaderName(name)] ??= value;
    }
  }
  return out;
}

function contentType(headers: HeaderMap): string | undefined {
  const value = headers["content-type"];
  if (value !== undefined) assertSendableHeader("content-type", value, "Content-Type");
  return value;
}

/** The headers as the publish carried them, for a callback's `sourceHeader` (wire spec 8). */
function sourceHeader(headers: HeaderMap): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const type = headers["content-type"];
  if (type !== undefined) out["Content-Type"] = [type];
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith("upstash-forward-")) out[canonicalHeaderName(name)] = [value];
  }
  return out;
}

function labels(headers: HeaderMap): string[] {
  const value = headers["upstash-label"];
  if (value === undefined) return [];
  return value.split(",").map((label) => label.trim()).filter((label) => label !== "");
}

function notBefore(headers: HeaderMap, now: number): number | undefined {
  const seconds = integer(headers, "upstash-not-before");
  if (seconds === undefined) return undefined;
  // Unbounded, a typo such as milliseconds for seconds would keep the message (and idle()) pending for ever.
  if (seconds * 1000 > now + MAX_DELAY_MS) {
    throw badRequest("invalid Upstash-Not-Before header: expected Unix seconds at most a year ahead");
  }
  return seconds * 1000;
}

/** Strings are kept twice (raw and parsed), two bytes a character at worst. */
function headerBytes(headers: HeaderMap): number {
  let bytes = 256;
  for (const name in headers) bytes += 4 * (name.length + headers[name]!.length);
  return bytes;
}

/**
 * Validates the configuration headers of a publish, enqueue, batch entry or
 * schedule (wire spec 2.2) and returns the message specification.
 *
 * @param headers - Lower-cased header names (query-string configuration already merged in).
 * @param rules - The time and the server's own address (callbacks must not point at it).
 * @throws ApiError (400) whose message names the offending header.
 * @example
 * ```ts
 * const spec = parsePublishHeaders({ "upstash-retries": "2", "upstash-delay": "10s" }, { now: Date.now(), isOwnUrl: () => false });
 * spec.retries; // 2
 * ```
 */
export function parsePublishHeaders(headers: HeaderMap, rules: PublishRules): MessageSpec {
  return {
    method: method(headers, "upstash-method"),
    contentType: contentType(headers),
    delayMs: duration(headers, "upstash-delay") ?? 0,
    notBefore: notBefore(headers, rules.now),
    retries: integer(headers, "upstash-retries") ?? DEFAULT_RETRIES,
    retryDelay: retryDelay(headers, "upstash-retry-delay"),
    timeoutMs: timeout(headers, "upstash-timeout"),
    callback: callbackSpec(headers, "upstash-callback", rules),
    failureCallback: callbackSpec(headers, "upstash-failure-callback", rules),
    forwardHeaders: forwardHeaders(headers),
    sourceHeader: sourceHeader(headers),
    deduplicationId: headers["upstash-deduplication-id"],
    contentBasedDeduplication: headers["upstash-content-based-deduplication"]?.trim().toLowerCase() === "true",
    flowControl: flowControl(headers),
    labels: labels(headers),
    redact: parseRedactFields(headers["upstash-redact-fields"]),
    rawHeaders: { ...headers },
    headerBytes: headerBytes(headers),
  };
}
