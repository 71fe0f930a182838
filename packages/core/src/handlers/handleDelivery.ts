import { QStashError } from "../errors.js";
import { errorToResponse } from "./errorStatus.js";
import type { RawDeliveryResponse } from "./errorStatus.js";
import { BodyTooLargeError, PayloadValidationError } from "./handlerErrors.js";
import { DEFAULT_MAX_BODY_BYTES, readBody } from "./readBody.js";
import type { BodySource } from "./readBody.js";
import { verifyTokenOnly, verifyWith } from "./verifierConfig.js";
import { receivedUrl } from "../verify/requestUrl.js";
import { rememberDefinitionOptions } from "./definitionOptions.js";
import type { HandlerOptions } from "./verifierConfig.js";
import { reasonOf, reportRejection } from "./rejection.js";
import { parseDelivery } from "../parse/parseDelivery.js";
import type { Delivery } from "../parse/parseDelivery.js";
import type { ReceivedRequest } from "../verify/requestUrl.js";

export type { RawDeliveryResponse } from "./errorStatus.js";
export type { HandlerOptions, DeliveryVerifier } from "./verifierConfig.js";

/**
 * A delivery as any host sees it: the seam between core and adapters. Node
 * hosts fill it from `IncomingMessage` without building a WHATWG `Request`.
 * The URL is given in parts, never as one string: core validates the `Host`
 * and the target separately before anything is compared with the signature.
 */
export interface RawDeliveryRequest extends ReceivedRequest {
  /** HTTP method, upper case. */
  method: string;
  /** `"http"` or `"https"`, as the connection itself says. */
  scheme: string;
  /** The request target exactly as received: path and query, e.g. `/api/hook?x=1`. */
  target: string;
  /**
   * Case-insensitive header lookup; `undefined` when absent. `Host` is read from here.
   * @param name - header name in any case
   */
  header(name: string): string | undefined;
  /** Every header as `[name, value]`, used to build the delivery context lazily. */
  headerEntries?(): Iterable<readonly [string, string]>;
  /**
   * The exact body bytes: in memory, an async iterable or web stream of chunks,
   * or a Node readable (read through its events). Core enforces the size limit per chunk.
   */
  body: BodySource;
}

/** The light, read-only view of the request a handler receives. */
export interface DeliveryRequestView {
  /** HTTP method. */
  readonly method: string;
  /** The URL the signature was checked against. */
  readonly url: string;
  /**
   * Case-insensitive header lookup.
   * @param name - header name in any case
   */
  header(name: string): string | undefined;
  /** The exact body bytes that were verified. */
  readonly body: Uint8Array;
  /** The body decoded as UTF-8. */
  text(): string;
}

/** What the runtime hands a definition once the delivery is verified. */
export interface VerifiedInput {
  /** The request view. */
  readonly request: DeliveryRequestView;
  /** The typed delivery context (message id, retried, …), parsed on first access. */
  readonly delivery: Delivery;
  /**
   * The decoded body: its JSON value; its text when it is not JSON and its
   * content type says it is not; `undefined` when empty. Invalid JSON throws
   * `PayloadValidationError` (489).
   */
  readonly value: unknown;
}

/** Runs a definition's own step (validate, call the handler) on a verified delivery; may throw. */
export type DeliveryStep = (verified: VerifiedInput) => unknown;

const decoder = new TextDecoder();
const methodNotAllowed = new QStashError("method not allowed", "ERR_METHOD_NOT_ALLOWED");
const REPORTED = new Set([400, 401, 413, 489, 500]);

/**
 * Errors raised by this delivery's own context (a bad delivery header read lazily inside the
 * handler): they keep their status even though the handler was running when they surfaced.
 */
const ownErrors = new WeakSet<object>();

/** A handler threw: only an explicit `NonRetryableError`/`RetryAfterError` sets the status. */
class HandlerFailure {
  readonly error: unknown;
  constructor(error: unknown) {
    this.error = error;
  }
}

/**
 * Runs a user's handler so that what it throws is attributed to it: `NonRetryableError`
 * (489) and `RetryAfterError` (429) keep their meaning, anything else, stashkit errors
 * from nested calls included (a `client.send` validation, a `QStashHttpError`), is a 500.
 *
 * @param handler - the user's handler
 * @param context - what it receives
 * @returns its result, or a promise of it
 */
export function callHandler<C, R>(handler: (context: C) => R | Promise<R>, context: C): R | Promise<R> {
  let result: R | Promise<R>;
  try {
    result = handler(context);
  } catch (error) {
    throw new HandlerFailure(error);
  }
  return isThenable(result) ? Promise.resolve(result).then(undefined, rethrowAsHandlerFailure) : result;
}

function rethrowAsHandlerFailure(error: unknown): never {
  throw new HandlerFailure(error);
}

/** What a refusal report needs to know about the request. */
interface Attempt {
  readonly raw: RawDeliveryRequest;
  url: string | undefined;
}

/**
 * The transport-neutral pipeline every definition shares: method → declared
 * size → URL (validated `Host` and target) → body → signature → body decode →
 * definition step → status. Every status rule lives here and in `errorStatus.ts`.
 *
 * @param raw - the delivery as the host sees it
 * @param options - verification and limit options (definition's merged with the host's)
 * @param step - the definition-specific part, returning the handler's result
 * @returns the response to write; never throws
 * @example
 * ```ts
 * const response = await handleDelivery(raw, options, async ({ value }) => ({ echoed: value }));
 * ```
 */
export function handleDelivery(
  raw: RawDeliveryRequest,
  options: HandlerOptions,
  step: DeliveryStep,
): Promise<RawDeliveryResponse> {
  // Not async: on Node with the built-in receiver and a synchronous schema, everything after
  // the body arrives runs in one go, and the only promise hops are reading the body and the
  // returned promise. Errors, sync or async, all end in `failure` exactly as one try/catch did.
  const attempt: Attempt = { raw, url: undefined };
  let outcome: RawDeliveryResponse | Promise<RawDeliveryResponse>;
  try {
    if (raw.method !== "POST") throw methodNotAllowed;
    const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const declared = Number(raw.header("content-length"));
    if (declared > limit) throw new BodyTooLargeError(limit);
    const url = receivedUrl(raw, options);
    attempt.url = url;
    outcome =
      raw.body instanceof Uint8Array
        ? afterBody(raw, checkSize(raw.body, limit), url, options, step)
        : readBody(raw.body, limit).then(
            (body) => afterBody(raw, body, url, options, step),
            (error: unknown) => bodyUnreadable(raw, url, options, error),
          );
  } catch (error) {
    return Promise.resolve(failure(options, attempt, error));
  }
  return isThenable(outcome) ? outcome.then(undefined, (error: unknown) => failure(options, attempt, error)) : Promise.resolve(outcome);
}

function afterBody(
  raw: RawDeliveryRequest,
  body: Uint8Array,
  url: string,
  options: HandlerOptions,
  step: DeliveryStep,
): RawDeliveryResponse | Promise<RawDeliveryResponse> {
  const pending = verify(raw, body, url, options);
  if (!isThenable(pending)) return runStep(raw, body, url, step);
  return Promise.resolve(pending).then(() => runStep(raw, body, url, step));
}

// A body parser consumed the bytes. The token itself can still be checked: a forged,
// expired or misdirected request gets its 401; only a genuine delivery gets the 500 that
// says how to fix the middleware order.
function bodyUnreadable(raw: RawDeliveryRequest, url: string, options: HandlerOptions, error: unknown): never | Promise<never> {
  if ((error as { code?: unknown } | null)?.code !== "ERR_BODY_ALREADY_PARSED") throw error;
  if (options.dangerouslySkipSignatureVerification === true) throw error;
  const checked = verifyTokenOnly(options, signatureInput(raw, url, options));
  if (!isThenable(checked)) throw error;
  return Promise.resolve(checked).then(() => {
    throw error;
  });
}

function runStep(raw: RawDeliveryRequest, body: Uint8Array, url: string, step: DeliveryStep): RawDeliveryResponse | Promise<RawDeliveryResponse> {
  return toResponse(step(new Verified(raw, new RequestView(raw, body, url))));
}

// What `await step(...)` did: adopt a thenable (recursively, as promise resolution does).
function toResponse(result: unknown): RawDeliveryResponse | Promise<RawDeliveryResponse> {
  if (isThenable(result)) return Promise.resolve(result).then(toResponse);
  return isResponse(result) ? fromResponse(result) : success(result);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

function failure(options: HandlerOptions, attempt: Attempt, thrown: unknown): RawDeliveryResponse {
  const fromHandler = thrown instanceof HandlerFailure;
  const error = fromHandler ? thrown.error : thrown;
  const response = fromHandler && !isExplicit(error) ? errorToResponse(undefined) : errorToResponse(error);
  if (REPORTED.has(response.status)) {
    const { raw } = attempt;
    reportRejection(options, {
      status: response.status,
      reason: reasonOf(error, fromHandler && !ownErrors.has(error as object)),
      error,
      method: raw.method,
      url: attempt.url ?? raw.target,
      messageId: raw.header("upstash-message-id"),
    });
  }
  return response;
}

function isExplicit(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const code = (error as { code?: unknown }).code;
  return code === "ERR_NON_RETRYABLE" || code === "ERR_RETRY_AFTER" || ownErrors.has(error);
}

function checkSize(body: Uint8Array, limit: number): Uint8Array {
  if (body.byteLength > limit) throw new BodyTooLargeError(limit);
  return body;
}

const warnedUnsafe = new WeakSet<HandlerOptions>();

// Returns what the verifier returns: a promise only when verification is asynchronous
// (a user-supplied verifier, the webcrypto engine, an async replay store), undefined when off.
function verify(raw: RawDeliveryRequest, body: Uint8Array, url: string, options: HandlerOptions): unknown {
  if (options.dangerouslySkipSignatureVerification === true) {
    if (!warnedUnsafe.has(options)) {
      warnedUnsafe.add(options);
      console.warn("[stashkit] signature verification is OFF (dangerouslySkipSignatureVerification): anyone can call this endpoint");
    }
    return undefined;
  }
  const input = signatureInput(raw, url, options) as Parameters<typeof verifyWith>[1];
  input.body = body;
  return verifyWith(options, input);
}

function signatureInput(
  raw: RawDeliveryRequest,
  url: string,
  options: HandlerOptions,
): { signature: string; url: string; clockTolerance: number; upstashRegion?: string; body?: Uint8Array } {
  const signature = raw.header("upstash-signature") ?? "";
  const clockTolerance = options.clockTolerance ?? 0;
  const upstashRegion = raw.header("upstash-region");
  return upstashRegion ? { signature, url, clockTolerance, upstashRegion } : { signature, url, clockTolerance };
}

// Classes with prototype getters: one small allocation per delivery, no closures,
// measurably cheaper than object literals with accessors on the hot path.
class RequestView implements DeliveryRequestView {
  readonly method: string;
  readonly url: string;
  readonly body: Uint8Array;
  readonly #raw: RawDeliveryRequest;
  #text: string | undefined;

  constructor(raw: RawDeliveryRequest, body: Uint8Array, url: string) {
    this.method = raw.method;
    this.url = url;
    this.body = body;
    this.#raw = raw;
  }

  header(name: string): string | undefined {
    return this.#raw.header(name);
  }

  text(): string {
    return (this.#text ??= decoder.decode(this.body));
  }
}

class Verified implements VerifiedInput {
  readonly request: RequestView;
  readonly #raw: RawDeliveryRequest;
  #delivery: Delivery | undefined;
  #decoded = false;
  #value: unknown;

  constructor(raw: RawDeliveryRequest, request: RequestView) {
    this.request = request;
    this.#raw = raw;
  }

  get delivery(): Delivery {
    if (this.#delivery === undefined) {
      try {
        this.#delivery = parseDelivery(headersOf(this.#raw));
      } catch (error) {
        if (typeof error === "object" && error !== null) ownErrors.add(error);
        throw error;
      }
    }
    return this.#delivery;
  }

  get value(): unknown {
    if (!this.#decoded) {
      this.#value = decodeValue(this.request);
      this.#decoded = true;
    }
    return this.#value;
  }
}

function headersOf(raw: RawDeliveryRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of raw.headerEntries?.() ?? []) headers[name.toLowerCase()] = value;
  return headers;
}

// JSON first, whatever the content type: fetch labels a string body text/plain
// and many publishers omit the type. Only a body explicitly typed as non-JSON
// may fall back to its text; invalid JSON can never succeed, hence 489.
function decodeValue(request: DeliveryRequestView): unknown {
  if (request.body.byteLength === 0) return undefined;
  const text = request.text();
  try {
    return JSON.parse(text);
  } catch {
    const type = (request.header("content-type") ?? "").toLowerCase();
    if (type !== "" && !type.includes("json")) return text;
    throw new PayloadValidationError([{ path: "", message: "body is not valid JSON" }], "body is not valid JSON");
  }
}

function success(result: unknown): RawDeliveryResponse {
  if (result === undefined) return { status: 200, headers: {}, body: "" };
  return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(result) };
}

// A returned Response is passed through (custom status, headers, non-JSON body);
// without this it would serialise as "{}".
function isResponse(result: unknown): result is Response {
  return typeof Response !== "undefined" && result instanceof Response;
}

async function fromResponse(result: Response): Promise<RawDeliveryResponse> {
  const headers: Record<string, string> = {};
  result.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { status: result.status, headers, body: await result.text() };
}

/** The two entry points every definition exposes. */
export interface DeliveryHandlers {
  /**
   * Transport-neutral entry used by Node hosts (Express, Next Pages): raw bytes
   * or chunks in, `{ status, headers, body }` out. Never throws.
   *
   * @param raw - the delivery as the host sees it
   * @param overrides - host options layered over the definition's own
   * @returns status, headers and body to write; errors are already mapped to statuses
   * @example
   * ```ts
   * const { status, headers, body } = await sendEmail.handleRaw({ method, scheme, target, header, body: bytes });
   * ```
   */
  handleRaw(raw: RawDeliveryRequest, overrides?: HandlerOptions): Promise<RawDeliveryResponse>;
  /**
   * Fetch-native entry for App Router, Edge, Bun, Deno, Workers.
   *
   * @param request - the incoming delivery
   * @param overrides - host options layered over the definition's own
   * @returns the answer for QStash; errors are already mapped to statuses
   * @example
   * ```ts
   * export const POST = (request: Request) => sendEmail.handle(request);
   * ```
   */
  handle(request: Request, overrides?: HandlerOptions): Promise<Response>;
}

/**
 * Builds `handleRaw` and `handle` around a definition's step.
 *
 * @param options - the definition's own options
 * @param step - validate and call the handler
 * @returns the definition's entry points
 */
export function createDeliveryHandlers(options: HandlerOptions, step: DeliveryStep): DeliveryHandlers {
  const merged = new WeakMap<HandlerOptions, HandlerOptions>();
  const optionsFor = (overrides?: HandlerOptions): HandlerOptions => {
    if (!overrides) return options;
    let result = merged.get(overrides);
    if (!result) merged.set(overrides, (result = mergeOptions(options, overrides)));
    return result;
  };
  const handleRaw = (raw: RawDeliveryRequest, overrides?: HandlerOptions) => handleDelivery(raw, optionsFor(overrides), step);
  const handle = async (request: Request, overrides?: HandlerOptions): Promise<Response> => {
    const result = await handleRaw(fromRequest(request), overrides);
    return new Response(result.body === "" ? null : result.body, { status: result.status, headers: result.headers });
  };
  rememberDefinitionOptions(handle, options);
  return { handleRaw, handle };
}

function mergeOptions(base: HandlerOptions, overrides: HandlerOptions): HandlerOptions {
  const result: HandlerOptions = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) (result as Record<string, unknown>)[key] = value;
  }
  return result;
}

// The authority is the request's `Host` header when it has one (what QStash called: `next
// start` reports request.url as localhost whatever the Host), else the URL's own. A fragment
// stays in the target so that it is refused: a request URL never has one unless a host built
// it from an invalid Host header.
function fromRequest(request: Request): RawDeliveryRequest {
  const url = new URL(request.url);
  return {
    method: request.method,
    scheme: url.protocol === "https:" ? "https" : "http",
    target: `${url.pathname}${url.search}${request.url.includes("#") ? "#" : ""}`,
    authority: url.host,
    header: (name) => request.headers.get(name) ?? undefined,
    headerEntries: () => request.headers.entries(),
    body: request.body ?? new Uint8Array(0),
  };
}
