import { InvalidOptionError } from "../errors.js";
import { at, fail, Problem } from "../lib/problem.js";
import { parseDuration, type Duration } from "./duration.js";
import type { ParsedFlowControl } from "./flowControl.js";
import { headerNameProblem, headerValueProblem } from "./headerValue.js";
import { parseRetryDelayAst, RetryDelaySyntaxError } from "./retryDelay.js";

// The one definition of publish options: `PublishOptions` is their type, `PUBLISH_FIELDS` their
// checks, one per option, failing with a `Problem`. `buildPublishRequest` runs the checks; the zod export
// `publishOptionsSchema` (entry `@stashkit/core/schemas`) is assembled from the same checks, so
// the two cannot disagree. Plain code instead of a schema library keeps the client light (a
// Client bundle is smaller than zod alone). Messages are fixed and never echo values.

/** Header names → values, as a plain object or a `Headers`. */
export type HeaderMap = Record<string, string> | Headers;

/** HTTP methods QStash can deliver with. */
export type DeliveryMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Callback settings: where the report goes and how it is delivered. */
export interface CallbackOptions {
  /** Absolute http(s) URL that receives the report. */
  url: string;
  /** Method of the callback delivery. @default "POST" */
  method?: DeliveryMethod;
  /** Per-attempt timeout of the callback delivery (`"30s"` or seconds). */
  timeout?: Duration | number;
  /** Retries of the callback delivery. @default the message's retries */
  retries?: number;
  /** Retry-delay expression of the callback delivery. */
  retryDelay?: string;
  /** Delay before the callback delivery. */
  delay?: Duration | number;
  /** Headers sent to the callback URL only (`Upstash-Callback-Forward-*`). */
  headers?: HeaderMap;
}

/** Options accepted by `buildPublishRequest`, `buildPublishHeaders` and the client's publish calls. */
export interface PublishOptions {
  /** QStash API base URL; one trailing `/` is removed. @default env `QSTASH_URL`, else `https://qstash.upstash.io` */
  baseUrl?: string;
  /** Bearer token. @default env `QSTASH_TOKEN` (required one way or the other) */
  token?: string;
  /** Enqueue through this queue (`/v2/enqueue/{queueName}/…`) instead of publishing directly. */
  queueName?: string;
  /** Absolute http(s) URL, URL-group name, or `api/<name>`; appended to the path verbatim. */
  destination: string;
  /** String (as is), bytes / Blob (as bytes), or any JSON value (serialised once). */
  body?: unknown;
  /** `Content-Type` of the message. @default `application/json` for JSON bodies, none otherwise */
  contentType?: string;
  /** Method QStash uses to deliver. @default "POST" */
  method?: DeliveryMethod;
  /** Per-attempt timeout (`"30s"` or seconds). */
  timeout?: Duration | number;
  /** Retries after the first attempt. @default 3 (server side) */
  retries?: number;
  /** Retry-delay expression in milliseconds, e.g. `"pow(2, retried) * 1000"`; validated, sent verbatim. */
  retryDelay?: string;
  /** Delay before the first attempt (`"5m"` or seconds). */
  delay?: Duration | number;
  /** Earliest delivery time: a `Date` or Unix seconds. Wins over `delay`. */
  notBefore?: Date | number;
  /** Explicit deduplication key. */
  deduplicationId?: string;
  /** Derive the deduplication key from destination, body and headers. @default false */
  contentBasedDeduplication?: boolean;
  /** Headers delivered to the destination (sent as `Upstash-Forward-<Name>`). */
  headers?: HeaderMap;
  /** Gets a report after delivery attempts: a URL or `{ url, method?, timeout?, retries?, retryDelay?, delay?, headers? }`. */
  callback?: string | CallbackOptions;
  /** Gets a report when the message finally fails; same shape as `callback`. */
  failureCallback?: string | CallbackOptions;
  /** Label(s) for filtering logs and the DLQ; an array is joined with `,`. */
  label?: string | string[];
  /** Redact the body and/or headers in logs and the API (delivery is unaffected). */
  redact?: {
    /** Redact the message body in logs and the API. */
    body?: boolean;
    /** `true` redacts every header; a list redacts the named ones. */
    headers?: boolean | string[];
  };
  /** Flow control: `{ key, parallelism?, rate?, period? }`, at least one limit. */
  flowControl?: {
    /** Flow-control key shared by every message that should be limited together. */
    key: string;
    /** Maximum deliveries in flight for the key. */
    parallelism?: number;
    /** Maximum deliveries started per `period`. */
    rate?: number;
    /** Rate period. @default "1s" (server side) */
    period?: Duration | number;
  };
}

/** Callback settings after validation: durations in seconds, headers as pairs. */
export interface ParsedCallback {
  url: string;
  method?: DeliveryMethod;
  timeout?: number;
  retries?: number;
  retryDelay?: string;
  delay?: number;
  headers?: Array<[string, string]>;
}


/** Checks one option value (never `undefined`) and returns its parsed form, or throws `Problem`. */
export type OptionCheck<Out> = (value: unknown) => Out;

// Publishers send the same URLs and expressions over and over; remembering the strings that
// passed keeps URL parsing and expression parsing off the hot path. Strings are immutable, so
// a hit is as good as a fresh check.
type StringCheck = (value: string) => string | undefined;

function remembered(problem: StringCheck): StringCheck {
  const valid = new Set<string>();
  return (value) => {
    if (valid.has(value)) return undefined;
    const reason = problem(value);
    if (reason === undefined && value.length <= 2048) {
      if (valid.size >= 512) valid.clear();
      valid.add(value);
    }
    return reason;
  };
}

const METHODS: readonly string[] = ["GET", "POST", "PUT", "PATCH", "DELETE"];
const NAME = /^[A-Za-z0-9._-]+$/;
const API_DESTINATION = /^api\/[A-Za-z0-9._~/-]+$/;
const WHITESPACE_OR_CONTROL = /[\u0000-\u0020\u007f]/;
const ABSOLUTE_HTTP = /^https?:\/\/[^/\\]/i;
const HTTP_URL = "must be an absolute http(s) URL";

const httpUrlProblem = /* @__PURE__ */ remembered((value) => {
  const unsafe = headerValueProblem(value);
  if (unsafe !== undefined) return unsafe;
  if (WHITESPACE_OR_CONTROL.test(value)) return "must not contain whitespace or control characters";
  // The WHATWG parser repairs `https:host` and `https:\\host`; the string is sent verbatim,
  // so it must already be in the `scheme://host` form.
  if (!ABSOLUTE_HTTP.test(value)) return HTTP_URL;
  try {
    return /^https?:$/.test(new URL(value).protocol) ? undefined : HTTP_URL;
  } catch {
    return HTTP_URL;
  }
});

const destinationProblem = /* @__PURE__ */ remembered((value) => {
  if (/^https?:/i.test(value)) {
    // The destination travels in the request path, where fetch drops a fragment silently.
    return httpUrlProblem(value) ?? (value.includes("#") ? "must not contain a fragment (#): it would never reach QStash" : undefined);
  }
  if (NAME.test(value) || API_DESTINATION.test(value)) return undefined;
  return headerValueProblem(value) ?? "must be an absolute http(s) URL, a URL-group name or api/<name>";
});

const retryDelayProblem = /* @__PURE__ */ remembered((value) => {
  try {
    parseRetryDelayAst(value);
    return undefined;
  } catch (error) {
    if (!(error instanceof RetryDelaySyntaxError)) throw error;
    return error.message;
  }
});

/** A string check: `typeError` when not a string, else the problem's reason. */
const text =
  (typeError: string, problem?: StringCheck): OptionCheck<string> =>
  (value) => {
    if (typeof value !== "string") return fail(typeError);
    const reason = problem?.(value);
    return reason === undefined ? value : fail(reason);
  };

const headerSafe = text("must be a string", (value) => (value === "" ? "must not be empty" : headerValueProblem(value)));
const httpUrl = text(HTTP_URL, httpUrlProblem);
const boolean = (value: unknown): boolean => (typeof value === "boolean" ? value : fail("must be a boolean"));

const method = (value: unknown): DeliveryMethod =>
  METHODS.includes(value as string) ? (value as DeliveryMethod) : fail("must be one of GET, POST, PUT, PATCH, DELETE");

const integer =
  (min: number, message: string): OptionCheck<number> =>
  (value) =>
    Number.isSafeInteger(value) && (value as number) >= min ? (value as number) : fail(message);
const retries = integer(0, "must be a non-negative integer");
const positiveInteger = integer(1, "must be a positive integer");

/** Duration input (`"30s"`, `"1d1h30m"`, or seconds) → whole seconds. */
function duration(value: unknown): number {
  if (typeof value !== "string" && typeof value !== "number") return fail("must be a number of seconds or a duration string");
  try {
    return parseDuration(value);
  } catch (error) {
    return fail((error as InvalidOptionError).reason);
  }
}

const retryDelay = text("must be a retry-delay expression string", retryDelayProblem);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Validated, ordered name/value pairs of a header map. */
function headerMap(value: unknown): Array<[string, string]> {
  if (!isObject(value)) return fail("must be an object of header names to string values, or a Headers");
  const entries: Array<[string, unknown]> = value instanceof Headers ? [...value] : Object.entries(value);
  for (const [name, headerValue] of entries) {
    const reason = headerNameProblem(name) ?? (typeof headerValue === "string" ? headerValueProblem(headerValue) : "must be a string");
    if (reason !== undefined) fail(reason, [name]);
  }
  return entries as Array<[string, string]>;
}

function notBefore(value: unknown): number {
  const seconds =
    value instanceof Date && !Number.isNaN(value.getTime())
      ? Math.floor(value.getTime() / 1000)
      : Number.isSafeInteger(value)
        ? (value as number)
        : fail("must be a Date or an integer of Unix seconds");
  return seconds < 0 ? fail("must not be before 1970") : seconds;
}

const labelItem = text("must be a string or an array of strings", (value) => {
  if (value === "") return "must not be empty";
  return headerValueProblem(value) ?? (value.includes(",") ? "must not contain ','" : undefined);
});

function label(value: unknown): string {
  if (!Array.isArray(value)) return labelItem(value);
  if (value.length === 0) fail("must not be empty");
  return value.map((item, index) => at(String(index), () => labelItem(item))).join(",");
}

const headerName = text("must be a header name", headerNameProblem);

/**
 * A strict object check: unknown keys are refused (naming stashkit's spelling of an official
 * SDK name, see `OFFICIAL_NAMES`), `undefined` values count as absent, and a `required` key
 * that is absent fails with its message.
 */
function strictObject<Out>(
  fields: Record<string, OptionCheck<unknown>>,
  typeError: string,
  officialNames: Record<string, string> = {},
  required: Record<string, string> = {},
): OptionCheck<Out> {
  return (value) => {
    if (!isObject(value)) return fail(typeError);
    for (const key of Object.keys(value)) {
      if (!Object.hasOwn(fields, key)) fail(unknownOptionReason(officialNames[key]), [key]);
    }
    const out: Record<string, unknown> = {};
    for (const key in fields) {
      const field = value[key];
      if (field !== undefined) out[key] = at(key, () => fields[key]!(field));
      else if (Object.hasOwn(required, key)) fail(required[key]!, [key]);
    }
    return out as Out;
  };
}

function unknownOptionReason(ours: string | undefined): string {
  return ours === undefined ? "is not a known option" : `is not a known option: stashkit calls it ${ours}`;
}

const redact = strictObject<{ body?: boolean; headers?: boolean | string[] }>(
  {
    body: boolean,
    headers: (value) =>
      typeof value === "boolean"
        ? value
        : Array.isArray(value)
          ? value.map((name, index) => at(String(index), () => headerName(name)))
          : fail("must be true or a list of header names"),
  },
  "must be an object",
  { header: "`headers`" },
);

const flowControlObject = strictObject<ParsedFlowControl>(
  { key: headerSafe, parallelism: positiveInteger, rate: positiveInteger, period: duration },
  "must be an object",
  { ratePerSecond: "`rate`" },
  { key: "must be a string" },
);

function flowControl(value: unknown): ParsedFlowControl {
  const parsed = flowControlObject(value);
  if (parsed.parallelism === undefined && parsed.rate === undefined && parsed.period === undefined) {
    fail("needs at least one of parallelism, rate or period");
  }
  return parsed;
}

const callbackObject = strictObject<ParsedCallback>(
  {
    url: httpUrl,
    method,
    timeout: duration,
    retries,
    retryDelay,
    delay: duration,
    headers: headerMap,
  },
  "must be a URL string or an object with a url",
  {},
  { url: HTTP_URL },
);

const callback = (value: unknown): ParsedCallback => (typeof value === "string" ? { url: httpUrl(value) } : callbackObject(value));

/**
 * The official `@upstash/qstash` option names a migrating user is likely to pass, and what
 * stashkit calls them; an unknown option with one of these names says so.
 */
const OFFICIAL_NAMES: Record<string, string> = {
  url: "`destination`",
  urlGroup: "`destination` (URL-group names go there too)",
  topic: "`destination` (URL-group names go there too)",
  api: '`destination: "api/<name>"`',
  callbackHeaders: "`callback: { url, headers }`",
  failureCallbackHeaders: "`failureCallback: { url, headers }`",
};

/** One check per option, in the order problems are reported. */
export const PUBLISH_FIELDS = {
  baseUrl: text(HTTP_URL, (value) => httpUrlProblem(value) ?? (/[?#]/.test(value) ? "must not have a query or fragment" : undefined)),
  token: headerSafe,
  queueName: text("must be a string", (value) => (NAME.test(value) ? undefined : "may contain only letters, digits, '.', '_' and '-'")),
  destination: text("must be a string", destinationProblem),
  body: (value) => value,
  contentType: headerSafe,
  method,
  timeout: duration,
  retries,
  retryDelay,
  delay: duration,
  notBefore,
  deduplicationId: headerSafe,
  contentBasedDeduplication: boolean,
  headers: headerMap,
  callback,
  failureCallback: callback,
  label,
  redact,
  flowControl,
} satisfies { readonly [K in keyof PublishOptions]-?: OptionCheck<unknown> };

/** Options after validation (what the checks return): durations in seconds, callbacks as objects, headers as pairs. */
export type ParsedPublishOptions = { destination: string } & {
  [K in Exclude<keyof typeof PUBLISH_FIELDS, "destination">]?: ReturnType<(typeof PUBLISH_FIELDS)[K]>;
};

/** The options that must be given, and what is said when one is missing. */
export const REQUIRED_OPTIONS: Readonly<Record<string, string>> = { destination: "is required" };

const parseOptions = /* @__PURE__ */ strictObject<ParsedPublishOptions>(PUBLISH_FIELDS, "must be an object", OFFICIAL_NAMES, REQUIRED_OPTIONS);

/**
 * Validates publish options, mapping the first problem to an `InvalidOptionError` whose
 * `option` is its path (`"retries"`, `"callback.timeout"`, `"headers.X-Foo"`; `"options"`
 * for a non-object).
 *
 * @throws {InvalidOptionError} `ERR_INVALID_OPTION`.
 */
export function parsePublishOptions(options: PublishOptions): ParsedPublishOptions {
  try {
    return parseOptions(options);
  } catch (error) {
    if (!(error instanceof Problem)) throw error;
    throw new InvalidOptionError(error.path.length === 0 ? "options" : error.path.join("."), error.message);
  }
}

/**
 * Checks a base URL (explicit or from `QSTASH_URL`).
 * @returns the reason it is unusable, or `undefined`.
 */
export function baseUrlProblem(value: string): string | undefined {
  try {
    PUBLISH_FIELDS.baseUrl(value);
    return undefined;
  } catch (error) {
    if (error instanceof Problem) return error.message;
    throw error;
  }
}
