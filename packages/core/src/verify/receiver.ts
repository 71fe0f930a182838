import { bodyHashMatches, subjectMatches } from "./deliveryBinding.js";
import type { DeliveryClaims } from "./deliveryClaims.js";
import { InvalidOptionError, SignatureError } from "../errors.js";
import { loadNodeRuntime } from "../lib/nodeCrypto.js";
import type { ReplayStore } from "./replayGuard.js";
import { resolveSigningKeys, type SigningKeySource } from "./signingKeys.js";
import { parseSignatureToken } from "./signatureToken.js";
import type { SigningKeyName, VerifyEngine } from "./verifyEngine.js";
import { createNodeEngine } from "./verifyNode.js";
import { createWebCryptoEngine } from "./verifyWebCrypto.js";

/** Options of {@link Receiver}. The first three match the official SDK's `ReceiverConfig`. */
export interface ReceiverConfig {
  /**
   * Current signing key (`sig_…`).
   * @default process.env.QSTASH_CURRENT_SIGNING_KEY (or the regional variable, see `upstashRegion`)
   */
  currentSigningKey?: string;
  /**
   * Next signing key, accepted too so key rotation never drops deliveries.
   * @default process.env.QSTASH_NEXT_SIGNING_KEY
   */
  nextSigningKey?: string;
  /**
   * `true` verifies with the local QStash dev server's fixed keys. `QSTASH_DEV` is not read:
   * dev keys are public, so turning them on takes code.
   * @default false
   */
  devMode?: boolean;
  /**
   * Which verification path to use: `"node"` (`node:crypto`, fastest, Node >= 20.16),
   * `"webcrypto"` (Web Crypto; Edge, Workers, browsers) or `"auto"` (node when available).
   * @default "auto"
   */
  implementation?: "auto" | "node" | "webcrypto";
  /**
   * Rejects a token whose `jti` was already accepted (reason `replayed`). Consulted only after
   * every other check passed. See `createMemoryReplayStore`.
   * @default undefined (no replay protection, like the official SDK)
   */
  replayGuard?: ReplayStore;
  /**
   * Clock in Unix milliseconds, for tests.
   * @default Date.now
   */
  clock?: () => number;
}

/** What to verify: the official SDK's `VerifyRequest` plus a few additions. */
export interface VerifyRequest {
  /** The `Upstash-Signature` header value. */
  signature: string;
  /** The raw request body, exactly as received; bytes are hashed as they are. */
  body: string | Uint8Array | ArrayBuffer | ArrayBufferView;
  /**
   * The URL this request was sent to; checked against the `sub` claim (see README,
   * "Receiving deliveries", for proxies). Omit to skip the check.
   */
  url?: string;
  /**
   * Seconds of tolerated clock skew for `exp` and `nbf`.
   * @default 0
   */
  clockTolerance?: number;
  /** The `Upstash-Region` header, used to pick keys in multi-region mode (`QSTASH_REGION`). */
  upstashRegion?: string;
  /**
   * Verification time as a `Date` or Unix milliseconds (tests).
   * @default the receiver's clock
   */
  now?: Date | number;
}

/** A delivery whose signature verified. */
export interface VerifiedDelivery {
  /** The token's claims. */
  readonly claims: DeliveryClaims;
  /** Which key verified it; `"next"` means QStash already signs with your next key (rotate). */
  readonly key: SigningKeyName;
  /** The region whose keys were used, in multi-region mode. */
  readonly region?: string;
}

/** Result of {@link Receiver.safeVerifyDelivery}. */
export type SafeVerifyResult =
  | {
      /** The signature verified. */
      readonly ok: true;
      /** The verified delivery and its claims. */
      readonly delivery: VerifiedDelivery;
    }
  | {
      /** The signature did not verify. */
      readonly ok: false;
      /** Why: `reason` and a `ERR_SIGNATURE_*` code. */
      readonly error: SignatureError;
    };

type Bytes = string | Uint8Array;
type Maybe<T> = T | Promise<T>;
/** What ties a verified token to this request: URL, body bytes, and context for the result. */
interface Binding {
  readonly url: string | undefined;
  /** `undefined`: the bytes are gone (a body parser consumed them); check the token only. */
  readonly body: Bytes | undefined;
  readonly tolerance: number;
  readonly region: string | undefined;
}

const isPromise = <T>(value: Maybe<T>): value is Promise<T> =>
  typeof (value as { then?: unknown } | null)?.then === "function";
const returnTrue = (): true => true;

function asSignatureError(error: unknown): SignatureError {
  return error instanceof SignatureError ? error : new SignatureError("malformed", "signature could not be verified", { cause: error });
}

function rejectAsSignatureError(error: unknown): Promise<never> {
  return Promise.reject(asSignatureError(error));
}

/**
 * @internal `verifyDelivery` without the promise when the check is synchronous (node engine,
 * no async replay store): the typed handlers' hot path saves an await per delivery. Same
 * checks, same errors: throws, or returns a promise that rejects, with a `SignatureError` only.
 * Assigned in the class's static block, the only place that can reach `#run`.
 */
export let verifyDeliveryNow: (receiver: Receiver, request: VerifyRequest) => VerifiedDelivery | Promise<VerifiedDelivery>;

/**
 * @internal Every check but the body hash and the replay guard, for a request whose bytes a
 * body parser already consumed: a forged, expired or misdirected token still gets its own
 * 401, and only a genuine delivery gets the "mount stashkit first" answer.
 */
export let verifyTokenOnlyNow: (
  receiver: Receiver,
  request: Omit<VerifyRequest, "body">,
) => VerifiedDelivery | Promise<VerifiedDelivery>;

/**
 * Verifies QStash's `Upstash-Signature`. A drop-in for the official SDK's `Receiver` (same
 * constructor, `verify` resolves `true` or rejects), stricter and faster: HS256 only,
 * `exp` required, constant-time comparisons, machine-readable `reason`s, raw-byte bodies.
 *
 * Checks, in order: signature present and well-formed; HMAC with the current key, then the
 * next key; `iss`, `nbf`, `exp` (with `clockTolerance`); `sub` against `url`; `body` hash;
 * replay guard.
 *
 * @example
 * ```ts
 * const receiver = new Receiver({
 *   currentSigningKey: process.env.QSTASH_CURRENT_SIGNING_KEY,
 *   nextSigningKey: process.env.QSTASH_NEXT_SIGNING_KEY,
 * });
 * await receiver.verify({ signature: req.headers.get("upstash-signature")!, body: rawBody, url: publicUrl });
 * ```
 */
export class Receiver {
  readonly #keys: SigningKeySource;
  readonly #engine: VerifyEngine;
  readonly #prepared = new Map<string, unknown>();
  readonly #replayGuard: ReplayStore | undefined;
  readonly #clock: () => number;

  static {
    verifyDeliveryNow = (receiver, request) => {
      try {
        const result = receiver.#run(request, true);
        return isPromise(result) ? result.catch(rejectAsSignatureError) : result;
      } catch (error) {
        throw asSignatureError(error);
      }
    };
    verifyTokenOnlyNow = (receiver, request) => {
      try {
        const result = receiver.#run(request as VerifyRequest, false);
        return isPromise(result) ? result.catch(rejectAsSignatureError) : result;
      } catch (error) {
        throw asSignatureError(error);
      }
    };
  }

  /**
   * @param config - keys and options; without keys, the environment is read (see {@link ReceiverConfig}).
   * @throws {MissingSigningKeysError} `ERR_MISSING_SIGNING_KEYS` when no complete key pair is available.
   * @throws {InvalidOptionError} `ERR_INVALID_OPTION` for a wrong option type, or
   *   `implementation: "node"` on a runtime without `process.getBuiltinModule`.
   */
  constructor(config: ReceiverConfig = {}) {
    config ??= {}; // `new Receiver(null)` from untyped callers means "use the environment"
    this.#keys = resolveSigningKeys(config);
    this.#engine = pickEngine(config.implementation ?? "auto");
    if (config.replayGuard !== undefined && typeof config.replayGuard?.seen !== "function") {
      throw new InvalidOptionError("replayGuard", "must have a seen(jti, expiresAt) method");
    }
    this.#replayGuard = config.replayGuard;
    this.#clock = config.clock ?? Date.now;
    for (const key of this.#keys.all) this.#keyMaterial(key);
  }

  /** The verification path in use: `"node"` or `"webcrypto"`. */
  get implementation(): "node" | "webcrypto" {
    return this.#engine.name;
  }

  /**
   * Verifies a delivery like the official SDK: resolves `true` or rejects.
   *
   * @param request - signature, raw body, and optionally URL, clock tolerance, region.
   * @returns `true`.
   * @throws {SignatureError} `ERR_SIGNATURE_<REASON>` with `reason` set; never another error.
   * @example
   * ```ts
   * await receiver.verify({ signature, body: await request.text(), url: request.url });
   * ```
   */
  verify(request: VerifyRequest): Promise<true> {
    // Not `async`: on the node path the whole check is synchronous and the returned promise
    // is the only hop, which is most of the speed-up over the official SDK.
    try {
      const result = this.#run(request, true);
      return isPromise(result) ? result.then(returnTrue, rejectAsSignatureError) : Promise.resolve(true);
    } catch (error) {
      return rejectAsSignatureError(error);
    }
  }

  /**
   * Verifies a delivery and returns its claims: the primitive under `verify` and the typed
   * handlers.
   *
   * @param request - signature, raw body, and optionally URL, clock tolerance, region, time.
   * @returns the verified claims and which key matched.
   * @throws {SignatureError} `ERR_SIGNATURE_<REASON>` with `reason` set; never another error.
   * @example
   * ```ts
   * const { claims } = await receiver.verifyDelivery({ signature, body: bytes, url });
   * console.log(claims.jti, claims.iat);
   * ```
   */
  verifyDelivery(request: VerifyRequest): Promise<VerifiedDelivery> {
    try {
      const result = this.#run(request, true);
      return isPromise(result) ? result.catch(rejectAsSignatureError) : Promise.resolve(result);
    } catch (error) {
      return rejectAsSignatureError(error);
    }
  }

  /**
   * Like {@link Receiver.verifyDelivery}, but never rejects: the outcome is data.
   *
   * @param request - as for `verifyDelivery`.
   * @returns `{ ok: true, delivery }` or `{ ok: false, error }`.
   * @example
   * ```ts
   * const result = await receiver.safeVerifyDelivery({ signature, body, url });
   * if (!result.ok) return Response.json({ error: result.error.message, reason: result.error.reason }, { status: 401 });
   * ```
   */
  safeVerifyDelivery(request: VerifyRequest): Promise<SafeVerifyResult> {
    return this.verifyDelivery(request).then(
      (delivery) => ({ ok: true, delivery }),
      (error: SignatureError) => ({ ok: false, error }),
    );
  }

  /** The whole check; synchronous unless the engine or the replay store is asynchronous. */
  #run(request: VerifyRequest, withBody: boolean): Maybe<VerifiedDelivery> {
    if (typeof request !== "object" || request === null) throw new SignatureError("malformed", "verify() needs an object");
    const engine = this.#engine;
    const { signature, url, upstashRegion } = request;
    if (signature === undefined || signature === null || signature === "") {
      throw new SignatureError("missing_signature", "Upstash-Signature is missing");
    }
    const body = withBody ? toBytes(request.body) : undefined;
    if (url !== undefined && typeof url !== "string") throw new SignatureError("malformed", "url must be a string");
    const clock = { now: this.#nowSeconds(request.now), tolerance: toleranceOf(request.clockTolerance) };
    const token = parseSignatureToken(signature, engine.decodeSegment);
    const resolved = this.#keys.keysFor(typeof upstashRegion === "string" ? upstashRegion : undefined);
    if (!resolved) throw new SignatureError("bad_signature", "no signing keys configured for this region");
    const keys = [this.#keyMaterial(resolved.keys.current), this.#keyMaterial(resolved.keys.next)] as const;
    const binding: Binding = { url, body, tolerance: clock.tolerance, region: resolved.region };
    const verified = engine.verifyToken(token, keys, clock);
    return isPromise(verified) ? verified.then((v) => this.#bind(v, binding)) : this.#bind(verified, binding);
  }

  #bind(verified: { claims: DeliveryClaims; key: SigningKeyName }, binding: Binding): Maybe<VerifiedDelivery> {
    if (binding.url !== undefined && !subjectMatches(verified.claims.sub, binding.url)) {
      throw urlMismatch(verified.claims.sub, binding.url);
    }
    if (binding.body === undefined) return { claims: verified.claims, key: verified.key };
    const hash = this.#engine.hashBody(binding.body);
    return isPromise(hash) ? hash.then((h) => this.#finish(verified, binding, h)) : this.#finish(verified, binding, hash);
  }

  #finish({ claims, key }: { claims: DeliveryClaims; key: SigningKeyName }, binding: Binding, hash: string): Maybe<VerifiedDelivery> {
    if (!bodyHashMatches(claims.body, hash)) throw new SignatureError("body_mismatch", "body does not match the signature");
    const delivery: VerifiedDelivery = binding.region === undefined ? { claims, key } : { claims, key, region: binding.region };
    if (!this.#replayGuard) return delivery;
    const checked = checkReplay(this.#replayGuard, claims, binding.tolerance);
    return checked === undefined ? delivery : checked.then(() => delivery);
  }

  #keyMaterial(secret: string): unknown {
    let material = this.#prepared.get(secret);
    if (material === undefined) {
      material = this.#engine.prepareKey(secret);
      this.#prepared.set(secret, material);
    }
    return material;
  }

  #nowSeconds(now: unknown): number {
    const ms = now === undefined ? this.#clock() : now instanceof Date ? now.getTime() : now;
    if (typeof ms !== "number" || !Number.isFinite(ms)) throw new SignatureError("malformed", "now must be a Date or Unix milliseconds");
    return Math.floor(ms / 1000);
  }
}

function pickEngine(implementation: unknown): VerifyEngine {
  if (implementation === "jose") {
    throw new InvalidOptionError("implementation", 'is "webcrypto" now: the Web Crypto path no longer uses jose');
  }
  if (implementation !== "auto" && implementation !== "node" && implementation !== "webcrypto") {
    throw new InvalidOptionError("implementation", 'must be "auto", "node" or "webcrypto"');
  }
  if (implementation === "webcrypto") return createWebCryptoEngine();
  const node = loadNodeRuntime();
  if (node) return createNodeEngine(node);
  if (implementation === "node") throw new InvalidOptionError("implementation", "node:crypto is not available here");
  return createWebCryptoEngine();
}

function toBytes(body: unknown): Bytes {
  if (typeof body === "string" || body instanceof Uint8Array) return body;
  // The tag check also recognises ArrayBuffers from another realm (vm contexts, iframes).
  if (body instanceof ArrayBuffer || Object.prototype.toString.call(body) === "[object ArrayBuffer]") {
    return new Uint8Array(body as ArrayBuffer);
  }
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  throw new SignatureError("malformed", "body must be a string, Uint8Array or ArrayBuffer");
}

function toleranceOf(value: unknown): number {
  if (value === undefined) return 0;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new SignatureError("malformed", "clockTolerance must be a non-negative number of seconds");
  }
  return value;
}

/**
 * @internal Records a verified token's `jti` in a replay store; throws `replayed` when it was
 * seen before. Synchronous when the store answers synchronously (the in-memory one does).
 *
 * @returns `undefined` when settled synchronously, else a promise that rejects on a replay
 * @throws {SignatureError} `replayed`, or `malformed` for a token without `jti`
 */
export function checkReplay(guard: ReplayStore, claims: DeliveryClaims, tolerance: number): Promise<void> | undefined {
  if (typeof claims.jti !== "string" || claims.jti === "") {
    throw new SignatureError("malformed", "signature has no jti to guard against replays");
  }
  let seen: boolean | Promise<boolean>;
  try {
    seen = guard.seen(claims.jti, (claims.exp + tolerance) * 1000);
  } catch (cause) {
    throw replayGuardDown(cause);
  }
  if (typeof seen === "boolean") return void refuseReplay(seen);
  return Promise.resolve(seen).then(refuseReplay, (cause: unknown) => {
    throw replayGuardDown(cause);
  });
}

function refuseReplay(seen: unknown): void {
  if (seen === true) throw new SignatureError("replayed", "signature was already used");
  if (seen !== false) throw replayGuardDown(new TypeError("replay store's seen() must return a boolean"));
}

// Fail closed: a delivery we cannot prove fresh is treated as a replay; QStash retries it.
function replayGuardDown(cause: unknown): SignatureError {
  return new SignatureError("replayed", "replay guard is unavailable", { cause });
}

// Both URLs are named: behind a proxy this is the usual "works locally, 401 in production",
// and the pair says what to set. Very long values are cut so a log line stays a line.
function urlMismatch(sub: unknown, url: string): SignatureError {
  const signedUrl = typeof sub === "string" ? clip(sub) : "(no sub claim)";
  const receivedUrl = clip(url);
  return new SignatureError("url_mismatch", `signature was issued for ${signedUrl}, but the request arrived at ${receivedUrl}`, {
    signedUrl,
    receivedUrl,
  });
}

function clip(value: string): string {
  return value.length > 2048 ? `${value.slice(0, 2048)}…` : value;
}
