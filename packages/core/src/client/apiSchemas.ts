import { at, fail, Problem } from "../lib/problem.js";
import { QStashResponseError } from "./clientErrors.js";

// Response shapes of the QStash management API (wire spec section 6), checked with a few
// plain combinators: a schema library would weigh more than the whole client. They are
// lenient where the wire spec marks a detail unconfirmed: numbers may arrive as numeric
// strings, `null` counts as absent (Go servers emit it for empty slices), `callerIP` and
// `callerIp` both land in `callerIp`, header values may be single strings, zero/false fields
// may be omitted. Required fields are few and strict. Unknown fields are dropped.

/** Checks one value and returns its typed form; throws `Problem` with the path. */
export type Shape<T> = (value: unknown) => T;

/** A shape that also accepts an absent (or `null`) value; marks an optional key. */
interface OptionalShape<T> extends Shape<T | undefined> {
  readonly optional: true;
}

const mismatch = (): never => fail("has an unexpected value");

const string: Shape<string> = (value) => (typeof value === "string" ? value : mismatch());
const boolean: Shape<boolean> = (value) => (typeof value === "boolean" ? value : mismatch());
const numeric: Shape<number> = (value) =>
  typeof value === "number" ? value : typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : mismatch();

function array<T>(item: Shape<T>): Shape<T[]> {
  return (value) => (Array.isArray(value) ? value.map((entry, index) => at(index, () => item(entry))) : mismatch());
}

function optional<T>(shape: Shape<T>, fallback?: T): OptionalShape<T> {
  const check = (value: unknown) => (value === undefined || value === null ? fallback : shape(value));
  return Object.assign(check, { optional: true as const });
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const headerMap: Shape<Record<string, string[]>> = (value) => {
  if (!isRecord(value)) return mismatch();
  const out: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(value)) {
    out[name] = at(name, () => (typeof values === "string" ? [values] : array(string)(values)));
  }
  return out;
};

/** Cursors may exceed 2^53: keep them strings; an empty cursor means "last page". */
const cursor = optional<string | undefined>((value) => {
  const text = typeof value === "number" ? String(value) : string(value);
  return text === "" ? undefined : text;
});

type Fields = Record<string, Shape<unknown>>;
type OptionalKeys<F extends Fields> = { [K in keyof F]: F[K] extends OptionalShape<unknown> ? K : never }[keyof F];
type Output<S> = S extends Shape<infer T> ? T : never;
/** The object type a field table describes: optional shapes give optional keys. */
export type ObjectOf<F extends Fields> = {
  [K in keyof F as K extends OptionalKeys<F> ? never : K]: Output<F[K]>;
} & {
  [K in keyof F as K extends OptionalKeys<F> ? K : never]?: Exclude<Output<F[K]>, undefined>;
};

/** An object that drops `null` fields, aliases `callerIP`, and keeps only the listed fields. */
function object<F extends Fields>(fields: F): Shape<ObjectOf<F>> {
  return (value) => {
    if (!isRecord(value)) return mismatch();
    const out: Record<string, unknown> = {};
    for (const key in fields) {
      const raw = key === "callerIp" ? (value.callerIp ?? value.callerIP) : value[key];
      const parsed = at(key, () => fields[key]!(raw === null ? undefined : raw));
      if (parsed !== undefined) out[key] = parsed;
    }
    return out as ObjectOf<F>;
  };
}

const text = optional(string);
const number = optional(numeric);
const strings = optional(array(string));
const headers = optional(headerMap);

const publishResultFields = { messageId: string, url: text, deduplicated: optional(boolean) };
const publishResultSchema = object(publishResultFields);
/** The answer to one publish/enqueue to a URL destination. */
export type PublishResult = ObjectOf<typeof publishResultFields>;

/** A failing batch entry (the others still proceed). */
export type BatchEntryError = {
  /** The server's reason for refusing the entry. */
  error: string;
};

const messageFields = {
  messageId: string,
  url: text,
  topicName: text,
  endpointName: text,
  api: text,
  method: text,
  header: headers,
  body: text,
  bodyBase64: text,
  maxRetries: number,
  retryDelayExpression: text,
  notBefore: number,
  createdAt: number,
  callback: text,
  failureCallback: text,
  queueName: text,
  scheduleId: text,
  callerIp: text,
  label: text,
  labels: strings,
  flowControlKey: text,
  parallelism: number,
  rate: number,
  period: number,
};
export const messageSchema = object(messageFields);
/** A pending message (`GET /v2/messages/{id}`); times in Unix ms, `period` in seconds. */
export type Message = ObjectOf<typeof messageFields>;

const dlqMessageFields = {
  ...messageFields,
  dlqId: string,
  responseStatus: number,
  responseHeader: headers,
  responseBody: text,
  responseBodyBase64: text,
};
export const dlqMessageSchema = object(dlqMessageFields);
/** A dead-letter-queue entry: the failed message plus the last response it got. */
export type DlqMessage = ObjectOf<typeof dlqMessageFields>;

const dlqListFields = { messages: optional(array(dlqMessageSchema), []), cursor };
export const dlqListSchema: Shape<DlqList> = object(dlqListFields) as Shape<DlqList>;
/** One page of DLQ entries; no `cursor` means this is the last page. */
export type DlqList = { messages: DlqMessage[]; cursor?: string };

const deletedFields = { deleted: numeric, cursor };
export const deletedSchema = object(deletedFields);
/** How many DLQ entries a bulk delete removed; call again while `cursor` is set. */
export type DlqDeleted = ObjectOf<typeof deletedFields>;

export const messageIdSchema = object({ messageId: string });
export const dlqRetriedSchema: Shape<DlqRetried> = object({ responses: optional(array(messageIdSchema), []), cursor }) as Shape<DlqRetried>;
/** New message ids created by a bulk DLQ retry; call again while `cursor` is set. */
export type DlqRetried = { responses: Array<{ messageId: string }>; cursor?: string };

const cancelledFields = { cancelled: numeric };
export const cancelledSchema = object(cancelledFields);
/** How many messages a cancel call cancelled. */
export type Cancelled = ObjectOf<typeof cancelledFields>;

const queueFields = {
  name: string,
  createdAt: number,
  updatedAt: number,
  parallelism: optional(numeric, 1),
  lag: optional(numeric, 0),
  paused: optional(boolean, false),
};
export const queueSchema: Shape<Queue> = object(queueFields) as Shape<Queue>;
/** A FIFO queue; `lag` is the number of unprocessed messages. */
export type Queue = {
  name: string;
  createdAt?: number;
  updatedAt?: number;
  parallelism: number;
  lag: number;
  paused: boolean;
};

const scheduleFields = {
  scheduleId: string,
  cron: string,
  destination: string,
  createdAt: number,
  method: text,
  header: headers,
  body: text,
  bodyBase64: text,
  retries: number,
  delay: number,
  callback: text,
  failureCallback: text,
  callerIp: text,
  isPaused: optional(boolean, false),
  queueName: text,
  flowControlKey: text,
  parallelism: number,
  rate: number,
  period: number,
  retryDelayExpression: text,
  label: text,
  labels: strings,
  lastScheduleTime: number,
  nextScheduleTime: number,
  lastScheduleStates: optional(
    (value): Record<string, string> =>
      isRecord(value) ? Object.fromEntries(Object.entries(value).map(([key, state]) => [key, at(key, () => string(state))])) : mismatch(),
  ),
};
export const scheduleSchema: Shape<Schedule> = object(scheduleFields) as Shape<Schedule>;
/** A cron schedule; `delay` in seconds, times in Unix ms. */
export type Schedule = Omit<ObjectOf<typeof scheduleFields>, "isPaused"> & { isPaused: boolean };

export const scheduleIdSchema = object({ scheduleId: string });

const endpointSchema = object({ name: text, url: string });
export const urlGroupSchema: Shape<UrlGroup> = object({
  name: string,
  createdAt: number,
  updatedAt: number,
  endpoints: optional(array(endpointSchema), []),
}) as Shape<UrlGroup>;
/** A URL group (called "topic" on the wire) and its endpoints. */
export type UrlGroup = {
  name: string;
  createdAt?: number;
  updatedAt?: number;
  endpoints: Array<ReturnType<typeof endpointSchema>>;
};

const signingKeysFields = { current: string, next: string };
export const signingKeysSchema = object(signingKeysFields);
/** The account's signing key pair. */
export type SigningKeys = ObjectOf<typeof signingKeysFields>;

const eventFields = {
  time: numeric,
  messageId: string,
  state: string,
  error: text,
  nextDeliveryTime: number,
  url: text,
  topicName: text,
  endpointName: text,
  scheduleId: text,
  queueName: text,
  header: headers,
  body: text,
  responseStatus: number,
  responseBody: text,
  responseHeaders: headers,
  timeout: number,
  method: text,
  callback: text,
  failureCallback: text,
  maxRetries: number,
  retryDelayExpression: text,
  label: text,
  labels: strings,
  callerIp: text,
};
const eventSchema = object(eventFields);
/** One log event of a message; `body`/`responseBody` are base64, `time` Unix ms. */
export type LogEvent = ObjectOf<typeof eventFields>;

const eventPage = object({ events: optional(array(eventSchema), []), cursor });
/** `/v2/events` answers `{events}`, `/v2/logs` answers `{logs}`: accept both. */
export const eventListSchema: Shape<EventList> = (value) =>
  eventPage(isRecord(value) && value.events == null && value.logs != null ? { ...value, events: value.logs } : value) as EventList;
/** One page of log events; no `cursor` means this is the last page. */
export type EventList = { events: LogEvent[]; cursor?: string };

export const queueListSchema = array(queueSchema);
export const scheduleListSchema = array(scheduleSchema);
export const urlGroupListSchema = array(urlGroupSchema);
const publishResultList = array(publishResultSchema);

/**
 * Publish answer: an object for a URL, an array (one per endpoint) for a URL
 * group. The OpenAPI prose wraps the array as `{messages: [...]}`; unwrap it.
 */
export function parsePublishResponse(text: string): PublishResult | PublishResult[] {
  const data = parseJson(text);
  const list = Array.isArray(data) ? data : (data as { messages?: unknown } | null)?.messages;
  if (Array.isArray(list)) return validate(list, publishResultList, list === data ? "" : "messages");
  return validate(data, publishResultSchema);
}

/** Batch answer: one element per entry, in request order; a non-array answer is wrapped. */
export function parseBatchResponse(text: string): Array<PublishResult | PublishResult[] | BatchEntryError> {
  const data = parseJson(text);
  const list: unknown[] = Array.isArray(data) ? data : [data];
  return list.map((entry, index) => {
    if (Array.isArray(entry)) return validate(entry, publishResultList, String(index));
    if (isRecord(entry) && typeof entry.error === "string" && typeof entry.messageId !== "string") return { error: entry.error };
    return validate(entry, publishResultSchema, String(index));
  });
}

/**
 * Parses and validates a JSON API body.
 * @throws QStashResponseError `ERR_BAD_RESPONSE` naming the first bad field.
 */
export function parseApiResponse<T>(text: string, shape: Shape<T>): T {
  return validate(parseJson(text), shape);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new QStashResponseError("", "is not JSON", { cause: error });
  }
}

function validate<T>(data: unknown, shape: Shape<T>, prefix = ""): T {
  try {
    return shape(data);
  } catch (error) {
    if (!(error instanceof Problem)) throw error;
    const path = [...(prefix ? [prefix] : []), ...error.path.map(String)];
    const value = valueAt(data, error.path);
    const problem = value === undefined || value === null ? "is missing" : "has an unexpected value";
    throw new QStashResponseError(path.join("."), problem);
  }
}

function valueAt(data: unknown, path: ReadonlyArray<string | number>): unknown {
  let current = data;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
