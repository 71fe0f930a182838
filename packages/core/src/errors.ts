/**
 * Base class of every error stashkit throws on purpose. `code` is stable and
 * machine-readable; `message` is short, fixed and never contains secrets.
 *
 * @example
 * ```ts
 * try { await client.publish(opts) } catch (e) {
 *   if (e instanceof QStashError) console.log(e.code)
 * }
 * ```
 */
export class QStashError extends Error {
  /** Stable machine-readable code, e.g. `ERR_INVALID_OPTION`. */
  readonly code: string;

  /**
   * @param message - short, fixed, secret-free text.
   * @param code - stable machine-readable code; `"ERR_QSTASH"` when omitted.
   * @param options - `{ cause }`: the underlying error, kept for logs.
   */
  constructor(message: string, code = "ERR_QSTASH", options?: { cause?: unknown }) {
    super(message, options);
    this.name = "QStashError";
    this.code = code;
  }
}

/**
 * An option passed to a builder or client is invalid. Thrown before any I/O.
 *
 * @example
 * ```ts
 * buildPublishRequest({ token, destination: "https://x.dev", retries: -1 })
 * // throws InvalidOptionError { option: "retries", reason: "must be a non-negative integer" }
 * ```
 */
export class InvalidOptionError extends QStashError {
  /** Path of the offending option, e.g. `"retries"` or `"callback.url"`. */
  readonly option: string;
  /** What is wrong with it, without echoing the value. */
  readonly reason: string;

  /**
   * @param option - path of the offending option.
   * @param reason - what is wrong, without echoing the value.
   * @param options - `{ cause }`: the underlying error, kept for logs.
   */
  constructor(option: string, reason: string, options?: { cause?: unknown }) {
    super(`invalid option "${option}": ${reason}`, "ERR_INVALID_OPTION", options);
    this.name = "InvalidOptionError";
    this.option = option;
    this.reason = reason;
  }
}

/**
 * The QStash API answered with a non-2xx status.
 * @example
 * ```ts
 * try { await client.queues.get("missing") } catch (e) {
 *   if (e instanceof QStashHttpError && e.status === 404) console.log(e.body)
 * }
 * ```
 */
export class QStashHttpError extends QStashError {
  /** HTTP status of the response. */
  readonly status: number;
  /** The server's `error` text, or the raw body when it was not JSON. */
  readonly body: string;

  /**
   * @param status - HTTP status of the response.
   * @param body - the server's `error` text or raw body.
   * @param options - `{ cause }`: the underlying error, kept for logs.
   */
  constructor(status: number, body: string, options?: { cause?: unknown }) {
    super(`QStash API answered ${status}${body ? `: ${body}` : ""}`, "ERR_HTTP", options);
    this.name = "QStashHttpError";
    this.status = status;
    this.body = body;
  }
}

/** Machine-readable reasons a signed delivery is rejected. */
export type SignatureErrorReason =
  | "missing_signature"
  | "malformed"
  | "bad_signature"
  | "expired"
  | "not_yet_valid"
  | "wrong_issuer"
  | "url_mismatch"
  | "body_mismatch"
  | "replayed";

/**
 * A delivery's `Upstash-Signature` did not verify. `reason` says why; the
 * message never contains key material, tokens or hashes.
 * @example
 * ```ts
 * try { await receiver.verify({ signature, body, url }) } catch (e) {
 *   if (e instanceof SignatureError) console.log(e.reason, e.code) // "expired" "ERR_SIGNATURE_EXPIRED"
 * }
 * ```
 */
export class SignatureError extends QStashError {
  /** Why verification failed. */
  readonly reason: SignatureErrorReason;
  /** For `url_mismatch`: the URL the signature was issued for (its `sub` claim). */
  readonly signedUrl?: string;
  /** For `url_mismatch`: the URL the request arrived at, as checked. */
  readonly receivedUrl?: string;

  /**
   * @param reason - why verification failed; the code is `ERR_SIGNATURE_` plus it in upper case.
   * @param message - short, secret-free text.
   * @param options - `{ cause }`: the underlying error, kept for logs; for `url_mismatch`, the
   *   two URLs (neither is secret: whoever sent the request holds the token).
   */
  constructor(
    reason: SignatureErrorReason,
    message: string,
    options?: { cause?: unknown; signedUrl?: string; receivedUrl?: string },
  ) {
    super(message, `ERR_SIGNATURE_${reason.toUpperCase()}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SignatureError";
    this.reason = reason;
    if (options?.signedUrl !== undefined) this.signedUrl = options.signedUrl;
    if (options?.receivedUrl !== undefined) this.receivedUrl = options.receivedUrl;
  }
}

/**
 * No complete pair of signing keys is configured: neither options, a `receiver`, nor
 * `QSTASH_CURRENT_SIGNING_KEY`/`QSTASH_NEXT_SIGNING_KEY`, or only one of the two. Handlers
 * report it through `onError` on the first request and answer `500`: unsigned traffic is
 * never accepted.
 *
 * @param missing - the one key (option or variable name) that is absent when the other is set
 * @param options - `{ cause }`: the underlying error, kept for logs.
 * @example
 * ```ts
 * new Receiver({}) // throws MissingSigningKeysError when the variables are unset
 * new Receiver({ currentSigningKey: "sig_…" }) // throws: "… nextSigningKey is missing …"
 * ```
 */
export class MissingSigningKeysError extends QStashError {
  /** The absent half of a pair, when exactly one key was configured. */
  readonly missing: string | undefined;

  constructor(missing?: string, options?: { cause?: unknown }) {
    super(
      missing === undefined
        ? "no QStash signing keys: set QSTASH_CURRENT_SIGNING_KEY and QSTASH_NEXT_SIGNING_KEY (both are on the QStash console's Signing Keys page), or pass currentSigningKey and nextSigningKey"
        : `${missing} is missing: QStash signs with the current key and moves to the next one on rotation, so both keys are needed (both are on the QStash console's Signing Keys page)`,
      "ERR_MISSING_SIGNING_KEYS",
      options,
    );
    this.name = "MissingSigningKeysError";
    this.missing = missing;
  }
}
