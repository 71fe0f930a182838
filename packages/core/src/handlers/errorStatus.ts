/** What a delivery is answered, in transport-neutral form. */
export interface RawDeliveryResponse {
  /** HTTP status. */
  status: number;
  /** Response headers, lower-case names. */
  headers: Record<string, string>;
  /** Response body text (JSON for every status stashkit produces). */
  body: string;
}

interface CodedError {
  code?: unknown;
  reason?: unknown;
  issues?: unknown;
  seconds?: unknown;
  limit?: unknown;
  message?: unknown;
  field?: unknown;
  signedUrl?: unknown;
  receivedUrl?: unknown;
}

type Rule = (error: CodedError) => RawDeliveryResponse;

const NON_RETRYABLE = { "upstash-nonretryable-error": "true" } as const;

function json(status: number, body: unknown, headers: Record<string, string> = {}): RawDeliveryResponse {
  return { status, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) };
}

function text(value: unknown, fallback: string): string {
  return typeof value === "string" && value.length > 0 ? value : fallback;
}

// Matched on the stable `code` rather than `instanceof`, so errors thrown by a
// second copy of @stashkit/core (ESM + CJS in one process) map the same way.
const byCode: Record<string, Rule> = {
  ERR_INVALID_PAYLOAD: (e) =>
    json(489, { error: text(e.message, "invalid payload"), issues: Array.isArray(e.issues) ? e.issues : [] }, NON_RETRYABLE),
  // A verified report or header set that cannot be read will not improve on retry.
  ERR_BAD_CALLBACK: (e) =>
    json(489, { error: "invalid callback report", issues: Array.isArray(e.issues) ? e.issues : [] }, NON_RETRYABLE),
  ERR_BAD_DELIVERY_HEADER: (e) => json(489, { error: text(e.message, "invalid delivery header") }, NON_RETRYABLE),
  ERR_NON_RETRYABLE: (e) => json(489, { error: text(e.message, "non-retryable error") }, NON_RETRYABLE),
  ERR_RETRY_AFTER: (e) =>
    json(429, { error: text(e.message, "retry later"), retryAfter: Number(e.seconds) }, { "retry-after": String(e.seconds) }),
  // The rest of the body was not read: the connection cannot be reused safely.
  ERR_BODY_TOO_LARGE: (e) =>
    json(413, { error: "payload too large", limit: Number(e.limit) }, { connection: "close" }),
  ERR_MISSING_SIGNING_KEYS: () => json(500, { error: "signing keys are not configured", code: "ERR_MISSING_SIGNING_KEYS" }),
  ERR_BODY_ALREADY_PARSED: (e) => json(500, { error: text(e.message, "body was already parsed"), code: "ERR_BODY_ALREADY_PARSED" }),
  ERR_METHOD_NOT_ALLOWED: () => json(405, { error: "method not allowed" }, { allow: "POST" }),
  // Checked before the signature: the URL it would be compared with cannot be trusted.
  ERR_BAD_REQUEST_URL: (e) =>
    json(400, { error: text(e.message, "invalid request URL"), field: typeof e.field === "string" ? e.field : "host" }),
};

// Only a url_mismatch says more than its reason: the two URLs, which the sender already knows
// (it holds the token) and which are what a user behind a proxy needs to see.
const signatureRule: Rule = (e) => {
  const reason = typeof e.reason === "string" ? e.reason : "malformed";
  if (reason === "url_mismatch" && typeof e.signedUrl === "string" && typeof e.receivedUrl === "string") {
    return json(401, { error: text(e.message, "invalid signature"), reason, signedUrl: e.signedUrl, receivedUrl: e.receivedUrl });
  }
  return json(401, { error: reason === "missing_signature" ? "missing signature" : "invalid signature", reason });
};

const internal: RawDeliveryResponse = json(500, { error: "internal error" });

/**
 * The one error → response table used by every host. A `Host`/target that cannot be
 * trusted → 400 `{ error, field }`; signature errors → 401 `{ error, reason }` (plus
 * `signedUrl`/`receivedUrl` for `url_mismatch`); schema failures and `NonRetryableError` → 489 with
 * `Upstash-NonRetryable-Error: true`; `RetryAfterError` → 429 + `Retry-After`;
 * body over the limit → 413; anything else → 500 with a generic text (the
 * thrown message never leaks).
 *
 * @param error - anything a handler or the runtime threw
 * @returns the response to send
 * @example
 * ```ts
 * errorToResponse(new RetryAfterError(30)) // { status: 429, headers: { "retry-after": "30", ... } }
 * ```
 */
export function errorToResponse(error: unknown): RawDeliveryResponse {
  if (typeof error !== "object" || error === null) return copy(internal);
  const coded = error as CodedError;
  if (typeof coded.code === "string") {
    if (coded.code.startsWith("ERR_SIGNATURE_")) return signatureRule(coded);
    const rule = byCode[coded.code];
    if (rule) return rule(coded);
  }
  return copy(internal);
}

/**
 * The HTTP status `errorToResponse` gives an error.
 *
 * @param error - anything thrown
 * @returns 400, 401, 405, 413, 429, 489 or 500
 * @example
 * ```ts
 * statusOfError(new NonRetryableError("gone")) // 489
 * ```
 */
export function statusOfError(error: unknown): number {
  return errorToResponse(error).status;
}

function copy(response: RawDeliveryResponse): RawDeliveryResponse {
  return { status: response.status, headers: { ...response.headers }, body: response.body };
}
