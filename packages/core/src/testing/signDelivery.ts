import { encodeBase64Url, utf8 } from "../lib/base64url.js";
import { InvalidOptionError } from "../errors.js";
import { loadNodeRuntime } from "../lib/nodeCrypto.js";
import { randomBase62 } from "../lib/randomId.js";

/** Claims of an `Upstash-Signature` token as QStash emits them. */
export interface DeliveryClaimsInput {
  /** Issuer: `"Upstash"`. */
  iss: string;
  /** The destination URL. */
  sub: string;
  /** Expiry, Unix seconds. */
  exp: number;
  /** Not-before, Unix seconds. */
  nbf: number;
  /** Issued-at, Unix seconds. */
  iat: number;
  /** Token id. */
  jti: string;
  /** base64url SHA-256 of the body. */
  body: string;
}

/** Options of {@link signDelivery}. */
export interface SignDeliveryOptions {
  /** Signing key (e.g. `sig_…`); its UTF-8 bytes are the HMAC secret, as QStash uses it. */
  key: string;
  /** The URL the delivery is sent to; becomes the `sub` claim. */
  url: string;
  /**
   * The exact body bytes that will be sent (strings are hashed as UTF-8).
   * @default ""
   */
  body?: string | Uint8Array | ArrayBuffer;
  /**
   * Signing time as a `Date` or Unix **milliseconds** (like `Date.now()`).
   * @default Date.now()
   */
  now?: Date | number;
  /**
   * Token lifetime: `exp = iat + ttlSeconds`.
   * @default 300
   */
  ttlSeconds?: number;
  /**
   * Token id.
   * @default "jwt_" followed by 22 random base62 characters
   */
  jti?: string;
  /**
   * Claim overrides for negative tests: any value replaces the computed claim, `undefined`
   * removes it, unknown names are added.
   */
  claims?: { [K in keyof DeliveryClaimsInput]?: unknown } & Record<string, unknown>;
  /**
   * Protected-header overrides (`undefined` removes a member). `alg` also picks the MAC:
   * `HS256`/`HS384`/`HS512` sign with that HMAC, `none` yields an empty signature segment,
   * any other value (e.g. `RS256`) is signed with HMAC-SHA256 to model key-confusion attacks.
   * @default { alg: "HS256", typ: "JWT" }
   */
  header?: Record<string, unknown>;
  /**
   * Keep the `=` padding on the `body` hash, as the hosted service does.
   * @default true
   */
  padBodyHash?: boolean;
}

const DEFAULT_HEADER_SEGMENT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"; // {"alg":"HS256","typ":"JWT"}
const HMAC_BY_ALG: Record<string, "sha256" | "sha384" | "sha512"> = {
  HS256: "sha256",
  HS384: "sha384",
  HS512: "sha512",
};

/**
 * Produces an `Upstash-Signature` value exactly like the hosted QStash: a compact HS256 JWT
 * with `iss`, `sub`, `exp`, `nbf`, `iat`, `jti` and `body` (padded base64url SHA-256 of the
 * body). Uses `node:crypto` when the runtime has it, Web Crypto otherwise.
 *
 * @param options - key, URL, body and optional overrides for negative tests.
 * @returns the compact JWT to send as the `Upstash-Signature` header.
 * @throws {InvalidOptionError} `ERR_INVALID_OPTION` when `key`, `url`, `now` or `ttlSeconds` is invalid.
 * @example
 * ```ts
 * import { signDelivery } from "@stashkit/core/testing";
 * const signature = await signDelivery({ key: "sig_test", url: "http://localhost:3000/api/hook", body: '{"a":1}' });
 * await fetch("http://localhost:3000/api/hook", { method: "POST", body: '{"a":1}', headers: { "Upstash-Signature": signature } });
 * ```
 */
export async function signDelivery(options: SignDeliveryOptions): Promise<string> {
  const { key, url } = validate(options);
  const bodyBytes = toBytes(options.body ?? "");
  const iat = Math.floor(nowMs(options.now) / 1000);
  const hash = await bodyHash(bodyBytes, options.padBodyHash ?? true);
  const claims = {
    iss: "Upstash",
    sub: url,
    exp: iat + (options.ttlSeconds ?? 300),
    nbf: iat,
    iat,
    jti: options.jti ?? randomJti(),
    body: hash,
    ...options.claims,
  };
  const header = options.header ? { alg: "HS256", typ: "JWT", ...options.header } : undefined;
  const headerSegment = header ? encodeBase64Url(utf8(JSON.stringify(header))) : DEFAULT_HEADER_SEGMENT;
  const signingInput = `${headerSegment}.${encodeBase64Url(utf8(JSON.stringify(claims)))}`;
  const alg = header ? header["alg"] : "HS256";
  if (alg === "none") return `${signingInput}.`;
  const hmac = (typeof alg === "string" && HMAC_BY_ALG[alg]) || "sha256";
  return `${signingInput}.${await mac(hmac, key, signingInput)}`;
}

function validate(options: SignDeliveryOptions): { key: string; url: string } {
  if (typeof options !== "object" || options === null) throw new InvalidOptionError("options", "must be an object");
  if (typeof options.key !== "string" || options.key === "") throw new InvalidOptionError("key", "must be a non-empty string");
  if (typeof options.url !== "string") throw new InvalidOptionError("url", "must be a string");
  if (options.ttlSeconds !== undefined && !Number.isFinite(options.ttlSeconds)) {
    throw new InvalidOptionError("ttlSeconds", "must be a finite number");
  }
  return { key: options.key, url: options.url };
}

function nowMs(now: Date | number | undefined): number {
  const ms = now === undefined ? Date.now() : now instanceof Date ? now.getTime() : now;
  if (!Number.isFinite(ms)) throw new InvalidOptionError("now", "must be a valid Date or Unix milliseconds");
  return ms;
}

function toBytes(body: string | Uint8Array | ArrayBuffer): Uint8Array {
  if (typeof body === "string") return utf8(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new InvalidOptionError("body", "must be a string, Uint8Array or ArrayBuffer");
}

function randomJti(): string {
  return `jwt_${randomBase62(22)}`;
}

async function bodyHash(bytes: Uint8Array, pad: boolean): Promise<string> {
  const node = loadNodeRuntime();
  const unpadded = node
    ? node.crypto.createHash("sha256").update(bytes).digest("base64url")
    : encodeBase64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>)));
  return pad ? `${unpadded}=` : unpadded;
}

const webKeys = new Map<string, Promise<CryptoKey>>();

async function mac(hash: "sha256" | "sha384" | "sha512", key: string, input: string): Promise<string> {
  const node = loadNodeRuntime();
  if (node) return node.crypto.createHmac(hash, utf8(key)).update(input, "latin1").digest("base64url");
  const cacheKey = `${hash}:${key}`;
  let cryptoKey = webKeys.get(cacheKey);
  if (!cryptoKey) {
    // A dev server signs with one or two keys; the cap only guards against misuse.
    if (webKeys.size > 32) webKeys.clear();
    cryptoKey = crypto.subtle.importKey("raw", utf8(key), { name: "HMAC", hash: `SHA-${hash.slice(3)}` }, false, ["sign"]);
    webKeys.set(cacheKey, cryptoKey);
  }
  const signature = await crypto.subtle.sign("HMAC", await cryptoKey, utf8(input));
  return encodeBase64Url(new Uint8Array(signature));
}
