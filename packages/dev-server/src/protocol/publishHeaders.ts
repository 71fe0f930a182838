import { parseRetryDelay } from "@stashkit/core";
import { badRequest } from "../apiError.js";
import { DEFAULT_RETRIES } from "../defaults.js";
import { parseFlowControlValue } from "./flowControlValue.js";
import { canonicalHeaderName, isForwardableInWebhookMode } from "./headerNames.js";
import type { CallbackSpec, FlowControlSpec, MessageSpec } from "./messageSpec.js";
import { parseRedactFields } from "./redaction.js";
import { parseHeaderDuration } from "./serverDuration.js";

const METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]);
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

function duration(headers: HeaderMap, name: string, max = MAX_DELAY_MS): number | undefined {
  const value = headers[name];
  if (value === undefined || value.trim() === "") return undefined;
  const ms = parseHeaderDuration(value);
  if (ms === undefined || ms > max) {
    throw badRequest(`invalid ${canonicalHeaderName(name)} header: expected a duration like 10s, 5m, 1h`);
  }
  return ms;
}

function integer(headers: HeaderMap, name: string): number | undefined {
  const value = headers[name]?.trim();
  if (value === undefined || value === "") return undefined;
  if (!/^\d+$/.test(value)) {
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

function absoluteUrl(headers: HeaderMap, name: string): string | undefined {
  const value = headers[name]?.trim();
  if (value === undefined || value === "") return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badRequest(`invalid ${canonicalHeaderName(name)} header: expected an absolute URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw badRequest(`invalid ${canonicalHeaderName(name)} header: expected an http(s) URL`);
  }
  return value;
}

/** Headers named `<prefix><Name>`, delivered as `<Name>`. */
function prefixed(headers: HeaderMap, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(prefix) && name.length > prefix.length) {
      out[canonicalHeaderName(name.slice(prefix.length))] = value;
    }
  }
  return out;
}

function callbackSpec(headers: HeaderMap, prefix: "upstash-callback" | "upstash-failure-callback"): CallbackSpec | undefined {
  const url = absoluteUrl(headers, prefix);
  if (url === undefined) return undefined;
  return {
    url,
    method: method(headers, `${prefix}-method`),
    retries: integer(headers, `${prefix}-retries`),
    retryDelay: retryDelay(headers, `${prefix}-retry-delay`),
    timeoutMs: duration(headers, `${prefix}-timeout`),
    delayMs: duration(headers, `${prefix}-delay`) ?? 0,
    forwardHeaders: prefixed(headers, `${prefix}-forward-`),
  };
}

function flowControl(headers: HeaderMap): FlowControlSpec | undefined {
  const key = headers["upstash-flow-control-key"]?.trim();
  if (key === undefined || key === "") return undefined;
  const value = headers["upstash-flow-control-value"];
  return { key, ...(value === undefined ? {} : parseFlowControlValue(value)) };
}

function forwardHeaders(headers: HeaderMap): Record<string, string> {
  const out = prefixed(headers, "upstash-forward-");
  if (headers["upstash-header-forward"]?.trim().toLowerCase() === "true") {
    for (const [name, value] of Object.entries(headers)) {
      if (isForwardableInWebhookMode(name)) out[canonicalHeaderName(name)] ??= value;
    }
  }
  return out;
}

function storedHeader(headers: HeaderMap): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const contentType = headers["content-type"];
  if (contentType !== undefined) out["Content-Type"] = [contentType];
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

function notBefore(headers: HeaderMap): number | undefined {
  const seconds = integer(headers, "upstash-not-before");
  return seconds === undefined ? undefined : seconds * 1000;
}

/**
 * Validates the configuration headers of a publish, enqueue, batch entry or
 * schedule (wire spec 2.2) and returns the message specification.
 *
 * @param headers - Lower-cased header names (query-string configuration already merged in).
 * @throws ApiError (400) whose message names the offending header.
 * @example
 * ```ts
 * const spec = parsePublishHeaders({ "upstash-retries": "2", "upstash-delay": "10s" });
 * spec.retries; // 2
 * ```
 */
export function parsePublishHeaders(headers: HeaderMap): MessageSpec {
  return {
    method: method(headers, "upstash-method"),
    contentType: headers["content-type"],
    delayMs: duration(headers, "upstash-delay") ?? 0,
    notBefore: notBefore(headers),
    retries: integer(headers, "upstash-retries") ?? DEFAULT_RETRIES,
    retryDelay: retryDelay(headers, "upstash-retry-delay"),
    timeoutMs: duration(headers, "upstash-timeout"),
    callback: callbackSpec(headers, "upstash-callback"),
    failureCallback: callbackSpec(headers, "upstash-failure-callback"),
    forwardHeaders: forwardHeaders(headers),
    storedHeader: storedHeader(headers),
    deduplicationId: headers["upstash-deduplication-id"],
    contentBasedDeduplication: headers["upstash-content-based-deduplication"]?.trim().toLowerCase() === "true",
    flowControl: flowControl(headers),
    labels: labels(headers),
    redact: parseRedactFields(headers["upstash-redact-fields"]),
    rawHeaders: { ...headers },
  };
}
