import type { Message } from "../state/message.js";
import { bodyClaim, signAttempt } from "./deliverySigner.js";

/**
 * The headers of one delivery attempt (wire spec 3.2) as a flat `[name, value, …]` list, the
 * form the HTTP client sends without copying: forwarded headers first, then QStash's own
 * (a forwarded header of the same name is left out, so it can never override them), then a
 * freshly signed `Upstash-Signature` whose `sub` is the URL the request goes to.
 *
 * @param message - The message being delivered.
 * @param signingKey - The current signing key.
 * @param nowMs - Signing time, Unix ms.
 * @example
 * ```ts
 * const headers = deliveryHeaders(message, keys.current, Date.now());
 * ```
 */
export function deliveryHeaders(message: Message, signingKey: string, nowMs: number): string[] {
  const { spec } = message;
  const own: string[] = ["User-Agent", "Upstash-QStash"];
  if (spec.contentType !== undefined) own.push("Content-Type", spec.contentType);
  own.push(
    "Upstash-Message-Id", message.id,
    "Upstash-Retried", String(message.retried),
    "Upstash-Max-Retries", String(spec.retries),
    "Upstash-Caller-Ip", message.callerIp,
  );
  if (message.scheduleId !== undefined) own.push("Upstash-Schedule-Id", message.scheduleId);
  if (message.topicName !== undefined) own.push("Upstash-Topic-Name", message.topicName);
  if (message.endpointName !== undefined) own.push("Upstash-Endpoint-Name", message.endpointName);
  if (message.queueName !== undefined) own.push("Upstash-Queue-Name", message.queueName);
  message.bodyClaim ??= bodyClaim(message.body);
  own.push("Upstash-Signature", signAttempt(signingKey, message.url, message.bodyClaim, nowMs));
  const forwarded = spec.forwardHeaders;
  const headers: string[] = [];
  for (const name in forwarded) {
    if (OWN.has(name) || (name === "Content-Type" && spec.contentType !== undefined)) continue;
    headers.push(name, forwarded[name]!);
  }
  for (const item of own) headers.push(item);
  return headers;
}

// Forwarded names are canonical (canonicalHeaderName), so an exact match finds every spelling.
const OWN = new Set([
  "User-Agent",
  "Upstash-Message-Id",
  "Upstash-Retried",
  "Upstash-Max-Retries",
  "Upstash-Caller-Ip",
  "Upstash-Schedule-Id",
  "Upstash-Topic-Name",
  "Upstash-Endpoint-Name",
  "Upstash-Queue-Name",
  "Upstash-Signature",
]);
