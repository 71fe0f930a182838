import { decodeBase64Loose } from "../lib/base64url.js";
import { at, fail, Problem } from "../lib/problem.js";
import { QStashError } from "../errors.js";

/**
 * A callback / failure-callback body is not a valid QStash report. `field` is the path of the
 * first bad field (`""` for the whole body); `issues` lists all of them.
 *
 * @param issues - every problem found; the first names `field`.
 * @param options - `{ cause }`: the underlying error, kept for logs.
 * @example
 * ```ts
 * try { parseCallback(json) } catch (e) {
 *   if (e instanceof CallbackParseError) console.log(e.field) // "status"
 * }
 * ```
 */
export class CallbackParseError extends QStashError {
  /** Dotted path of the first invalid field, e.g. `"status"` or `"sourceHeader.X-A"`. */
  readonly field: string;
  /** Every problem found, as `{ path, message }`. */
  readonly issues: ReadonlyArray<{ readonly path: string; readonly message: string }>;

  constructor(issues: ReadonlyArray<{ path: string; message: string }>, options?: { cause?: unknown }) {
    const first = issues[0] ?? { path: "", message: "invalid" };
    super(`invalid callback report: ${first.path || "body"}: ${first.message}`, "ERR_BAD_CALLBACK", options);
    this.name = "CallbackParseError";
    this.field = first.path;
    this.issues = issues;
  }
}

/** A parsed callback or failure-callback report (wire spec section 5). */
export interface CallbackPayload {
  /** HTTP status the destination answered on the reported attempt. */
  readonly status: number;
  /**
   * Whether the reported attempt succeeded (a 2xx status). QStash calls a success callback
   * after every attempt, failed ones included: act on a delivered message only when this is
   * `true`.
   */
  readonly ok: boolean;
  /**
   * Whether QStash makes no further attempt after the reported one: it succeeded, the retry
   * budget is spent (`retried >= maxRetries`), the destination answered 489 with
   * `Upstash-NonRetryable-Error: true`, or this is a failure callback. `false` when
   * `maxRetries` is missing from the report and the attempt failed (QStash always sends it).
   */
  readonly final: boolean;
  /** Response headers of the destination (single strings normalised to arrays). */
  readonly header: Readonly<Record<string, readonly string[]>>;
  /** The response body as sent: standard base64 (`undefined` when absent). */
  readonly bodyBase64?: string;
  /** The response body decoded as UTF-8 (invalid sequences become U+FFFD); `""` when absent. */
  readonly bodyText: string;
  /** The response body bytes; empty when absent. */
  readonly bodyBytes: Uint8Array;
  /** Retries performed before the reported attempt. @default 0 */
  readonly retried: number;
  /** The message's retry budget. */
  readonly maxRetries?: number;
  /** DLQ entry id: present on failure callbacks only. */
  readonly dlqId?: string;
  /** `true` for a failure callback (it carries a `dlqId`). */
  readonly isFailureCallback: boolean;
  /** Id of the message whose delivery is reported. */
  readonly sourceMessageId?: string;
  /** URL group the message was fanned out from. */
  readonly topicName?: string;
  /** Endpoint name inside the URL group. */
  readonly endpointName?: string;
  /** Destination URL of the original message. */
  readonly url?: string;
  /** HTTP method of the original delivery. */
  readonly method?: string;
  /** Headers of the original message as QStash stored them. */
  readonly sourceHeader: Readonly<Record<string, readonly string[]>>;
  /** The original body as sent: standard base64. */
  readonly sourceBodyBase64?: string;
  /** The original body decoded as UTF-8; `""` when absent. */
  readonly sourceBodyText: string;
  /** The original body bytes; empty when absent. */
  readonly sourceBodyBytes: Uint8Array;
  /** When the original message was due, Unix ms. */
  readonly notBefore?: number;
  /** When the original message was created, Unix ms. */
  readonly createdAt?: number;
  /** Schedule id, when the original came from a schedule. */
  readonly scheduleId?: string;
  /** Original publisher's IP (`callerIP` on the wire; `callerIp` accepted too). */
  readonly callerIp?: string;
}

type Check<T> = (value: unknown) => T;

const integer =
  (min: number): Check<number> =>
  (value) =>
    Number.isSafeInteger(value) && (value as number) >= min ? (value as number) : fail(min === 0 ? "must be a non-negative integer" : "must be an integer");
const string: Check<string> = (value) => (typeof value === "string" ? value : fail("must be a string"));
const count = integer(0);
const headerMap: Check<Record<string, string[]>> = (value) => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return fail("must be an object of header names to strings");
  const out: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(value)) {
    out[name] = at(name, () =>
      typeof values === "string"
        ? [values]
        : Array.isArray(values) && values.every((item) => typeof item === "string")
          ? values
          : fail("must be a string or an array of strings"),
    );
  }
  return out;
};
const millis: Check<number> = (value) =>
  typeof value === "number" && Number.isFinite(value)
    ? value
    : typeof value === "string" && /^-?\d+$/.test(value)
      ? Number(value)
      : fail("must be a number");

/**
 * One check per report field (all optional but `status`; `null` counts as absent, Go servers
 * send it for empty fields). `parseCallback` runs them; `callbackPayloadSchema` (entry
 * `@stashkit/core/schemas`) is assembled from the same checks.
 */
export const CALLBACK_FIELDS = {
  status: integer(Number.MIN_SAFE_INTEGER),
  header: headerMap,
  body: string,
  retried: count,
  maxRetries: count,
  dlqId: string,
  sourceMessageId: string,
  topicName: string,
  endpointName: string,
  url: string,
  method: string,
  sourceHeader: headerMap,
  sourceBody: string,
  notBefore: millis,
  createdAt: millis,
  scheduleId: string,
  callerIP: string,
  callerIp: string,
} satisfies Record<string, Check<unknown>>;

/** The fields that must be present. */
export const REQUIRED_CALLBACK_FIELDS: ReadonlySet<string> = new Set(["status"]);

/** A report after the field checks, before decoding. */
export type CheckedCallback = { status: number } & {
  -readonly [K in Exclude<keyof typeof CALLBACK_FIELDS, "status">]?: ReturnType<(typeof CALLBACK_FIELDS)[K]>;
};

/** Runs every field check, collecting every problem (the error lists them all). */
function checkReport(value: unknown): CheckedCallback {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new CallbackParseError([{ path: "", message: "must be a JSON object" }]);
  }
  const out: Record<string, unknown> = {};
  const issues: Array<{ path: string; message: string }> = [];
  for (const [key, check] of Object.entries(CALLBACK_FIELDS) as Array<[string, Check<unknown>]>) {
    const field = (value as Record<string, unknown>)[key];
    try {
      if (field !== undefined && field !== null) out[key] = at(key, () => check(field));
      else if (REQUIRED_CALLBACK_FIELDS.has(key)) fail("is required", [key]);
    } catch (error) {
      if (!(error instanceof Problem)) throw error;
      issues.push({ path: error.path.join("."), message: error.message });
    }
  }
  if (issues.length > 0) throw new CallbackParseError(issues);
  return out as CheckedCallback;
}

const EMPTY = new Uint8Array(0);
const textDecoder = new TextDecoder();

/**
 * Validates and types a callback or failure-callback report. Every field but `status` is
 * optional (QStash omits empty ones), `retried` defaults to 0, unknown keys are ignored,
 * `notBefore`/`createdAt` may be numeric strings, and `body`/`sourceBody` are decoded from
 * base64 (missing padding tolerated) into both text and bytes.
 *
 * @param json - the parsed JSON body (a JSON string or UTF-8 bytes are parsed first).
 * @returns the typed report.
 * @throws {CallbackParseError} `ERR_BAD_CALLBACK`, with `field` naming the first bad field.
 * @example
 * ```ts
 * const report = parseCallback(await request.json());
 * if (report.isFailureCallback) console.log("gave up", report.sourceMessageId, report.dlqId);
 * else if (report.ok) console.log("delivered", report.bodyText);
 * else console.log(`attempt ${report.retried + 1} failed with ${report.status}`, report.final ? "(last)" : "");
 * ```
 */
export function parseCallback(json: unknown): CallbackPayload {
  const data = checkReport(fromText(json));
  const body = decodeField(data.body, "body");
  const sourceBody = decodeField(data.sourceBody, "sourceBody");
  const header = data.header ?? {};
  const retried = data.retried ?? 0;
  const ok = data.status >= 200 && data.status < 300;
  const payload: Record<string, unknown> = {
    status: data.status,
    ok,
    final:
      ok ||
      data.dlqId !== undefined ||
      (data.maxRetries !== undefined && retried >= data.maxRetries) ||
      (data.status === 489 && nonRetryableHeader(header)),
    header,
    bodyText: body.text,
    bodyBytes: body.bytes,
    retried,
    isFailureCallback: data.dlqId !== undefined,
    sourceHeader: data.sourceHeader ?? {},
    sourceBodyText: sourceBody.text,
    sourceBodyBytes: sourceBody.bytes,
  };
  const extras = {
    bodyBase64: data.body,
    maxRetries: data.maxRetries,
    dlqId: data.dlqId,
    sourceMessageId: data.sourceMessageId,
    topicName: data.topicName,
    endpointName: data.endpointName,
    url: data.url,
    method: data.method,
    sourceBodyBase64: data.sourceBody,
    notBefore: data.notBefore,
    createdAt: data.createdAt,
    scheduleId: data.scheduleId,
    callerIp: data.callerIP ?? data.callerIp,
  };
  for (const [key, value] of Object.entries(extras)) if (value !== undefined) payload[key] = value;
  return payload as unknown as CallbackPayload;
}

function nonRetryableHeader(header: Readonly<Record<string, readonly string[]>>): boolean {
  for (const name in header) {
    if (name.toLowerCase() === "upstash-nonretryable-error") return header[name]?.some((v) => v.trim().toLowerCase() === "true") ?? false;
  }
  return false;
}

function fromText(json: unknown): unknown {
  const text = json instanceof Uint8Array ? textDecoder.decode(json) : json;
  if (typeof text !== "string") return json;
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new CallbackParseError([{ path: "", message: "is not JSON" }], { cause });
  }
}

function decodeField(value: string | undefined, field: string): { text: string; bytes: Uint8Array } {
  if (value === undefined || value === "") return { text: "", bytes: EMPTY };
  const bytes = decodeBase64Loose(value.trim());
  if (!bytes) throw new CallbackParseError([{ path: field, message: "is not base64" }]);
  return { text: textDecoder.decode(bytes), bytes };
}
