import { QStashError } from "../errors.js";

/**
 * Throw from a handler when retrying cannot help (bad data, a deleted
 * resource). The delivery is answered `489` with `Upstash-NonRetryable-Error: true`,
 * so QStash stops retrying and moves the message to the DLQ. The message is
 * returned to QStash in the response body: keep it free of secrets.
 *
 * @param message - why the message can never succeed
 * @param options - `{ cause }`, kept for logs only
 * @example
 * ```ts
 * handler: async ({ payload }) => {
 *   if (!(await users.exists(payload.userId))) throw new NonRetryableError("unknown user");
 * }
 * ```
 */
export class NonRetryableError extends QStashError {
  constructor(message = "message cannot be processed", options?: { cause?: unknown }) {
    super(message, "ERR_NON_RETRYABLE", options);
    this.name = "NonRetryableError";
  }
}

/**
 * Throw from a handler to ask QStash to retry later. The delivery is answered
 * `429` with `Retry-After: <seconds>`; QStash schedules the next attempt
 * accordingly (values beyond one day fall back to its default back-off).
 *
 * @param seconds - whole seconds to wait, 0 to 86 400
 * @param message - optional reason, returned in the response body
 * @param options - `{ cause }`, kept for logs only
 * @throws QStashError `ERR_INVALID_RETRY_AFTER` when `seconds` is not a
 *   non-negative finite number
 * @example
 * ```ts
 * if (rateLimited) throw new RetryAfterError(30);
 * ```
 */
export class RetryAfterError extends QStashError {
  /** Seconds QStash should wait before the next attempt. */
  readonly seconds: number;

  constructor(seconds: number, message = "retry later", options?: { cause?: unknown }) {
    super(message, "ERR_RETRY_AFTER", options);
    if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds < 0) {
      throw new QStashError("RetryAfterError needs a non-negative number of seconds", "ERR_INVALID_RETRY_AFTER");
    }
    this.name = "RetryAfterError";
    this.seconds = Math.ceil(seconds);
  }
}

/** One reason a payload was refused, with the path of the failing field. */
export interface PayloadIssue {
  /** Dot-separated path of the failing field, `""` for the whole payload. */
  readonly path: string;
  /** The schema's message. */
  readonly message: string;
}

/**
 * The delivered body is not valid JSON or fails the definition's schema.
 * Answered `489` + `Upstash-NonRetryable-Error: true`: retrying the same bytes
 * cannot succeed. Also thrown by `client.send` before publishing an invalid payload.
 *
 * @param issues - every failing field.
 * @param message - summary returned in the response body.
 * @param options - `{ cause }`: the underlying error, kept for logs.
 * @example
 * ```ts
 * try { await client.send(sendEmail, payload) } catch (e) {
 *   if (e instanceof PayloadValidationError) console.log(e.issues) // [{ path: "to", message: "…" }]
 * }
 * ```
 */
export class PayloadValidationError extends QStashError {
  /** Every failing field. */
  readonly issues: readonly PayloadIssue[];

  constructor(issues: readonly PayloadIssue[], message = "payload does not match the schema", options?: { cause?: unknown }) {
    super(message, "ERR_INVALID_PAYLOAD", options);
    this.name = "PayloadValidationError";
    this.issues = issues;
  }
}

/**
 * The request body is larger than `maxBodyBytes`. Answered `413` before the
 * signature is verified; reading stops at the first chunk past the limit.
 * @param limit - the limit in bytes that was exceeded.
 * @example
 * ```ts
 * try { await readBody(request.body!, 1024) } catch (e) {
 *   if (e instanceof BodyTooLargeError) console.log(e.limit) // 1024
 * }
 * ```
 */
export class BodyTooLargeError extends QStashError {
  /** The limit in bytes that was exceeded. */
  readonly limit: number;

  constructor(limit: number) {
    super(`request body exceeds ${limit} bytes`, "ERR_BODY_TOO_LARGE");
    this.name = "BodyTooLargeError";
    this.limit = limit;
  }
}

/**
 * A body parser consumed the request before stashkit and the exact bytes are
 * gone, so the signature cannot be checked. Answered `500` with the fix.
 * @example
 * ```ts
 * app.use(express.json());
 * app.use(stashkit(sendEmail)); // deliveries now answer 500 ERR_BODY_ALREADY_PARSED: mount stashkit first
 * ```
 */
export class BodyAlreadyParsedError extends QStashError {
  /**
   * @param parser - what consumed the body, e.g. `"express.json()"`
   * @param fix - how to fix it on this host
   */
  constructor(parser = "a body parser", fix = "mount stashkit before it or use express.json({ verify: rawBody() })") {
    super(`body was already parsed by ${parser}; ${fix}`, "ERR_BODY_ALREADY_PARSED");
    this.name = "BodyAlreadyParsedError";
  }
}
