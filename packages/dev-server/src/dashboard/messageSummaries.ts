import type { EventLog, LogEntry } from "../state/events.js";
import type { Message } from "../state/message.js";
import type { MessageList, MessageSummary, SummaryChange, SummaryFilter } from "./shared/messageSummary.js";
import { applyChange, matchesFilter } from "./shared/messageSummary.js";

/**
 * A new message's row (state `CREATED`, no attempts yet).
 * @param message - The message.
 */
export function summaryOf(message: Message): MessageSummary {
  return {
    id: message.id,
    kind: message.kind,
    state: "CREATED",
    url: message.url,
    method: message.spec.method,
    queueName: message.queueName,
    topicName: message.topicName,
    endpointName: message.endpointName,
    scheduleId: message.scheduleId,
    labels: message.spec.labels,
    parentId: message.parent?.id,
    createdAt: message.createdAt,
    updatedAt: message.createdAt,
    attempts: 0,
  };
}

/**
 * The change a log entry makes to its message's row; the first entry of a message
 * carries the whole row.
 *
 * @param entry - A log entry.
 * @param first - Whether it is the first entry of its message the receiver sees.
 */
export function toChange(entry: LogEntry, first = entry.state === "CREATED"): SummaryChange {
  const change: SummaryChange = { seq: entry.seq, id: entry.message.id, state: entry.state, time: entry.time };
  const { outcome } = entry;
  if (outcome !== undefined) {
    if (outcome.status !== undefined) change.status = outcome.status;
    else if (outcome.error !== undefined) change.error = outcome.error;
  }
  if (entry.nextDeliveryTime !== undefined) change.next = entry.nextDeliveryTime;
  if (first) change.summary = summaryOf(entry.message);
  return change;
}

/**
 * Every message the log still holds, folded into rows, filtered, newest first.
 *
 * @param events - The event log.
 * @param filter - List filters.
 * @param limit - Rows returned at most (`total` counts all matches).
 */
export function listMessages(events: EventLog, filter: SummaryFilter, limit: number): MessageList {
  const rows = new Map<string, MessageSummary>();
  const seq = events.lastSeq;
  for (const entry of events.entries()) applyChange(rows, toChange(entry, !rows.has(entry.message.id)));
  const matching: MessageSummary[] = [];
  for (const row of rows.values()) if (matchesFilter(row, filter)) matching.push(row);
  // Rows were added in creation order (a message's first entry is its CREATED one).
  matching.reverse();
  return { seq, total: matching.length, messages: matching.slice(0, limit) };
}
