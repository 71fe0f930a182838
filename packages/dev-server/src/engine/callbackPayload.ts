import { buildCallbackPayload } from "@stashkit/core/testing";
import type { Message } from "../state/message.js";
import type { AttemptOutcome } from "../state/responseRecord.js";

/**
 * The JSON report a callback or failure callback receives (wire spec 5 and the worked
 * example in 8). Core's `buildCallbackPayload` owns the field order and omissions (e.g.
 * `retried` left out when zero), so users' test reports and the server's never drift apart;
 * the server only adds `error` for attempts that got no HTTP answer.
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
  const report: Record<string, unknown> = { ...buildCallbackPayload({
    status: outcome.status ?? 0,
    header: outcome.header,
    body: outcome.body,
    retried,
    maxRetries: spec.retries,
    dlqId,
    sourceMessageId: source.id,
    topicName: source.topicName,
    endpointName: source.endpointName,
    url: source.url,
    method: spec.method,
    sourceHeader: spec.sourceHeader,
    sourceBody: source.body,
    notBefore: source.notBefore,
    createdAt: source.createdAt,
    scheduleId: source.scheduleId,
    callerIp: source.callerIp,
  }) };
  if (outcome.error !== undefined) report["error"] = outcome.error;
  return report;
}
