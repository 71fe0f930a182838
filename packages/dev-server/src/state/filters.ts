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
  return (subject) => {
    const value = pick(subject);
    return value !== undefined && values.includes(value);
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
  const states = values.flatMap((value) => STATE_ALIASES[value.toUpperCase()] ?? [value.toUpperCase()]);
  return oneOf(states, (s) => s.state);
}

function dateCheck(query: URLSearchParams): Check[] {
  const checks: Check[] = [];
  const from = Number(query.get("fromDate") ?? Number.NaN);
  const to = Number(query.get("toDate") ?? Number.NaN);
  if (Number.isFinite(from)) checks.push((s) => s.time >= from);
  if (Number.isFinite(to)) checks.push((s) => s.time <= to);
  return checks;
}

const STRING_FIELDS: [string, (s: FilterSubject) => string | undefined][] = [
  ["messageId", (s) => s.messageId],
  ["url", (s) => s.url],
  ["host", (s) => hostOf(s.url)],
  ["path", (s) => pathOf(s.url)],
  ["topicName", (s) => s.topicName],
  ["urlGroup", (s) => s.topicName],
  ["scheduleId", (s) => s.scheduleId],
  ["queueName", (s) => s.queueName],
  ["flowControlKey", (s) => s.flowControlKey],
  ["callerIp", (s) => s.callerIp],
  ["callerIP", (s) => s.callerIp],
  ["responseStatus", (s) => (s.responseStatus === undefined ? undefined : String(s.responseStatus))],
];

/**
 * Compiles the list filters shared by the messages, DLQ and logs APIs
 * (wire spec 6.1, 6.5, 6.6). Unknown query keys are ignored.
 *
 * @param query - The request's query parameters.
 * @param idsKey - Key carrying explicit ids (`messageIds`, `dlqIds`); ids win over filters.
 * @param idOf - Reads the id that `idsKey` refers to.
 * @example
 * ```ts
 * const filter = compileFilter(new URLSearchParams("label=a,b&queueName=q"));
 * ```
 */
export function compileFilter(
  query: URLSearchParams,
  idsKey?: string,
  idOf: (s: FilterSubject) => string = (s) => s.messageId,
): Filter {
  const ids = idsKey === undefined ? [] : queryValues(query, idsKey);
  if (ids.length > 0) return { empty: false, matches: (s) => ids.includes(idOf(s)) };
  const checks: Check[] = [];
  for (const [key, pick] of STRING_FIELDS) {
    const values = queryValues(query, key);
    if (values.length > 0) checks.push(oneOf(values, pick));
  }
  const labels = queryValues(query, "label");
  if (labels.length > 0) checks.push((s) => s.labels.some((label) => labels.includes(label)));
  const states = queryValues(query, "state");
  if (states.length > 0) checks.push(stateCheck(states));
  checks.push(...dateCheck(query));
  return { empty: checks.length === 0, matches: (s) => checks.every((check) => check(s)) };
}

/**
 * Reads `count`, clamped to `[1, max]`.
 * @param query - The request's query parameters.
 * @param fallback - Value when absent or invalid.
 * @param max - Upper bound.
 */
export function pageSize(query: URLSearchParams, fallback: number, max: number): number {
  const count = Number(query.get("count"));
  if (!Number.isInteger(count) || count < 1) return fallback;
  return Math.min(count, max);
}
