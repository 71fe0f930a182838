import { isUtf8 } from "node:buffer";
import type { parseRetryDelay } from "@stashkit/core";
import type { FilterSubject } from "./filters.js";
import type { MessageSpec } from "../protocol/messageSpec.js";
import type { Redaction } from "../protocol/redaction.js";
import { redactedBody, redactHeaders } from "../protocol/redaction.js";
import type { TimerHandle } from "../lib/scheduler.js";

/** Compiled `Upstash-Retry-Delay` expression (core's grammar). */
export type RetryDelayExpression = ReturnType<typeof parseRetryDelay>;

/** Log states of a message (wire spec section 4). */
export type MessageState =
  | "CREATED"
  | "ACTIVE"
  | "RETRY"
  | "ERROR"
  | "DELIVERED"
  | "FAILED"
  | "CANCEL_REQUESTED"
  | "CANCELLED";

/** Where a live message currently waits inside the engine; `cancel` needs it. */
export type MessagePhase = "new" | "queued" | "waiting" | "flow" | "ready" | "inflight" | "settled";

/** What a message is: a publish, or a report about another message. */
export type MessageKind = "message" | "callback" | "failureCallback";

/** A message inside the dev server, with its delivery state. */
export interface Message {
  id: string;
  kind: MessageKind;
  url: string;
  body: Buffer;
  spec: MessageSpec;
  retryDelay: RetryDelayExpression | undefined;
  timeoutMs: number;
  callerIp: string;
  createdAt: number;
  /** Next due time, Unix ms (moves forward on each retry). */
  notBefore: number;
  queueName?: string;
  scheduleId?: string;
  topicName?: string;
  endpointName?: string;
  /** Attempts already made. */
  retried: number;
  state: MessageState;
  phase: MessagePhase;
  timer?: TimerHandle;
  cancelled: boolean;
  /** The message a callback reports on; it stays open until its callbacks finish. */
  parent?: Message;
  pendingChildren: number;
  /** Whether the message took one of its queue's parallelism slots (freed when it finishes). */
  holdsQueueSlot: boolean;
  /** Log and DLQ entries about this message (its body counts once against the byte budget). */
  retainedBy: number;
  /** What keeping the message for history costs: body, URL and configuration. */
  retainedBytes: number;
  /**
   * The signature's `body` claim: given by a URL-group publish, whose messages share one body,
   * or else computed on the first attempt (the body never changes).
   */
  bodyClaim?: string;
  /** `origin` and `path` of `url`, parsed on the first attempt. */
  target?: { origin: string; path: string };
  /** When the current attempt started (`performance.now()`), for its duration. */
  attemptStartedAt?: number;
  /** The signature the current attempt was sent with. */
  attemptSignature?: string;
}

/** JSON shape of a message in the messages API (and the base of DLQ entries). */
export type MessageObject = Record<string, unknown>;

/** `body` (UTF-8) or `bodyBase64`, or the redaction marker. */
export function bodyFields(body: Buffer, redaction?: Redaction): MessageObject {
  const hidden = redactedBody(body, redaction);
  if (hidden !== undefined) return { body: hidden };
  if (body.length === 0) return {};
  return isUtf8(body) ? { body: body.toString("utf8") } : { bodyBase64: body.toString("base64") };
}

/**
 * A message's headers as QStash lists them in messages, schedules, DLQ entries and logs: the
 * names the destination receives (`Test-Header`, not `Upstash-Forward-Test-Header`), with
 * redacted values replaced.
 *
 * @param spec - The message's configuration.
 */
export function listedHeader(spec: MessageSpec): Record<string, string[]> {
  const header: Record<string, string[]> = {};
  if (spec.contentType !== undefined) header["Content-Type"] = [spec.contentType];
  for (const [name, value] of Object.entries(spec.forwardHeaders)) header[name] = [value];
  return redactHeaders(header, spec.redact);
}

/**
 * The message as `GET /v2/messages/{id}` reports it (wire spec 6.1). Both
 * `callerIP` and `callerIp` are sent because the REST reference and the SDK type
 * disagree on the spelling.
 *
 * @param message - A live or archived message.
 */
export function toMessageObject(message: Message): MessageObject {
  const { spec } = message;
  const flow = spec.flowControl;
  return {
    messageId: message.id,
    url: message.url,
    topicName: message.topicName,
    endpointName: message.endpointName,
    method: spec.method,
    header: listedHeader(spec),
    ...bodyFields(message.body, spec.redact),
    maxRetries: spec.retries,
    retryDelayExpression: spec.retryDelay,
    notBefore: message.notBefore,
    createdAt: message.createdAt,
    callback: spec.callback?.url,
    failureCallback: spec.failureCallback?.url,
    queueName: message.queueName,
    scheduleId: message.scheduleId,
    callerIP: message.callerIp,
    callerIp: message.callerIp,
    label: spec.labels[0],
    labels: spec.labels.length > 0 ? spec.labels : undefined,
    flowControlKey: flow?.key,
    parallelism: flow?.parallelism,
    rate: flow?.rate,
    period: flow?.periodMs === undefined ? undefined : Math.round(flow.periodMs / 1000),
  };
}

/**
 * The filterable view of a message.
 * @param message - The message.
 * @param time - Time the filters' date range applies to.
 */
export function messageSubject(message: Message, time: number): FilterSubject {
  return {
    messageId: message.id,
    url: message.url,
    topicName: message.topicName,
    scheduleId: message.scheduleId,
    queueName: message.queueName,
    labels: message.spec.labels,
    flowControlKey: message.spec.flowControl?.key,
    callerIp: message.callerIp,
    time,
    state: message.state,
  };
}
