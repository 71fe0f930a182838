import { z } from "zod";
import { InvalidOptionError } from "../errors.js";
import { parseDuration } from "./duration.js";
import { headerNameProblem, headerValueProblem } from "./headerValue.js";
import { parseRetryDelay, RetryDelaySyntaxError } from "./retryDelay.js";

// The one source of truth for publish options: types come from z.input/z.output,
// runtime checks from the same schema. Messages are fixed and never echo values.

type Problem = (value: string) => string | undefined;

function refineWith(problem: Problem) {
  return (value: string, ctx: z.RefinementCtx) => {
    const reason = problem(value);
    if (reason !== undefined) ctx.addIssue({ code: "custom", message: reason });
  };
}

// Publishers send the same URLs and expressions over and over; remembering the
// strings that passed keeps URL parsing and expression parsing off the hot path.
// Strings are immutable, so a hit is as good as a fresh check.
const REMEMBERED_MAX = 512;

function remembered(problem: Problem): Problem {
  const valid = new Set<string>();
  return (value) => {
    if (valid.has(value)) return undefined;
    const reason = problem(value);
    if (reason === undefined && value.length <= 2048) {
      if (valid.size >= REMEMBERED_MAX) valid.clear();
      valid.add(value);
    }
    return reason;
  };
}

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
const NAME = /^[A-Za-z0-9._-]+$/;
const API_DESTINATION = /^api\/[A-Za-z0-9._~/-]+$/;
const WHITESPACE_OR_CONTROL = /[\u0000-\u0020\u007f]/;
const ABSOLUTE_HTTP = /^https?:\/\/[^/\\]/i;

const httpUrlProblem = /* @__PURE__ */ remembered(uncachedHttpUrlProblem);

function uncachedHttpUrlProblem(value: string): string | undefined {
  const unsafe = headerValueProblem(value);
  if (unsafe !== undefined) return unsafe;
  if (WHITESPACE_OR_CONTROL.test(value)) return "must not contain whitespace or control characters";
  // The WHATWG parser repairs `https:host` and `https:\\host`; the string is sent
  // verbatim, so it must already be in the `scheme://host` form.
  if (!ABSOLUTE_HTTP.test(value)) return "must be an absolute http(s) URL";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "must be an absolute http(s) URL";
  }
  return url.protocol === "http:" || url.protocol === "https:" ? undefined : "must be an absolute http(s) URL";
}

const destinationProblem = /* @__PURE__ */ remembered(uncachedDestinationProblem);

function uncachedDestinationProblem(value: string): string | undefined {
  if (/^https?:/i.test(value)) {
    // The destination travels in the request path, where fetch drops a fragment silently.
    return httpUrlProblem(value) ?? (value.includes("#") ? "must not contain a fragment (#): it would never reach QStash" : undefined);
  }
  if (NAME.test(value) || API_DESTINATION.test(value)) return undefined;
  return headerValueProblem(value) ?? "must be an absolute http(s) URL, a URL-group name or api/<name>";
}

function baseUrlProblem(value: string): string | undefined {
  return httpUrlProblem(value) ?? (/[?#]/.test(value) ? "must not have a query or fragment" : undefined);
}

function labelProblem(value: string): string | undefined {
  if (value.length === 0) return "must not be empty";
  return headerValueProblem(value) ?? (value.includes(",") ? "must not contain ','" : undefined);
}

const headerSafe = (error: string) => z.string({ error }).min(1, { error: "must not be empty" }).superRefine(refineWith(headerValueProblem));

const httpUrl = z.string({ error: "must be an absolute http(s) URL" }).superRefine(refineWith(httpUrlProblem));

const method = z.enum(METHODS, { error: "must be one of GET, POST, PUT, PATCH, DELETE" });

const retries = z
  .number({ error: "must be a non-negative integer" })
  .int({ error: "must be a non-negative integer" })
  .min(0, { error: "must be a non-negative integer" });

const positiveInteger = z
  .number({ error: "must be a positive integer" })
  .int({ error: "must be a positive integer" })
  .min(1, { error: "must be a positive integer" });

/** Duration input (`"30s"`, `"1d1h30m"`, or seconds) → whole seconds. */
const duration = z
  .union([z.string(), z.number()], { error: "must be a number of seconds or a duration string" })
  .transform((value, ctx) => {
    try {
      return parseDuration(value);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as InvalidOptionError).reason });
      return z.NEVER;
    }
  });

const retryDelayProblem = /* @__PURE__ */ remembered((value) => {
  try {
    parseRetryDelay(value);
    return undefined;
  } catch (error) {
    if (!(error instanceof RetryDelaySyntaxError)) throw error;
    return error.message;
  }
});

const retryDelay = z.string({ error: "must be a retry-delay expression string" }).superRefine(refineWith(retryDelayProblem));

/** Header names → values, as a plain object or a `Headers`. */
export type HeaderMap = Record<string, string> | Headers;

/** Validated, ordered name/value pairs of a header map. */
const headerMap = z
  .custom<HeaderMap>((value) => typeof value === "object" && value !== null && !Array.isArray(value), {
    error: "must be an object of header names to string values, or a Headers",
  })
  .transform((value, ctx) => {
    const entries: Array<[string, string]> = value instanceof Headers ? [...value] : Object.entries(value);
    for (const [name, headerValue] of entries) {
      const reason =
        headerNameProblem(name) ??
        (typeof headerValue === "string" ? headerValueProblem(headerValue) : "must be a string");
      if (reason !== undefined) ctx.addIssue({ code: "custom", message: reason, path: [name] });
    }
    return entries;
  });

const notBefore = z
  .union([z.date(), z.number().int()], { error: "must be a Date or an integer of Unix seconds" })
  .transform((value, ctx) => {
    const seconds = value instanceof Date ? Math.floor(value.getTime() / 1000) : value;
    if (seconds < 0) ctx.addIssue({ code: "custom", message: "must not be before 1970" });
    return seconds;
  });

const labelItem = z.string({ error: "must be a string or an array of strings" }).superRefine(refineWith(labelProblem));

const label = z
  .union([labelItem, z.array(labelItem).min(1, { error: "must not be empty" })], {
    error: "must be a string or an array of strings",
  })
  .transform((value) => (Array.isArray(value) ? value.join(",") : value));

const headerName = z.string({ error: "must be a header name" }).superRefine(refineWith(headerNameProblem));

const redact = z.strictObject(
  {
    /** Redact the message body in logs and the API. */
    body: z.boolean({ error: "must be a boolean" }).optional(),
    /** `true` redacts every header; a list redacts the named ones. */
    headers: z.union([z.boolean(), z.array(headerName)], { error: "must be true or a list of header names" }).optional(),
  },
  { error: "must be an object" },
);

const flowControl = z
  .strictObject(
    {
      /** Flow-control key shared by every message that should be limited together. */
      key: headerSafe("must be a string"),
      /** Maximum deliveries in flight for the key. */
      parallelism: positiveInteger.optional(),
      /** Maximum deliveries started per `period`. */
      rate: positiveInteger.optional(),
      /** Rate period. @default "1s" (server side) */
      period: duration.optional(),
    },
    { error: "must be an object" },
  )
  .superRefine((value, ctx) => {
    if (value.parallelism === undefined && value.rate === undefined && value.period === undefined) {
      ctx.addIssue({ code: "custom", message: "needs at least one of parallelism, rate or period" });
    }
  });

const callbackObject = z.strictObject(
  {
    /** Absolute http(s) URL that receives the report. */
    url: httpUrl,
    /** Method of the callback delivery. @default "POST" */
    method: method.optional(),
    /** Per-attempt timeout of the callback delivery. */
    timeout: duration.optional(),
    /** Retries of the callback delivery. @default the message's retries */
    retries: retries.optional(),
    /** Retry-delay expression of the callback delivery. */
    retryDelay: retryDelay.optional(),
    /** Delay before the callback delivery. */
    delay: duration.optional(),
    /** Headers sent to the callback URL only (`Upstash-Callback-Forward-*`). */
    headers: headerMap.optional(),
  },
  { error: "must be a URL string or an object with a url" },
);

const callback = z
  .union([httpUrl, callbackObject], { error: "must be a URL string or an object with a url" })
  .transform((value) => (typeof value === "string" ? { url: value } : value));

/**
 * Options of a publish or enqueue request, as a zod 4 schema. `PublishOptions`
 * is its input type; `buildPublishRequest` validates with it. Unknown keys are
 * refused, so a misspelt option cannot be silently ignored.
 *
 * @example
 * ```ts
 * const parsed = publishOptionsSchema.parse({ token, destination: "https://x.dev/hook", delay: "2m" });
 * parsed.delay; // 120 (seconds)
 * const extended = publishOptionsSchema.extend({ tenant: z.string() }); // for your own wrappers
 * ```
 */
export const publishOptionsSchema = z.strictObject(
  {
    /** QStash API base URL; one trailing `/` is removed. @default env `QSTASH_URL`, else `https://qstash.upstash.io` */
    baseUrl: z.string({ error: "must be an absolute http(s) URL" }).superRefine(refineWith(baseUrlProblem)).optional(),
    /** Bearer token. @default env `QSTASH_TOKEN` (required one way or the other) */
    token: headerSafe("must be a string").optional(),
    /** Enqueue through this queue (`/v2/enqueue/{queueName}/…`) instead of publishing directly. */
    queueName: z
      .string({ error: "must be a string" })
      .regex(NAME, { error: "may contain only letters, digits, '.', '_' and '-'" })
      .optional(),
    /** Absolute http(s) URL, URL-group name, or `api/<name>`; appended to the path verbatim. */
    destination: z
      .string({ error: (issue) => (issue.input === undefined ? "is required" : "must be a string") })
      .superRefine(refineWith(destinationProblem)),
    /** String (as is), bytes / Blob (as bytes), or any JSON value (serialised once). */
    body: z.unknown().optional(),
    /** `Content-Type` of the message. @default `application/json` for JSON bodies, none otherwise */
    contentType: headerSafe("must be a string").optional(),
    /** Method QStash uses to deliver. @default "POST" */
    method: method.optional(),
    /** Per-attempt timeout (`"30s"` or seconds). */
    timeout: duration.optional(),
    /** Retries after the first attempt. @default 3 (server side) */
    retries: retries.optional(),
    /** Retry-delay expression in milliseconds, e.g. `"pow(2, retried) * 1000"`; validated, sent verbatim. */
    retryDelay: retryDelay.optional(),
    /** Delay before the first attempt (`"5m"` or seconds). */
    delay: duration.optional(),
    /** Earliest delivery time: a `Date` or Unix seconds. Wins over `delay`. */
    notBefore: notBefore.optional(),
    /** Explicit deduplication key. */
    deduplicationId: headerSafe("must be a string").optional(),
    /** Derive the deduplication key from destination, body and headers. @default false */
    contentBasedDeduplication: z.boolean({ error: "must be a boolean" }).optional(),
    /** Headers delivered to the destination (sent as `Upstash-Forward-<Name>`). */
    headers: headerMap.optional(),
    /** Gets a report after delivery attempts: a URL or `{ url, method?, timeout?, retries?, retryDelay?, delay?, headers? }`. */
    callback: callback.optional(),
    /** Gets a report when the message finally fails; same shape as `callback`. */
    failureCallback: callback.optional(),
    /** Label(s) for filtering logs and the DLQ; an array is joined with `,`. */
    label: label.optional(),
    /** Redact the body and/or headers in logs and the API (delivery is unaffected). */
    redact: redact.optional(),
    /** Flow control: `{ key, parallelism?, rate?, period? }`, at least one limit. */
    flowControl: flowControl.optional(),
  },
  { error: "must be an object" },
);

/** Options accepted by `buildPublishRequest`, `buildPublishHeaders` and the client's publish calls. */
export type PublishOptions = z.input<typeof publishOptionsSchema>;

/** Options after validation: durations in seconds, callbacks as objects, headers as pairs. */
export type ParsedPublishOptions = z.output<typeof publishOptionsSchema>;

/** Callback settings after validation. */
export type ParsedCallback = NonNullable<ParsedPublishOptions["callback"]>;

/**
 * Validates publish options, mapping the first zod issue to an
 * `InvalidOptionError` whose `option` is the issue's path.
 *
 * @throws {InvalidOptionError} `ERR_INVALID_OPTION`; `cause` is the `ZodError`.
 */
export function parsePublishOptions(options: PublishOptions): ParsedPublishOptions {
  const result = publishOptionsSchema.safeParse(options);
  if (result.success) return result.data;
  throw toInvalidOptionError(result.error);
}

function toInvalidOptionError(error: z.ZodError): InvalidOptionError {
  const { issue, path } = innermostIssue(error.issues[0]!, []);
  if (issue.code === "unrecognized_keys") {
    return new InvalidOptionError([...path, issue.keys[0]].join("."), "is not a known option", { cause: error });
  }
  return new InvalidOptionError(path.length === 0 ? "options" : path.join("."), issue.message, { cause: error });
}

type Issue = z.core.$ZodIssue;

// A union of "URL string | settings object" reports both branches when the
// object has a bad field; the useful issue is the one from the branch whose
// type matched, so the option path can name the field ("callback.retries").
function innermostIssue(issue: Issue, prefix: string[]): { issue: Issue; path: string[] } {
  const path = [...prefix, ...issue.path.map(String)];
  if (issue.code !== "invalid_union") return { issue, path };
  const matched = issue.errors.filter((branch) => !isRootTypeMismatch(branch));
  const first = matched.length === 1 ? matched[0]![0] : undefined;
  return first === undefined ? { issue, path } : innermostIssue(first, path);
}

function isRootTypeMismatch(branch: readonly Issue[]): boolean {
  return branch.length === 1 && branch[0]!.path.length === 0 && branch[0]!.code === "invalid_type";
}
