// The message list's data, shared by the server (which builds it from the event log) and the
// page (which keeps it current from the change stream). Plain data only: no Node or DOM imports.

/** What a message is: a publish, or a report about another message. */
export type SummaryKind = "message" | "callback" | "failureCallback";

/** One row of the message list. */
export interface MessageSummary {
  id: string;
  kind: SummaryKind;
  state: string;
  url: string;
  method: string;
  queueName?: string;
  /** URL group the message was fanned out from. */
  topicName?: string;
  endpointName?: string;
  scheduleId?: string;
  labels: string[];
  /** The message a callback reports on. */
  parentId?: string;
  createdAt: number;
  /** Time of the latest state change. */
  updatedAt: number;
  /** Delivery attempts started. */
  attempts: number;
  lastStatus?: number;
  lastError?: string;
  /** When the next retry is due, while the message waits for it. */
  nextDeliveryAt?: number;
}

/** One state change as the change stream sends it; `summary` comes with the first one (`CREATED`). */
export interface SummaryChange {
  seq: number;
  id: string;
  state: string;
  time: number;
  status?: number;
  error?: string;
  next?: number;
  summary?: MessageSummary;
}

/** The answer of `GET /_stashkit/messages`: newest first, and the log position it reflects. */
export interface MessageList {
  seq: number;
  /** Messages matching the filter, including those beyond `limit`. */
  total: number;
  messages: MessageSummary[];
}

/** States after which nothing more happens to a message. */
export const FINAL_STATES: readonly string[] = ["DELIVERED", "FAILED", "CANCELLED"];

/**
 * Folds one change into the summaries: creates the row on `CREATED`, counts attempts on
 * `ACTIVE`, keeps the latest status. Changes for unknown messages are ignored (their
 * creation is older than what the list holds).
 *
 * @param rows - Summaries by id; a new row is added to it.
 * @param change - The change.
 * @returns The row created or updated, if any.
 */
export function applyChange(rows: Map<string, MessageSummary>, change: SummaryChange): MessageSummary | undefined {
  let row = rows.get(change.id);
  if (row === undefined) {
    if (change.summary === undefined) return undefined;
    row = { ...change.summary };
    rows.set(change.id, row);
  }
  row.state = change.state;
  row.updatedAt = change.time;
  if (change.state === "ACTIVE") {
    row.attempts += 1;
    row.nextDeliveryAt = undefined;
  }
  if (change.status !== undefined) {
    row.lastStatus = change.status;
    row.lastError = undefined;
  } else if (change.error !== undefined) {
    row.lastStatus = undefined;
    row.lastError = change.error;
  }
  if (change.next !== undefined) row.nextDeliveryAt = change.next;
  return row;
}

/** The list filters; empty or absent fields match everything. */
export interface SummaryFilter {
  /** A state, or `PENDING` for any state that is not final. */
  state?: string;
  /** Part of the destination URL or URL group name (case-insensitive). */
  destination?: string;
  /** One of the message's labels, exactly. */
  label?: string;
  /** Part of the message id (or of its parent's, so a message's callbacks come along). */
  messageId?: string;
}

/**
 * Whether a row passes the filters.
 * @param row - The row.
 * @param filter - The filters.
 */
export function matchesFilter(row: MessageSummary, filter: SummaryFilter): boolean {
  const { state, destination, label, messageId } = filter;
  if (state) {
    if (state === "PENDING" ? FINAL_STATES.includes(row.state) : row.state !== state) return false;
  }
  if (destination) {
    const needle = destination.toLowerCase();
    if (!row.url.toLowerCase().includes(needle) && !(row.topicName ?? "").toLowerCase().includes(needle)) return false;
  }
  if (label && !row.labels.includes(label)) return false;
  if (messageId && !row.id.includes(messageId) && !(row.parentId ?? "").includes(messageId)) return false;
  return true;
}

/**
 * Reads the filters from query parameters (`state`, `destination`, `label`, `messageId`).
 * @param query - URL query parameters.
 */
export function filterFromQuery(query: URLSearchParams): SummaryFilter {
  const read = (name: string) => query.get(name)?.trim() || undefined;
  return { state: read("state"), destination: read("destination"), label: read("label"), messageId: read("messageId") };
}
