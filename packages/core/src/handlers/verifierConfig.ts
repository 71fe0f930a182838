import { InvalidOptionError, SignatureError } from "../errors.js";
import { decodeBase64Loose } from "../lib/base64url.js";
import type { DeliveryClaims } from "../verify/deliveryClaims.js";
import { Receiver, checkReplay, verifyDeliveryNow, verifyTokenOnlyNow } from "../verify/receiver.js";
import { createMemoryReplayStore } from "../verify/replayGuard.js";
import type { ReplayStore } from "../verify/replayGuard.js";
import { decodeJsonSegment, isJsonObject } from "../verify/signatureToken.js";
import type { RejectEvent } from "./rejection.js";

/**
 * Anything that verifies an `Upstash-Signature` like `Receiver.verify`: resolves `true`
 * (or a verified-delivery object) when valid, rejects with `SignatureError` otherwise.
 * Any other result, `false` included, rejects the request with 401. The body is passed
 * as the exact bytes received (`Uint8Array`); a verifier that only hashes strings, such as
 * the official `@upstash/qstash` `Receiver`, cannot be used here: use stashkit's `Receiver`,
 * its drop-in replacement.
 */
export interface DeliveryVerifier {
  /**
   * Verifies one delivery's signature.
   * @param input - signature, exact body bytes and, when derivable, the URL and region
   * @returns `true` or a verified-delivery object when valid; anything else is refused with 401
   */
  verify(input: {
    signature: string;
    body: Uint8Array;
    url?: string;
    clockTolerance?: number;
    upstashRegion?: string;
  }): Promise<unknown>;
}

/**
 * How a definition verifies and limits deliveries. Set on the definition, or
 * passed by a host (`stashkit(defs, options)`) to override it.
 */
export interface HandlerOptions {
  /**
   * Current signing key.
   * @default process.env.QSTASH_CURRENT_SIGNING_KEY, read on the first request
   */
  currentSigningKey?: string;
  /**
   * Next signing key.
   * @default process.env.QSTASH_NEXT_SIGNING_KEY, read on the first request
   */
  nextSigningKey?: string;
  /** A ready verifier (e.g. a shared `Receiver`); wins over the key options. */
  receiver?: DeliveryVerifier;
  /**
   * Seconds of clock skew tolerated on `exp`/`nbf`.
   * @default 0
   */
  clockTolerance?: number;
  /**
   * Largest accepted body; larger ones get 413 before verification.
   * @default 1_048_576 (1 MiB)
   */
  maxBodyBytes?: number;
  /**
   * Public origin QStash calls (e.g. `https://app.example.com`) when the host
   * sits behind a proxy; replaces the origin the host sees when checking `sub`.
   * A function gets the URL the host saw and returns the full public URL.
   * @default the URL the host saw (rebuilt from forwarded headers under `trustProxy`)
   */
  publicBaseUrl?: string | ((url: URL) => string);
  /**
   * Trust `X-Forwarded-Proto`/`X-Forwarded-Host` (first value of each) to rebuild the public
   * URL. Only enable behind a proxy that overwrites them. An invalid forwarded value is a 400.
   * @default false; on Express, the app's own `app.set("trust proxy", …)` decides
   */
  trustProxy?: boolean;
  /**
   * Refuses a delivery whose token id (`jti`) was already accepted (401, reason `replayed`).
   * QStash signs every attempt afresh, so retries are never replays. `false` turns it off; a
   * {@link ReplayStore} (e.g. over Redis `SET NX PXAT`) shares it across instances.
   * @default an in-memory store shared by every definition in the process (100,000 ids)
   */
  replayGuard?: ReplayStore | false;
  /**
   * Accept deliveries without checking the signature. Anyone who can reach
   * the endpoint can then trigger the handler: local experiments only.
   * @default false
   */
  dangerouslySkipSignatureVerification?: boolean;
  /**
   * Called with the error behind every 500 (handler crash, missing keys,
   * already-parsed body).
   * @param error - what went wrong
   * @default `console.error` with the stack, unless `onReject` is set (then only the hook sees it)
   */
  onError?: (error: unknown) => void;
  /**
   * Called for every delivery answered 400, 401, 413, 489 or 500, with the status, the error
   * and the request's method, URL and message id. A throwing hook does not change the answer.
   * @param event - what was refused and why
   * @default each 400, 401, 413 and 489 prints one `console.warn` line outside production
   *   (`NODE_ENV !== "production"`); each 500 is logged with `console.error` and its stack, in
   *   production too, unless `onError` is set
   */
  onReject?: (event: RejectEvent) => void;
}

const verifiers = new WeakMap<HandlerOptions, Receiver>();
let processReplayStore: ReplayStore | undefined;

/**
 * The replay store these options use: none with `replayGuard: false`, else the given store or
 * the process-wide in-memory one (one bound for the whole process, however many routes).
 *
 * @throws InvalidOptionError `ERR_INVALID_OPTION` when `replayGuard` is neither `false` nor a store
 */
function replayStoreOf(options: HandlerOptions): ReplayStore | undefined {
  const { replayGuard } = options;
  if (replayGuard === false) return undefined;
  if (replayGuard === undefined) return (processReplayStore ??= createMemoryReplayStore());
  if (typeof (replayGuard as Partial<ReplayStore> | null)?.seen !== "function") {
    throw new InvalidOptionError("replayGuard", "must be false or have a seen(jti, expiresAt) method");
  }
  return replayGuard;
}

type VerifyInput = Parameters<DeliveryVerifier["verify"]>[0];

/**
 * @internal Verifies one delivery with the options' verifier and replay guard. A `Receiver`
 * built here from the keys is called without its promise wrapper (synchronous on Node with
 * the in-memory guard: no await per delivery); a verifier the user passed is always called
 * through its public `verify`, and its accepted token is then checked against the guard.
 *
 * @returns what the verifier settles with, or a promise of it; throws or rejects like `verify`
 * @throws MissingSigningKeysError `ERR_MISSING_SIGNING_KEYS` when no keys are available
 */
export function verifyWith(options: HandlerOptions, input: VerifyInput): unknown {
  if (!options.receiver) return verifyDeliveryNow(builtReceiver(options), input);
  const store = replayStoreOf(options);
  const accepted = Promise.resolve(options.receiver.verify(input)).then(requireAcceptance);
  if (!store) return accepted;
  return accepted.then((result) => checkReplay(store, claimsOf(input.signature), input.clockTolerance ?? 0) ?? result);
}

/**
 * @internal Checks everything about a delivery's token but its body (the bytes are gone): a
 * forged or expired token must still get its own 401. Resolves when only the body is left to
 * check. A user-supplied verifier is asked with an empty body: its `body_mismatch` means the
 * token itself was fine.
 */
export function verifyTokenOnly(options: HandlerOptions, input: Omit<VerifyInput, "body">): unknown {
  if (!options.receiver) return verifyTokenOnlyNow(builtReceiver(options), input);
  return Promise.resolve(options.receiver.verify({ ...input, body: new Uint8Array(0) })).then(
    () => undefined,
    (error: unknown) => {
      if ((error as { reason?: unknown } | null)?.reason === "body_mismatch") return undefined;
      throw error instanceof SignatureError ? error : new SignatureError("bad_signature", "the configured receiver refused the signature", { cause: error });
    },
  );
}

// Fail closed: many verify functions report a bad signature by resolving `false`. Only an
// explicit `true` or a verified-delivery object lets a request through.
function requireAcceptance(result: unknown): unknown {
  if (result === true || (typeof result === "object" && result !== null)) return result;
  throw new SignatureError("bad_signature", "the configured receiver did not accept the signature");
}

// Read only after the user's verifier accepted the token, so its claims are authentic.
function claimsOf(signature: string): DeliveryClaims {
  const payload = decodeJsonSegment(signature.split(".")[1] ?? "", (segment) => decodeBase64Loose(segment) ?? new Uint8Array(0));
  if (!isJsonObject(payload) || typeof payload["exp"] !== "number") {
    throw new SignatureError("malformed", "signature has no exp to guard against replays");
  }
  return payload as DeliveryClaims;
}

function builtReceiver(options: HandlerOptions): Receiver {
  let verifier = verifiers.get(options);
  if (!verifier) {
    const replayGuard = replayStoreOf(options);
    // Half a pair throws too: a typo must not silently fall back to the environment.
    verifier = new Receiver({
      currentSigningKey: options.currentSigningKey,
      nextSigningKey: options.nextSigningKey,
      ...(replayGuard ? { replayGuard } : {}),
    });
    verifiers.set(options, verifier);
  }
  return verifier;
}
