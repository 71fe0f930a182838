import { InvalidOptionError, MissingSigningKeysError } from "../errors.js";
import { definitionOptions } from "../handlers/definitionOptions.js";
import type { FlowControlDefaults } from "../handlers/defineDestination.js";
import { randomBase62 } from "../lib/randomId.js";
import { parseDuration } from "../publish/duration.js";
import { formatFlowControlValue } from "../publish/flowControl.js";
import { resolveSigningKeys } from "../verify/signingKeys.js";
import type { SigningKeyPair } from "../verify/signingKeys.js";
import { signDelivery } from "./signDelivery.js";
import type { SignDeliveryOptions } from "./signDelivery.js";
import type { HeaderMap } from "../publish/publishOptions.js";

/** Options of `buildDeliveryRequest`, `buildCallbackRequest` and `deliver`: how the test delivery looks. */
export interface DeliveryRequestOptions {
  /**
   * Origin the app is reached at; the request URL (and the signature's `sub`) is the
   * definition's path on it, as `client.send` builds it.
   * @default "http://localhost:3000"
   */
  baseUrl?: string;
  /**
   * Signing key to sign with, e.g. a wrong one to test the 401 path.
   * @default the definition's `currentSigningKey` (or `nextSigningKey` with `signWith: "next"`),
   * else the variables it reads: `QSTASH_CURRENT_SIGNING_KEY` (`QSTASH_NEXT_SIGNING_KEY`), or,
   * when `QSTASH_REGION` is set, the `<REGION>_QSTASH_*_SIGNING_KEY` pair that `region` selects
   */
  key?: string;
  /**
   * Which of the definition's keys signs when `key` is not given (QStash signs with the
   * current key; `"next"` tests a rotation).
   * @default "current"
   */
  signWith?: "current" | "next";
  /**
   * Overrides for the signature, for negative tests: `now` (an old date gives an expired
   * token), `ttlSeconds`, `jti`, `claims`, `header`, `padBodyHash` (see `signDelivery`).
   */
  sign?: Pick<SignDeliveryOptions, "now" | "ttlSeconds" | "jti" | "claims" | "header" | "padBodyHash">;
  /**
   * `Upstash-Message-Id`.
   * @default a fresh `msg_…` id
   */
  messageId?: string;
  /**
   * `Upstash-Retried`: attempts made before this one.
   * @default 0
   */
  retried?: number;
  /**
   * `Upstash-Max-Retries`: the message's retry budget.
   * @default the definition's `retries`, else 3 (QStash's default)
   */
  maxRetries?: number;
  /**
   * Headers the delivery carries besides QStash's own, as the destination receives them
   * (QStash strips the `Upstash-Forward-` prefix). Layered over the definition's `headers`;
   * they can never replace an `Upstash-*` header QStash sets.
   */
  headers?: Readonly<Record<string, string>>;
  /**
   * Exact body bytes to send instead of the serialised payload or report (e.g. invalid JSON).
   */
  body?: string | Uint8Array;
  /**
   * `Content-Type` of the delivery; `null` sends none.
   * @default "application/json"
   */
  contentType?: string | null;
  /** `Upstash-Schedule-Id`, for a delivery produced by a schedule. */
  scheduleId?: string;
  /** `Upstash-Topic-Name`, for a delivery fanned out from a URL group. */
  topicName?: string;
  /** `Upstash-Region`, e.g. `"US-EAST-1"` (multi-region accounts). */
  region?: string;
  /**
   * `Upstash-Caller-Ip`: the publisher's address.
   * @default "127.0.0.1"
   */
  callerIp?: string;
}

/** @internal The publish settings of the message being delivered (echoed in its headers). */
export interface MessageSettings {
  maxRetries?: number | undefined;
  retryDelay?: string | undefined;
  flowControl?: FlowControlDefaults | undefined;
  /** Headers published with the message (`Headers` or a record), forwarded to the destination. */
  headers?: HeaderMap | undefined;
}

/** @internal The few things of a definition the request builders need. */
export interface DefinitionLike {
  readonly path: string;
  readonly handle: (request: Request) => Promise<Response>;
}

/** QStash's default `origin` in tests, the port `next dev` and the examples use. */
export const DEFAULT_BASE_URL = "http://localhost:3000";
/** QStash's default retry budget (wire spec 2.2). */
export const DEFAULT_MAX_RETRIES = 3;

/**
 * @internal A delivery to `definition` exactly as QStash sends it (wire spec 3.2): forwarded
 * headers first, then QStash's own, then a freshly minted `Upstash-Signature` whose `sub` is
 * the request URL and whose `body` hashes the exact bytes sent.
 *
 * @param definition - the definition receiving the delivery
 * @param body - the exact body bytes
 * @param options - the caller's options
 * @param message - the delivered message's publish settings
 * @returns the signed `Request`
 * @throws {InvalidOptionError} `ERR_INVALID_OPTION` for a bad `baseUrl`, `retried`, `maxRetries`, or when no signing key is available
 */
export async function signedDeliveryRequest(
  definition: DefinitionLike,
  body: string | Uint8Array,
  options: DeliveryRequestOptions,
  message: MessageSettings,
): Promise<Request> {
  const url = urlOf(definition, options.baseUrl);
  const headers = forwardedHeaders(message.headers, options.headers);
  const published = headers["content-type"];
  delete headers["content-type"];
  headers["User-Agent"] = "Upstash-QStash";
  const contentType = options.contentType === undefined ? (published ?? "application/json") : options.contentType;
  if (contentType !== null) headers["Content-Type"] = contentType;
  headers["Upstash-Message-Id"] = options.messageId ?? newMessageId();
  headers["Upstash-Retried"] = String(count(options.retried ?? 0, "retried"));
  headers["Upstash-Max-Retries"] = String(count(options.maxRetries ?? message.maxRetries ?? DEFAULT_MAX_RETRIES, "maxRetries"));
  headers["Upstash-Caller-Ip"] = options.callerIp ?? "127.0.0.1";
  if (options.scheduleId !== undefined) headers["Upstash-Schedule-Id"] = options.scheduleId;
  if (options.topicName !== undefined) headers["Upstash-Topic-Name"] = options.topicName;
  if (options.region !== undefined) headers["Upstash-Region"] = options.region;
  if (message.retryDelay !== undefined) headers["Upstash-Retry-Delay"] = message.retryDelay;
  if (message.flowControl !== undefined) Object.assign(headers, flowControlHeaders(message.flowControl));
  const key = signingKey(definition, options);
  if (key !== undefined) headers["Upstash-Signature"] = await signDelivery({ ...options.sign, key, url, body });
  return new Request(url, { method: "POST", headers, body: body as BodyInit });
}

/** @internal A message id shaped like the hosted service's. */
export function newMessageId(): string {
  return `msg_${randomBase62(28)}`;
}

/** @internal The delivery URL: the definition's path on the base URL, as `client.send` resolves it. */
export function urlOf(definition: { readonly path: string }, baseUrl: string | undefined): string {
  const base = baseUrl ?? DEFAULT_BASE_URL;
  if (typeof base !== "string" || !/^https?:\/\//i.test(base)) {
    throw new InvalidOptionError("baseUrl", "must be an absolute http(s) URL, e.g. http://localhost:3000");
  }
  return new URL(definition.path, base).href;
}

/**
 * @internal What a destination receives of the headers published with a message: every one
 * except the `Upstash-*` configuration headers (as `buildPublishHeaders` sends them). Names are
 * lower-cased so that a later source replaces an earlier one whatever the spelling.
 * @param sources - header sets, later ones win
 * @returns the merged headers, lower-case names
 */
export function forwardedHeaders(...sources: (HeaderMap | undefined)[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const source of sources) {
    if (source === undefined) continue;
    const entries = source instanceof Headers ? source.entries() : Object.entries(source);
    for (const [name, value] of entries) {
      const lower = name.toLowerCase();
      if (!lower.startsWith("upstash-")) out[lower] = value;
    }
  }
  return out;
}

function count(value: number, option: string): number {
  if (!Number.isInteger(value) || value < 0) throw new InvalidOptionError(option, "must be a non-negative integer");
  return value;
}

function flowControlHeaders(flow: FlowControlDefaults): Record<string, string> {
  const period = flow.period === undefined ? undefined : parseDuration(flow.period, "flowControl.period");
  const value = formatFlowControlValue({ key: flow.key, parallelism: flow.parallelism, rate: flow.rate, period });
  const headers: Record<string, string> = { "Upstash-Flow-Control-Key": flow.key };
  if (value !== "") headers["Upstash-Flow-Control-Value"] = value;
  return headers;
}

// The keys the definition verifies with, resolved the way it resolves them (its own pair, else
// the environment, regional variables chosen by `region` included): a test then signs with
// exactly what the definition checks. Half a pair, which the definition refuses, still signs
// with the half that is there, so the test can reach that 500. A definition that skips
// verification and has no key at all gets an unsigned request.
function signingKey(definition: DefinitionLike, options: DeliveryRequestOptions): string | undefined {
  if (options.key !== undefined) {
    if (typeof options.key !== "string" || options.key === "") throw new InvalidOptionError("key", "must be a non-empty string");
    return options.key;
  }
  const own = definitionOptions(definition);
  const next = options.signWith === "next";
  const pair = resolvedPair(own?.currentSigningKey, own?.nextSigningKey, options.region);
  if (pair !== undefined) return next ? pair.next : pair.current;
  const variable = next ? "QSTASH_NEXT_SIGNING_KEY" : "QSTASH_CURRENT_SIGNING_KEY";
  const key = (next ? own?.nextSigningKey : own?.currentSigningKey) || env(variable);
  if (key) return key;
  if (own?.dangerouslySkipSignatureVerification === true) return undefined;
  throw new InvalidOptionError(
    "key",
    `no signing key to sign the test delivery with: pass \`key\`, set ${next ? "nextSigningKey" : "currentSigningKey"} on the definition, or set ${variable}`,
  );
}

function resolvedPair(currentSigningKey: unknown, nextSigningKey: unknown, region: string | undefined): SigningKeyPair | undefined {
  try {
    return resolveSigningKeys({ currentSigningKey, nextSigningKey }).keysFor(region)?.keys;
  } catch (error) {
    if (error instanceof MissingSigningKeysError) return undefined;
    throw error;
  }
}

function env(name: string): string | undefined {
  const vars = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return vars?.[name] || undefined;
}
