// What a user sees of a refused delivery: the `onReject` event, `onError` for 500s, and,
// without hooks, one console line outside production. Behind a proxy, a 401 `url_mismatch`
// that nobody sees is the usual "works locally, fails in production"; this makes it visible.

/** A delivery stashkit answered with 400, 401, 413, 489 or 500. */
export interface RejectEvent {
  /** The status sent back. */
  readonly status: number;
  /**
   * Why, machine-readable: a signature `reason` (`url_mismatch`, `replayed`, …) or, for other
   * errors, their code in snake case without `ERR_` (`invalid_payload`, `body_too_large`,
   * `bad_request_url`, …); `handler_error` for anything a handler threw.
   */
  readonly reason: string;
  /** The error behind it, as thrown (a handler's own error for `handler_error`). */
  readonly error: unknown;
  /** The request method. */
  readonly method: string;
  /** The URL the signature was checked against, or the request target when none could be built. */
  readonly url: string;
  /** The `Upstash-Message-Id` header, when present. */
  readonly messageId: string | undefined;
}

/** What the pipeline knows when it refuses a delivery. */
export interface RejectReportOptions {
  readonly onReject?: ((event: RejectEvent) => void) | undefined;
  readonly onError?: ((error: unknown) => void) | undefined;
}

const FIXES: Record<string, string> = {
  missing_signature: "no Upstash-Signature header; only QStash (or the stashkit dev server) should call this route",
  malformed: "the Upstash-Signature header is not a QStash token",
  bad_signature:
    "signed with other keys; set QSTASH_CURRENT_SIGNING_KEY and QSTASH_NEXT_SIGNING_KEY from the QStash account (or dev server) that sends here",
  expired: "the token is past its expiry; check this machine's clock, or allow skew with clockTolerance",
  not_yet_valid: "the token is not valid yet; check this machine's clock, or allow skew with clockTolerance",
  wrong_issuer: "the token was not issued by QStash",
  url_mismatch:
    "set publicBaseUrl to the public origin QStash calls, or trustProxy behind a proxy that sets X-Forwarded-Host",
  body_mismatch: "the bytes changed after signing; mount stashkit before body parsers, and check proxies that rewrite bodies",
  replayed: "this signed request was already accepted (QStash signs every attempt afresh): a replay, or something resending it",
  body_too_large: "raise maxBodyBytes if bodies this large are expected",
  bad_request_url: "QStash sends a plain Host; this request did not come from QStash, or a proxy rewrote it",
};

/**
 * @internal Reports one refused delivery. Never throws: a failing hook must not change the
 * answer QStash gets.
 *
 * @param options - the hooks
 * @param event - the refusal
 */
export function reportRejection(options: RejectReportOptions, event: RejectEvent): void {
  try {
    if (event.status >= 500 && options.onError) options.onError(event.error);
    if (options.onReject) return options.onReject(event);
    if (event.status >= 500) {
      // A crash needs its stack, in production too.
      if (!options.onError) console.error(`[stashkit] ${describe(event)}:`, event.error);
      return;
    }
    if (!isProduction()) console.warn(`[stashkit] ${describe(event)}: ${detail(event)}`);
  } catch {
    // A failing logger must not change the answer QStash gets.
  }
}

/**
 * @internal The reason of an error as `RejectEvent.reason` names it.
 *
 * @param error - what was thrown
 * @param fromHandler - whether a handler threw it (rather than the delivery's own checks)
 */
export function reasonOf(error: unknown, fromHandler: boolean): string {
  const { reason, code } = (typeof error === "object" && error !== null ? error : {}) as { reason?: unknown; code?: unknown };
  if (!fromHandler && typeof reason === "string" && typeof code === "string" && code.startsWith("ERR_SIGNATURE_")) return reason;
  if (fromHandler && code !== "ERR_NON_RETRYABLE") return "handler_error";
  if (typeof code === "string" && code.startsWith("ERR_")) return code.slice(4).toLowerCase();
  return fromHandler ? "handler_error" : "internal_error";
}

function describe(event: RejectEvent): string {
  const id = event.messageId === undefined ? "" : ` (${clean(event.messageId, 120)})`;
  return `${event.status} ${event.reason} ${clean(event.method, 16)} ${clean(event.url, 2048)}${id}`;
}

function detail(event: RejectEvent): string {
  const error = event.error as { message?: unknown; issues?: unknown } | null;
  const message = typeof error?.message === "string" ? clean(error.message, 2048) : "rejected";
  if (Array.isArray(error?.issues) && error.issues.length > 0) {
    const issues = (error.issues as { path?: unknown; message?: unknown }[])
      .slice(0, 3)
      .map((i) => `${String(i.path) || "(body)"}: ${String(i.message)}`)
      .join("; ");
    return clean(`${message} (${issues})`, 2048);
  }
  const fix = FIXES[event.reason];
  return fix ? `${message}. Fix: ${fix}` : message;
}

// Header values and URLs come from the sender: keep one event on one readable line.
function clean(value: string, max: number): string {
  const printable = value.replace(/[\u0000-\u001f\u007f]/g, "?");
  return printable.length > max ? `${printable.slice(0, max)}…` : printable;
}

function isProduction(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.["NODE_ENV"] === "production";
}
