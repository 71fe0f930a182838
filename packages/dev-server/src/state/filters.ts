import { badRequest } from "../apiError.js";

/** The fields of a message, DLQ entry or log entry that list filters look at. */
export interface FilterSubject {
  messageId: string;
  url: string;
  topicName?: string;
  scheduleId?: string;
  queueName?: string;
  labels: string[];
  flowControlKey?: string;
  callerIp: string;
  /** Unix ms compared with `fromDate`/`toDate`. */
  time: number;
  state?: string;
  responseStatus?: number;
  dlqId?: string;
}

/** A compiled filter: `matches` ANDs the fields given, ORing the values of each. */
export interface Filter {
  /** True when no filter field was given (bulk calls then mean "everything"). */
  readonly empty: boolean;
  matches(subject: FilterSubject): boolean;
}

const STATE_ALIASES: Record<string, string[]> = {
  IN_PROGRESS: ["ACTIVE", "RETRY", "ERROR"],
  CANCELED: ["CANCELLED"],
};

const STATES = new Set(["CREATED", "ACTIVE", "RETRY", "ERROR", "DELIVERED", "FAILED", "CANCEL_REQUESTED", "CANCELLED"]);

/** Values of a repeated (`a=1&a=2`) or comma-listed (`a=1,2`) query key. */
export function queryValues(query: URLSearchParams, key: string): string[] {
  return query
    .getAll(key)
    .flatMap((value) => value.split(","))
    .map((value) => value.trim())
    .filter((value) => value !== "");
}

type Check = (subject: FilterSubject) => boolean;

function oneOf(values: string[], pick: (s: FilterSubject) => string | undefined): Check {
  const set = new Set(values);
  return (subject) => {
    const value = pick(subject);
    return value !== undefined && set.has(value);
  };
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

function pathOf(url: string): string | undefined {
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}

function stateCheck(values: string[]): Check {
  const states = values.flatMap((value) => {
    const upper = value.toUpperCase();
    const expanded = STATE_ALIASES[upper] ?? [upper];
    if (!expanded.every((state) => STATES.has(state))) throw badRequest(`invalid state filter ${JSON.stringify(value)}`);
    return expanded;
  });
  return oneOf(states, (s) => s.state);
}

function dateValue(query: URLSearchParams, key: "fromDate" | "toDate"): number | undefined {
  const text = query.get(key);
  if (text === null || text.trim() === "") return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) throw badRequest(`invalid ${key} filter: expected Unix milliseconds`);
  return value;
}

/** Which listing a filter is for: each accepts its own fields (wire spec 6.1, 6.5, 6.6). */
export type FilterScope = "messages" | "dlq" | "events";

type Field = [string, (s: FilterSubject) => string | undefined];

const IDENTITY: Field[] = [
  ["messageId", (s) => s.messageId],
  ["url", (s) => s.url],
  ["topicName", (s) => s.topicName],
  ["urlGroup", (s) => s.topicName],
  ["scheduleId", (s) => s.scheduleId],
  ["queueName", (s) => s.queueName],
  ["flowControlKey", (s) => s.flowControlKey],
  ["callerIp", (s) => s.callerIp],
  ["callerIP", (s) => s.callerIp],
];
const HOST_PATH: Field[] = [
  ["host", (s) => hostOf(s.url)],
  ["path", (s) => pathOf(s.url)],
];
const RESPONSE_STATUS: Field = ["responseStatus", (s) => (s.responseStatus === undefined ? undefined : String(s.responseStatus))];

// The hosted DLQ rejects host/path; logs and bulk cancel accept them.
const FIELDS: Record<FilterScope, Field[]> = {
  messages: [...IDENTITY, ...HOST_PATH],
  dlq: [...IDENTITY, RESPONSE_STATUS],
  events: [...IDENTITY, ...HOST_PATH],
};
const SPECIAL: Record<FilterScope, string[]> = {
  messages: ["messageIds", "label", "fromDate", "toDate"],
  dlq: ["dlqIds", "label", "fromDate", "toDate"],
  events: ["messageIds", "label", "state", "fromDate", "toDate", "order"],
};
// Paging and authentication travel in the same query string.
const PAGING = ["cursor", "count", "qstash_token"];

const KNOWN: Record<FilterScope, Set<string>> = {
  messages: new Set([...FIELDS.messages.map(([key]) => key), ...SPECIAL.messages, ...PAGING]),
  dlq: new Set([...FIELDS.dlq.map(([key]) => key), ...SPECIAL.dlq, ...PAGING]),
  events: new Set([...FIELDS.events.map(([key]) => key), ...SPECIAL.events, ...PAGING]),
};

/**
 * Compiles the list filters of the messages, DLQ and logs APIs (wire spec 6.1, 6.5, 6.6 and
 * the corrections in 12). An unknown query key is a 400: ignoring a misspelt `labeel` would
 * leave an empty filter, and an empty bulk filter means "everything".
 *
 * @param query - The request's query parameters.
 * @param scope - The endpoint, which fixes the accepted fields.
 * @param idOf - Reads the id the scope's ids key (`messageIds`, `dlqIds`) refers to.
 * @throws ApiError (400) naming an unknown field, or a malformed date, state or count.
 * @example
 * ```ts
 * const filter = compileFilter(new URLSearchParams("label=a,b&queueName=q"), "dlq");
 * ```
 */
export function compileFilter(
  query: URLSearchParams,
  scope: FilterScope,
  idOf: (s: FilterSubject) => string = (s) => s.messageId,
): Filter {
  for (const key of query.keys()) {
    if (!KNOWN[scope].has(key)) throw badRequest(`unknown filter field ${JSON.stringify(key)}`);
  }
  const ids = queryValues(query, scope === "dlq" ? "dlqIds" : "messageIds");
  if (ids.length > 0) {
    const set = new Set(ids);
    return { empty: false, matches: (s) => set.has(idOf(s)) };
  }
  const checks: Check[] = [];
  for (const [key, pick] of FIELDS[scope]) {
    const values = queryValues(query, key);
    if (values.length > 0) checks.push(oneOf(values, pick));
  }
  const labels = new Set(queryValues(query, "label"));
  if (labels.size > 0) checks.push((s) => s.labels.some((label) => labels.has(label)));
  const states = queryValues(query, "state");
  if (states.length > 0) checks.push(stateCheck(states));
  const from = dateValue(query, "fromDate");
  const to = dateValue(query, "toDate");
  if (from !== undefined) checks.push((s) => s.time >= from);
  if (to !== undefined) checks.push((s) => s.time <= to);
  return { empty: checks.length === 0, matches: (s) => checks.every((check) => check(s)) };
}

/**
 * Reads `count`, clamped to `max`.
 * @param query - The request's query parameters.
 * @param fallback - Value when absent.
 * @param max - Upper bound.
 * @throws ApiError (400) when `count` is not a positive integer.
 */
export function pageSize(query: URLSearchParams, fallback: number, max: number): number {
  const text = query.get("count");
  if (text === null || text === "") return fallback;
  const count = Number(text);
  if (!Number.isInteger(count) || count < 1) throw badRequest("invalid count: expected a positive integer");
  return Math.min(count, max);
}
