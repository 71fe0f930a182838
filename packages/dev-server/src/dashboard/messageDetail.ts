import { isUtf8 } from "node:buffer";
import { overrideHeaders } from "../api/routes/dlqRoutes.js";
import { compileFilter } from "../state/filters.js";
import type { LogEntry } from "../state/events.js";
import type { Message } from "../state/message.js";
import { redactedBody, redactHeaders } from "../protocol/redaction.js";
import type { Redaction } from "../protocol/redaction.js";
import type { AttemptOutcome } from "../state/responseRecord.js";
import type { ServerContext } from "../serverContext.js";
import { summaryOf, toChange } from "./messageSummaries.js";
import type { AttemptView, BodyView, LinkedMessage, MessageDetail, PublishedRequest } from "./shared/messageDetail.js";
import type { MessageSummary } from "./shared/messageSummary.js";
import { applyChange } from "./shared/messageSummary.js";
import { decodeSignature } from "./signatureClaims.js";

function bodyView(body: Buffer): BodyView {
  if (body.length === 0) return { size: 0 };
  return isUtf8(body) ? { text: body.toString("utf8"), size: body.length } : { base64: body.toString("base64"), size: body.length };
}

/** Single-valued headers through the same redaction the API applies to the message's headers. */
function redactFlat(headers: Record<string, string>, redaction: Redaction | undefined): Record<string, string> {
  const lists = redactHeaders(Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])), redaction);
  return Object.fromEntries(Object.entries(lists).map(([name, values]) => [name, values[0] ?? ""]));
}

function publishedRequest(message: Message): PublishedRequest {
  const { spec } = message;
  const hidden = redactedBody(message.body, spec.redact);
  return {
    method: spec.method,
    url: message.url,
    headers: redactHeaders(spec.storedHeader, spec.redact),
    forwardedHeaders: redactFlat(spec.forwardHeaders, spec.redact),
    publishHeaders: redactFlat(overrideHeaders(spec.rawHeaders), spec.redact),
    body: hidden === undefined ? bodyView(message.body) : { text: hidden, size: message.body.length },
    bodyRedacted: hidden !== undefined,
    retries: spec.retries,
    retryDelay: spec.retryDelay,
    timeoutMs: message.timeoutMs,
    delayMs: spec.delayMs,
    // message.notBefore moves with each retry; this is the time the publish asked for.
    notBefore: spec.notBefore ?? message.createdAt + spec.delayMs,
    callback: spec.callback?.url,
    failureCallback: spec.failureCallback?.url,
    flowControlKey: spec.flowControl?.key,
    deduplicationId: spec.deduplicationId,
  };
}

function fillAttempt(attempt: AttemptView, outcome: AttemptOutcome): void {
  attempt.status = outcome.status;
  attempt.error = outcome.error;
  attempt.headers = outcome.header;
  attempt.body = bodyView(outcome.body);
  attempt.durationMs = outcome.durationMs;
  if (outcome.signature !== undefined) attempt.signature = decodeSignature(outcome.signature);
}

/** Attempts from a message's entries: each `ACTIVE` opens one, the next outcome closes it. */
function attemptsOf(entries: LogEntry[]): AttemptView[] {
  const attempts: AttemptView[] = [];
  let open: AttemptView | undefined;
  let last: AttemptView | undefined;
  for (const entry of entries) {
    if (entry.state === "ACTIVE") {
      open = { number: attempts.length + 1, startedAt: entry.time, headers: {} };
      last = open;
      attempts.push(open);
    } else if (open !== undefined && entry.outcome !== undefined) {
      fillAttempt(open, entry.outcome);
      open = undefined;
    }
    if (entry.state === "RETRY" && last !== undefined) last.nextRetryAt = entry.nextDeliveryTime;
  }
  return attempts;
}

function linked(message: Message): LinkedMessage {
  return { id: message.id, kind: message.kind, state: message.state, url: message.url };
}

function dlqIdOf(ctx: ServerContext, messageId: string): string | undefined {
  const filter = compileFilter(new URLSearchParams({ messageId }));
  return ctx.dlq.page(filter, null, 1).entries[0]?.dlqId;
}

/**
 * Everything the dashboard shows about one message: the request as published, each
 * attempt with its response (or network error), duration, next retry and decoded
 * signature, its callbacks, and its state changes. Read from the event log, so it also
 * covers finished messages while the log holds them.
 *
 * @param ctx - Server state.
 * @param id - Message id.
 * @returns The detail, or `undefined` when neither the engine nor the log knows the id.
 */
export function messageDetail(ctx: ServerContext, id: string): MessageDetail | undefined {
  let message = ctx.engine.get(id);
  const entries: LogEntry[] = [];
  const callbacks = new Map<string, Message>();
  for (const entry of ctx.events.entries()) {
    const subject = entry.message;
    if (subject.id === id) {
      entries.push(entry);
      message ??= subject;
    } else if (subject.parent?.id === id) callbacks.set(subject.id, subject);
  }
  if (message === undefined) return undefined;
  const rows = new Map<string, MessageSummary>();
  for (const entry of entries) applyChange(rows, toChange(entry, rows.size === 0));
  const summary = rows.get(id) ?? { ...summaryOf(message), state: message.state };
  const live = ctx.engine.get(id);
  return {
    summary,
    request: publishedRequest(message),
    attempts: attemptsOf(entries),
    events: entries.map((entry) => ({ time: entry.time, state: entry.state })),
    callbacks: [...callbacks.values()].map(linked),
    parent: message.parent === undefined ? undefined : linked(message.parent),
    dlqId: dlqIdOf(ctx, id),
    cancellable: live !== undefined && live.phase !== "settled" && !live.cancelled,
  };
}
