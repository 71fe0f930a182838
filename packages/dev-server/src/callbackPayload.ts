import type { Message } from "./message.js";
import type { AttemptOutcome } from "./responseRecord.js";

/**
 * The JSON report a callback or failure callback receives (wire spec 5 and
 * the worked example in 8): key order and omissions follow the hosted service,
 * e.g. `retried` is left out when zero.
 *
 * @param source - The message whose attempt is reported.
 * @param outcome - What the destination answered (or the network error).
 * @param retried - Retries performed before the reported attempt.
 * @param dlqId - Set for failure callbacks.
 * @example
 * ```ts
 * const body = callbackPayload(message, outcome, 0);
 * ```
 */
export function callbackPayload(
  source: Message,
  outcome: AttemptOutcome,
  retried: number,
  dlqId?: string,
): Record<string, unknown> {
  const { spec } = source;
  return {
    status: outcome.status ?? 0,
    header: outcome.header,
    body: outcome.body.toString("base64"),
    retried: retried === 0 ? undefined : retried,
    maxRetries: spec.retries,
    dlqId,
    sourceMessageId: source.id,
    topicName: source.topicName,
    endpointName: source.endpointName,
    url: source.url,
    method: spec.method,
    sourceHeader: spec.storedHeader,
    sourceBody: source.body.toString("base64"),
    notBefore: source.notBefore,
    createdAt: source.createdAt,
    scheduleId: source.scheduleId,
    callerIP: source.callerIp,
    error: outcome.error,
  };
}
