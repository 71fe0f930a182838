import { QStashError } from "../errors.js";

/**
 * The QStash API could not be reached (connection refused, DNS failure, reset,
 * timeout) and the client gave up, either because the retry budget ran out or
 * because retrying the call could have duplicated a message.
 *
 * `code` is `ERR_NETWORK`; the underlying `fetch` error is kept as `cause`.
 *
 * @example
 * ```ts
 * try { await client.queues.list() } catch (e) {
 *   if (e instanceof QStashNetworkError) console.log(e.attempts, e.cause)
 * }
 * ```
 */
export class QStashNetworkError extends QStashError {
  /** How many times the request was sent (1 = no retry). */
  readonly attempts: number;

  /**
   * @param attempts - how many times the request was sent.
   * @param options - `{ cause }`: the `fetch` error.
   */
  constructor(attempts: number, options?: { cause?: unknown }) {
    super(`QStash API unreachable after ${attempts} attempt(s)`, "ERR_NETWORK", options);
    this.name = "QStashNetworkError";
    this.attempts = attempts;
  }
}

/**
 * The QStash API answered 2xx with a body the client cannot use: not JSON, or
 * a required field missing or of the wrong type. `code` is `ERR_BAD_RESPONSE`;
 * `field` names the offending path (`""` when the body is not JSON at all).
 *
 * @example
 * ```ts
 * try { await client.publish(opts) } catch (e) {
 *   if (e instanceof QStashResponseError) console.log(e.field) // e.g. "messageId"
 * }
 * ```
 */
export class QStashResponseError extends QStashError {
  /** Dotted path of the field that failed validation, e.g. `"messages.0.dlqId"`. */
  readonly field: string;

  /**
   * @param field - dotted path of the bad field, `""` when the body is not JSON.
   * @param problem - what is wrong with it.
   * @param options - `{ cause }`: the underlying error, kept for logs.
   */
  constructor(field: string, problem: string, options?: { cause?: unknown }) {
    super(
      field === "" ? `QStash API response ${problem}` : `QStash API response field "${field}" ${problem}`,
      "ERR_BAD_RESPONSE",
      options,
    );
    this.name = "QStashResponseError";
    this.field = field;
  }
}
