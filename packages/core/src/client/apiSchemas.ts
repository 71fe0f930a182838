import { z } from "zod";
import { QStashResponseError } from "./clientErrors.js";

// Response schemas of the QStash management API (wire spec section 6). They are
// lenient where the wire spec marks a detail unconfirmed: numbers may arrive as
// numeric strings, `null` counts as absent (Go servers emit it for empty slices),
// `callerIP` and `callerIp` both land in `callerIp`, header values may be single
// strings, zero/false fields may be omitted. Required fields are few and strict.

const numeric = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .transform(Number),
]);
const headerMap = z.record(
  z.string(),
  z.union([z.array(z.string()), z.string().transform((value) => [value])]),
);
/** Cursors may exceed 2^53: keep them strings; an empty cursor means "last page". */
const cursor = z
  .union([z.string(), z.number().transform(String)])
  .optional()
  .transform((value) => (value === "" ? undefined : value));

function normalizeObject(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) if (field !== null) out[key] = field;
  if (out.callerIp === undefined && out.callerIP !== undefined) out.callerIp = out.callerIP;
  return out;
}

/** An object schema that first drops `null` fields and aliases `callerIP`. */
function lenientObject<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.preprocess(normalizeObject, z.object(shape));
}

const publishResultShape = {
  messageId: z.string(),
  url: z.string().optional(),
  deduplicated: z.boolean().optional(),
};
const publishResultSchema = lenientObject(publishResultShape);
/** The answer to one publish/enqueue to a URL destination. */
export type PublishResult = z.output<typeof publishResultSchema>;

/** A failing batch entry (the others still proceed). */
export type BatchEntryError = {
  /** The server's reason for refusing the entry. */
  error: string;
};
const batchEntryErrorSchema = z.object({ error: z.string() });

const messageShape = {
  messageId: z.string(),
  url: z.string().optional(),
  topicName: z.string().optional(),
  endpointName: z.string().optional(),
  api: z.string().optional(),
  method: z.string().optional(),
  header: headerMap.optional(),
  body: z.string().optional(),
  bodyBase64: z.string().optional(),
  maxRetries: numeric.optional(),
  retryDelayExpression: z.string().optional(),
  notBefore: numeric.optional(),
  createdAt: numeric.optional(),
  callback: z.string().optional(),
  failureCallback: z.string().optional(),
  queueName: z.string().optional(),
  scheduleId: z.string().optional(),
  callerIp: z.string().optional(),
  label: z.string().optional(),
  labels: z.array(z.string()).optional(),
  flowControlKey: z.string().optional(),
  parallelism: numeric.optional(),
  rate: numeric.optional(),
  period: numeric.optional(),
};
export const messageSchema = lenientObject(messageShape);
/** A pending message (`GET /v2/messages/{id}`); times in Unix ms, `period` in seconds. */
export type Message = z.output<typeof messageSchema>;

export const dlqMessageSchema = lenientObject({
  ...messageShape,
  dlqId: z.string(),
  responseStatus: numeric.optional(),
  responseHeader: headerMap.optional(),
  responseBody: z.string().optional(),
  responseBodyBase64: z.string().optional(),
});
/** A dead-letter-queue entry: the failed message plus the last response it got. */
export type DlqMessage = z.output<typeof dlqMessageSchema>;

export const dlqListSchema = lenientObject({ messages: z.array(dlqMessageSchema).default([]), cursor });
/** One page of DLQ entries; no `cursor` means this is the last page. */
export type DlqList = z.output<typeof dlqListSchema>;

export const deletedSchema = lenientObject({ deleted: numeric, cursor });
/** How many DLQ entries a bulk delete removed; call again while `cursor` is set. */
export type DlqDeleted = z.output<typeof deletedSchema>;

export const messageIdSchema = lenientObject({ messageId: z.string() });
export const dlqRetriedSchema = lenientObject({ responses: z.array(messageIdSchema).default([]), cursor });
/** New message ids created by a bulk DLQ retry; call again while `cursor` is set. */
export type DlqRetried = z.output<typeof dlqRetriedSchema>;

export const cancelledSchema = lenientObject({ cancelled: numeric });
/** How many messages a cancel call cancelled. */
export type Cancelled = z.output<typeof cancelledSchema>;

export const queueSchema = lenientObject({
  name: z.string(),
  createdAt: numeric.optional(),
  updatedAt: numeric.optional(),
  parallelism: numeric.default(1),
  lag: numeric.default(0),
  paused: z.boolean().default(false),
});
/** A FIFO queue; `lag` is the number of unprocessed messages. */
export type Queue = z.output<typeof queueSchema>;

export const scheduleSchema = lenientObject({
  scheduleId: z.string(),
  cron: z.string(),
  destination: z.string(),
  createdAt: numeric.optional(),
  method: z.string().optional(),
  header: headerMap.optional(),
  body: z.string().optional(),
  bodyBase64: z.string().optional(),
  retries: numeric.optional(),
  delay: numeric.optional(),
  callback: z.string().optional(),
  failureCallback: z.string().optional(),
  callerIp: z.string().optional(),
  isPaused: z.boolean().default(false),
  queueName: z.string().optional(),
  flowControlKey: z.string().optional(),
  parallelism: numeric.optional(),
  rate: numeric.optional(),
  period: numeric.optional(),
  retryDelayExpression: z.string().optional(),
  label: z.string().optional(),
  labels: z.array(z.string()).optional(),
  lastScheduleTime: numeric.optional(),
  nextScheduleTime: numeric.optional(),
  lastScheduleStates: z.record(z.string(), z.string()).optional(),
});
/** A cron schedule; `delay` in seconds, times in Unix ms. */
export type Schedule = z.output<typeof scheduleSchema>;

export const scheduleIdSchema = lenientObject({ scheduleId: z.string() });

export const urlGroupSchema = lenientObject({
  name: z.string(),
  createdAt: numeric.optional(),
  updatedAt: numeric.optional(),
  endpoints: z.array(lenientObject({ name: z.string().optional(), url: z.string() })).default([]),
});
/** A URL group (called "topic" on the wire) and its endpoints. */
export type UrlGroup = z.output<typeof urlGroupSchema>;

export const signingKeysSchema = lenientObject({ current: z.string(), next: z.string() });
/** The account's signing key pair. */
export type SigningKeys = z.output<typeof signingKeysSchema>;

const eventSchema = lenientObject({
  time: numeric,
  messageId: z.string(),
  state: z.string(),
  error: z.string().optional(),
  nextDeliveryTime: numeric.optional(),
  url: z.string().optional(),
  topicName: z.string().optional(),
  endpointName: z.string().optional(),
  scheduleId: z.string().optional(),
  queueName: z.string().optional(),
  header: headerMap.optional(),
  body: z.string().optional(),
  responseStatus: numeric.optional(),
  responseBody: z.string().optional(),
  responseHeaders: headerMap.optional(),
  timeout: numeric.optional(),
  method: z.string().optional(),
  callback: z.string().optional(),
  failureCallback: z.string().optional(),
  maxRetries: numeric.optional(),
  retryDelayExpression: z.string().optional(),
  label: z.string().optional(),
  labels: z.array(z.string()).optional(),
  callerIp: z.string().optional(),
});
/** One log event of a message; `body`/`responseBody` are base64, `time` Unix ms. */
export type LogEvent = z.output<typeof eventSchema>;

/** `/v2/events` answers `{events}`, `/v2/logs` answers `{logs}`: accept both. */
export const eventListSchema = z.preprocess(
  (value) => {
    const object = normalizeObject(value);
    if (typeof object !== "object" || object === null || Array.isArray(object)) return object;
    const { logs, ...rest } = object as Record<string, unknown>;
    return rest.events === undefined && logs !== undefined ? { ...rest, events: logs } : object;
  },
  z.object({ events: z.array(eventSchema).default([]), cursor }),
);
/** One page of log events; no `cursor` means this is the last page. */
export type EventList = z.output<typeof eventListSchema>;

export const queueListSchema = z.array(queueSchema);
export const scheduleListSchema = z.array(scheduleSchema);
export const urlGroupListSchema = z.array(urlGroupSchema);

/**
 * Publish answer: an object for a URL, an array (one per endpoint) for a URL
 * group. The OpenAPI prose wraps the array as `{messages: [...]}`; unwrap it.
 */
export function parsePublishResponse(text: string): PublishResult | PublishResult[] {
  const data = parseJson(text);
  const list = Array.isArray(data) ? data : (data as { messages?: unknown } | null)?.messages;
  if (Array.isArray(list)) return validate(list, z.array(publishResultSchema), list === data ? "" : "messages");
  return validate(data, publishResultSchema);
}

/** Batch answer: one element per entry, in request order; a non-array answer is wrapped. */
export function parseBatchResponse(text: string): Array<PublishResult | PublishResult[] | BatchEntryError> {
  const data = parseJson(text);
  const list: unknown[] = Array.isArray(data) ? data : [data];
  return list.map((entry, index) => {
    if (Array.isArray(entry)) return validate(entry, z.array(publishResultSchema), String(index));
    const asError = batchEntryErrorSchema.safeParse(entry);
    const hasId = typeof (entry as { messageId?: unknown } | null)?.messageId === "string";
    if (asError.success && !hasId) return asError.data;
    return validate(entry, publishResultSchema, String(index));
  });
}

/**
 * Parses and validates a JSON API body.
 * @throws QStashResponseError `ERR_BAD_RESPONSE` naming the first bad field.
 */
export function parseApiResponse<Schema extends z.ZodType>(text: string, schema: Schema): z.output<Schema> {
  return validate(parseJson(text), schema);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new QStashResponseError("", "is not JSON", { cause: error });
  }
}

function validate<Schema extends z.ZodType>(data: unknown, schema: Schema, prefix = ""): z.output<Schema> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = [...(prefix ? [prefix] : []), ...(issue?.path ?? []).map(String)];
  const value = valueAt(data, issue?.path ?? []);
  const problem = value === undefined || value === null ? "is missing" : "has an unexpected value";
  throw new QStashResponseError(path.join("."), problem, { cause: result.error });
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let current = data;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
