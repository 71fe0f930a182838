import { SignatureError } from "../errors.js";
import { resolvePublicUrl } from "../verify/publicUrl.js";
import { Receiver, verifyDeliveryNow } from "../verify/receiver.js";

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
   * Trust `X-Forwarded-Proto`/`X-Forwarded-Host` to rebuild the public URL.
   * Only enable behind a proxy that sets them.
   * @default false
   */
  trustProxy?: boolean;
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
   * @default logs with console.error
   */
  onError?: (error: unknown) => void;
}

const verifiers = new WeakMap<HandlerOptions, Receiver>();

/**
 * The verifier for these options, built once per options object. Keys are read
 * from the environment only when not given, and only on first use, so a module
 * can be imported before the environment is loaded; a failed lookup is retried
 * on the next request.
 *
 * @throws MissingSigningKeysError `ERR_MISSING_SIGNING_KEYS` when no keys are available
 */
export function resolveVerifier(options: HandlerOptions): DeliveryVerifier {
  return options.receiver ?? builtReceiver(options);
}

/**
 * @internal Verifies one delivery with the options' verifier. A `Receiver` built here from
 * the keys is called without its promise wrapper (synchronous on Node: one await less per
 * delivery); a verifier the user passed is always called through its public `verify`.
 *
 * @returns what the verifier settles with, or a promise of it; throws or rejects like `verify`
 * @throws MissingSigningKeysError `ERR_MISSING_SIGNING_KEYS` when no keys are available
 */
export function verifyWith(options: HandlerOptions, input: Parameters<DeliveryVerifier["verify"]>[0]): unknown {
  if (!options.receiver) return verifyDeliveryNow(builtReceiver(options), input);
  return Promise.resolve(options.receiver.verify(input)).then(requireAcceptance);
}

// Fail closed: many verify functions report a bad signature by resolving `false`. Only an
// explicit `true` or a verified-delivery object lets a request through.
function requireAcceptance(result: unknown): unknown {
  if (result === true || (typeof result === "object" && result !== null)) return result;
  throw new SignatureError("bad_signature", "the configured receiver did not accept the signature");
}

function builtReceiver(options: HandlerOptions): Receiver {
  let verifier = verifiers.get(options);
  if (!verifier) {
    // Half a pair throws too: a typo must not silently fall back to the environment.
    verifier = new Receiver({ currentSigningKey: options.currentSigningKey, nextSigningKey: options.nextSigningKey });
    verifiers.set(options, verifier);
  }
  return verifier;
}

/**
 * The URL the signature's `sub` must equal: the host's URL, with its origin
 * replaced by `publicBaseUrl`, or by the forwarded headers under `trustProxy`
 * (the shared `resolvePublicUrl` rules).
 *
 * @param raw - the URL and headers the host saw
 * @param options - `publicBaseUrl` / `trustProxy`
 * @returns an absolute URL string
 * @throws InvalidOptionError `ERR_INVALID_OPTION` for a `publicBaseUrl` that is not an absolute http(s) URL
 */
export function resolveRequestUrl(
  raw: { url: string; header(name: string): string | undefined },
  options: HandlerOptions,
): string {
  if (options.publicBaseUrl === undefined && !options.trustProxy) return raw.url;
  return resolvePublicUrl(raw.url, (name) => raw.header(name), options);
}
