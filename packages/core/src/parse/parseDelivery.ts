import { QStashError } from "../errors.js";

/**
 * A delivery header has a value stashkit cannot interpret. `field` names the header.
 *
 * @param field - canonical name of the offending header.
 * @param problem - what is wrong with its value.
 * @example
 * ```ts
 * try { parseDelivery(request) } catch (e) {
 *   if (e instanceof DeliveryParseError) console.log(e.field) // "Upstash-Retried"
 * }
 * ```
 */
export class DeliveryParseError extends QStashError {
  /** Canonical name of the offending header, e.g. `"Upstash-Retried"`. */
  readonly field: string;

  constructor(field: string, problem: string) {
    super(`invalid delivery header ${field}: ${problem}`, "ERR_BAD_DELIVERY_HEADER");
    this.name = "DeliveryParseError";
    this.field = field;
  }
}

/** The context QStash sends with every delivery, from its `Upstash-*` headers. */
export interface Delivery {
  /** `Upstash-Message-Id`. */
  readonly messageId: string;
  /** `Upstash-Retried`: attempts made before this one (0 on the first attempt). */
  readonly retried: number;
  /** `Upstash-Max-Retries`, when QStash sends it (not in the public reference). */
  readonly maxRetries?: number;
  /** `Upstash-Schedule-Id`, when the message came from a schedule. */
  readonly scheduleId?: string;
  /** `Upstash-Topic-Name`: the URL group the message was fanned out from. */
  readonly urlGroup?: string;
  /** `Upstash-Caller-Ip` (or `Upstash-Caller-IP`): the original publisher's address. */
  readonly callerIp?: string;
  /** `Upstash-Region`, e.g. `US-EAST-1` (multi-region accounts). */
  readonly region?: string;
  /** `Upstash-Retry-Delay` expression, when echoed (unconfirmed header). */
  readonly retryDelay?: string;
  /** `Upstash-Flow-Control-Key`, when echoed (unconfirmed header). */
  readonly flowControlKey?: string;
  /** `Upstash-Signature`, unverified. */
  readonly signature?: string;
  /**
   * Every other end-to-end header, names lower-cased: the `Upstash-Forward-*` headers
   * (prefix removed by QStash), `content-type`, `user-agent`, and whatever a proxy added.
   * `Upstash-*`, hop-by-hop headers, `host` and `content-length` are left out.
   */
  readonly forwardedHeaders: Readonly<Record<string, string>>;
}

/** Any header container `parseDelivery` reads: fetch `Request`/`Headers`, or a plain object such as Node's `IncomingHttpHeaders`. */
export type DeliveryHeadersInput = Request | Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

// Hop-by-hop (RFC 9110 7.6.1) plus the transport-level headers that describe this hop only.
const NOT_FORWARDED = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
]);

const COUNT = /^\d{1,15}$/;

/**
 * Reads the typed delivery context from a QStash delivery's headers. It does not verify the
 * signature: verify first (`Receiver`), then trust these values.
 *
 * @param input - a `Request`, a `Headers`, or a plain header object (names any case).
 * @returns the delivery context.
 * @throws {DeliveryParseError} `ERR_BAD_DELIVERY_HEADER` when `Upstash-Message-Id` is missing or
 *   `Upstash-Retried` / `Upstash-Max-Retries` is not a non-negative integer; `field` names the header.
 * @example
 * ```ts
 * const { messageId, retried, forwardedHeaders } = parseDelivery(request);
 * ```
 */
export function parseDelivery(input: DeliveryHeadersInput): Delivery {
  const headers = toEntries(input);
  const get = (name: string): string | undefined => headers.get(name);
  const messageId = get("upstash-message-id");
  if (!messageId) throw new DeliveryParseError("Upstash-Message-Id", "header is missing");
  const delivery: { -readonly [K in keyof Delivery]: Delivery[K] } = {
    messageId,
    retried: count(get("upstash-retried"), "Upstash-Retried") ?? 0,
    forwardedHeaders: forwarded(headers),
  };
  const maxRetries = count(get("upstash-max-retries"), "Upstash-Max-Retries");
  if (maxRetries !== undefined) delivery.maxRetries = maxRetries;
  assign(delivery, "scheduleId", get("upstash-schedule-id"));
  assign(delivery, "urlGroup", get("upstash-topic-name"));
  assign(delivery, "callerIp", get("upstash-caller-ip"));
  assign(delivery, "region", get("upstash-region"));
  assign(delivery, "retryDelay", get("upstash-retry-delay"));
  assign(delivery, "flowControlKey", get("upstash-flow-control-key"));
  assign(delivery, "signature", get("upstash-signature"));
  return delivery;
}

function assign<K extends keyof Delivery>(target: Record<string, unknown>, key: K, value: string | undefined): void {
  if (value !== undefined && value !== "") target[key] = value;
}

function count(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (!COUNT.test(trimmed)) throw new DeliveryParseError(field, "must be a non-negative integer");
  return Number(trimmed);
}

function forwarded(headers: Map<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) {
    if (!name.startsWith("upstash-") && !NOT_FORWARDED.has(name)) out[name] = value;
  }
  return out;
}

function toEntries(input: DeliveryHeadersInput): Map<string, string> {
  const map = new Map<string, string>();
  const source: Iterable<readonly [string, unknown]> =
    typeof Request !== "undefined" && input instanceof Request
      ? input.headers
      : typeof Headers !== "undefined" && input instanceof Headers
        ? input
        : typeof input === "object" && input !== null
          ? Object.entries(input)
          : [];
  for (const [name, value] of source) {
    const text = Array.isArray(value) ? value.join(", ") : value;
    if (typeof text !== "string") continue;
    const key = name.toLowerCase();
    const previous = map.get(key);
    map.set(key, previous === undefined ? text : `${previous}, ${text}`);
  }
  return map;
}
