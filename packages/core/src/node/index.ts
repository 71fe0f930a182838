// Public entry of @stashkit/core/node: the one bridge between node:http and the
// transport-neutral entry, shared by @stashkit/express and @stashkit/next's Pages routes.
// Types only from node:http, so importing this entry pulls no runtime node: module.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { HandlerOptions, RawDeliveryRequest, RawDeliveryResponse } from "../handlers/handleDelivery.js";
import { BodyAlreadyParsedError } from "../handlers/handlerErrors.js";

/** Options of {@link handleNodeRequest}: handler options plus host wording. */
export interface NodeRequestOptions extends HandlerOptions {
  /**
   * How to fix an already-parsed body on this host, shown in the 500 answer.
   * @default "mount stashkit before it or use express.json({ verify: rawBody() })"
   */
  parsedBodyFix?: string;
  /**
   * Whether this request's forwarded headers come from a trusted proxy, used when `trustProxy`
   * is not set on the definition or the host. `@stashkit/express` passes the app's own
   * `trust proxy` setting here.
   * @param req - the incoming request
   * @default never trusted
   */
  proxyTrust?: (req: IncomingMessage) => boolean;
}

/** Anything with the transport-neutral entry: every stashkit definition. */
export interface RawHandler {
  /**
   * Answers one delivery from its transport-neutral description (definitions never reject).
   * @param raw - the request as the host sees it
   * @param overrides - host options layered over the definition's own
   * @returns status, headers and body to write
   */
  handleRaw(raw: RawDeliveryRequest, overrides?: HandlerOptions): Promise<RawDeliveryResponse>;
}

/** What Express and Next Pages may have added to the request. */
interface HostRequest extends IncomingMessage {
  /** Set by a body parser (`express.json()`, `express.raw()`, Next's default parser). */
  body?: unknown;
  /** Set by {@link captureRawBody} (`express.json({ verify: rawBody() })`). */
  rawBody?: unknown;
  /** Express: the URL before router mounting stripped a prefix. */
  originalUrl?: string;
  /** body-parser's marker that it consumed the stream. */
  _body?: unknown;
}

/**
 * Handles one delivery on a Node server: reads the raw body from the stream
 * (or uses the exact bytes a body parser kept), runs the definition and writes
 * the answer. Never builds a WHATWG `Request`/`Response`. Never rejects.
 *
 * @param definition - a stashkit definition (destination or callback)
 * @param req - the incoming request
 * @param res - the response to write
 * @param options - host options layered over the definition's own
 * @example
 * ```ts
 * import { handleNodeRequest } from "@stashkit/core/node";
 * createServer((req, res) => handleNodeRequest(sendEmail, req, res)).listen(3000);
 * ```
 */
export function handleNodeRequest(
  definition: RawHandler,
  req: IncomingMessage,
  res: ServerResponse,
  options?: NodeRequestOptions,
): Promise<void> {
  // Not async: chaining on handleRaw's promise answers one tick sooner than an await would,
  // while a synchronous throw still surfaces as a rejection, as before.
  try {
    return definition.handleRaw(toRawRequest(req, options), options).then((result) => answer(req, res, result));
  } catch (error) {
    return Promise.reject(error);
  }
}

function answer(req: IncomingMessage, res: ServerResponse, result: RawDeliveryResponse): void {
  // HTTP/2 forbids connection-specific headers (Node throws on setting them).
  if (req.httpVersionMajor >= 2) delete result.headers["connection"];
  writeRawResponse(res, result);
  if (!req.readableEnded) req.resume();
}

/**
 * Describes a Node request for `handleRaw`. The body is, in order of
 * preference: bytes captured by `captureRawBody`, a `Buffer` from a raw
 * parser, a string re-encoded when its charset is UTF-8, or the untouched
 * stream. A body parsed into an object cannot be verified: reading it then
 * fails with `BodyAlreadyParsedError` (500 naming the fix).
 *
 * @param req - the incoming request
 * @param options - the host's fix for an already-parsed body and its proxy trust (see {@link NodeRequestOptions})
 * @returns the transport-neutral request
 * @example
 * ```ts
 * const result = await sendEmail.handleRaw(toRawRequest(req));
 * ```
 */
export function toRawRequest(
  req: IncomingMessage,
  options?: Pick<NodeRequestOptions, "parsedBodyFix" | "proxyTrust">,
): RawDeliveryRequest {
  const host = req as HostRequest;
  const encrypted = (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
  const raw: RawDeliveryRequest = {
    method: req.method ?? "GET",
    scheme: encrypted ? "https" : "http",
    // Express strips a mount prefix from req.url; the signature names the full path.
    target: host.originalUrl ?? req.url ?? "/",
    // HTTP/2 (compat API) carries the authority in a pseudo-header; it is validated like Host.
    authority: headerValue(req.headers[":authority"]),
    header: headerLookup(req),
    headerEntries: entriesOf(req),
    body: bodyOf(host, options?.parsedBodyFix),
  };
  if (options?.proxyTrust) raw.proxyTrusted = options.proxyTrust(req) === true;
  return raw;
}

/**
 * Writes a `RawDeliveryResponse` to a Node response.
 *
 * @param res - the response
 * @param result - what `handleRaw` answered
 * @example
 * ```ts
 * writeRawResponse(res, await sendEmail.handleRaw(toRawRequest(req)));
 * ```
 */
export function writeRawResponse(res: ServerResponse, result: RawDeliveryResponse): void {
  if (res.headersSent) return;
  res.statusCode = result.status;
  for (const name in result.headers) res.setHeader(name, result.headers[name] as string);
  res.end(result.body);
}

/**
 * A body-parser `verify` function that keeps the exact bytes on `req.rawBody`,
 * so stashkit can verify them even after `express.json()` parsed the body.
 *
 * @returns the `verify` option for `express.json`/`express.text`/`express.urlencoded`
 * @example
 * ```ts
 * app.use(express.json({ verify: captureRawBody() }));
 * ```
 */
export function captureRawBody(): (req: IncomingMessage, res: ServerResponse, buf: Uint8Array) => void {
  return (req, _res, buf) => {
    (req as HostRequest).rawBody = buf;
  };
}

// The closures come from factories rather than inline property functions: an inline one gets
// its name re-set with defineProperty on every request under keepNames transpilers (tsx,
// esbuild's keepNames), a measurable cost on this path. A plain object (not a class) is kept
// because hosts spread it (`{ ...toRawRequest(req), body }`).
function headerLookup(req: IncomingMessage): RawDeliveryRequest["header"] {
  return (name) => headerValue(req.headers[name.toLowerCase()]);
}

function entriesOf(req: IncomingMessage): NonNullable<RawDeliveryRequest["headerEntries"]> {
  return () => headerEntries(req);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(", ") : value;
}

function* headerEntries(req: IncomingMessage): Iterable<readonly [string, string]> {
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith(":")) continue; // HTTP/2 pseudo-headers are not message headers
    const joined = headerValue(value);
    if (joined !== undefined) yield [name, joined];
  }
}

function bodyOf(req: HostRequest, fix: string | undefined): RawDeliveryRequest["body"] {
  if (req.rawBody instanceof Uint8Array) return req.rawBody;
  const consumed = req._body === true || req.readableEnded;
  if (!consumed) return req;
  if (req.body instanceof Uint8Array) return req.body;
  if (typeof req.body === "string" && isUtf8(req.headers["content-type"])) return new TextEncoder().encode(req.body);
  return failing(new BodyAlreadyParsedError(parserOf(req), fix));
}

// Names the middleware most likely to have consumed the body, so the 500 says what to move.
function parserOf(req: HostRequest): string {
  if (typeof req.body === "string") return "a text body parser such as express.text()";
  const type = headerValue(req.headers["content-type"])?.toLowerCase() ?? "";
  if (type.includes("x-www-form-urlencoded")) return "a urlencoded body parser such as express.urlencoded()";
  return "a JSON body parser such as express.json()";
}

function isUtf8(contentType: string | undefined): boolean {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? "")?.[1]?.toLowerCase();
  return charset === undefined || charset === "utf-8" || charset === "utf8";
}

function failing(error: Error): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(error) }),
  };
}
