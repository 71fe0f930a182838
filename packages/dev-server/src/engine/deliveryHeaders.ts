import { signDelivery } from "@stashkit/core/testing";
import type { Message } from "../state/message.js";

/**
 * The headers of one delivery attempt (wire spec 3.2): forwarded headers first,
 * so a forwarded name can never override QStash's own headers, then a freshly
 * signed `Upstash-Signature` whose `sub` is the URL the request goes to.
 *
 * @param message - The message being delivered.
 * @param signingKey - The current signing key.
 * @example
 * ```ts
 * const headers = await deliveryHeaders(message, keys.current);
 * ```
 */
export async function deliveryHeaders(message: Message, signingKey: string): Promise<Record<string, string>> {
  const { spec } = message;
  const headers: Record<string, string> = { ...spec.forwardHeaders };
  headers["User-Agent"] = "Upstash-QStash";
  if (spec.contentType !== undefined) headers["Content-Type"] = spec.contentType;
  headers["Upstash-Message-Id"] = message.id;
  headers["Upstash-Retried"] = String(message.retried);
  headers["Upstash-Max-Retries"] = String(spec.retries);
  headers["Upstash-Caller-Ip"] = message.callerIp;
  if (message.scheduleId !== undefined) headers["Upstash-Schedule-Id"] = message.scheduleId;
  if (message.topicName !== undefined) headers["Upstash-Topic-Name"] = message.topicName;
  if (message.endpointName !== undefined) headers["Upstash-Endpoint-Name"] = message.endpointName;
  if (message.queueName !== undefined) headers["Upstash-Queue-Name"] = message.queueName;
  headers["Upstash-Signature"] = await signDelivery({ key: signingKey, url: message.url, body: message.body });
  return headers;
}
