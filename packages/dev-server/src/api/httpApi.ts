import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { ApiError } from "../apiError.js";
import { isAuthorized } from "./auth.js";
import type { HeaderMap } from "../protocol/publishHeaders.js";
import type { RequestGuard } from "./requestGuard.js";
import type { RequestContext, RouteResponse, Router } from "./router.js";

/** Options of {@link createApiHandler}. */
export interface ApiHandlerOptions {
  router: Router;
  /** Current token (read per request so it can change). */
  token: () => string;
  maxBodyBytes: number;
  /** Origin, Host and loop checks run before anything else, on every path. */
  guard: RequestGuard;
  /** Receives what went wrong unexpectedly; the request gets a 500 and the server keeps going. */
  onError: (error: unknown) => void;
}

/** Never echoes what the caller sent: the token it tried may be a real one. */
const UNAUTHORIZED =
  'unauthorized: send this dev server\'s token as "Authorization: Bearer $QSTASH_TOKEN" (or ?qstash_token=); ' +
  "it is printed when the server starts, and unless configured otherwise it is the QStash dev server's default token";

function headerMap(req: IncomingMessage): HeaderMap {
  const out: HeaderMap = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

function callerIp(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? "";
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}

function tooLarge(): ApiError {
  return new ApiError(413, "request body is too large");
}

/** Reads the body, counting per chunk; past the limit it stops reading and rejects with 413. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off("data", onData);
        req.pause();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function write(res: ServerResponse, status: number, text: string, close: boolean): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string | number> = {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  };
  if (close) {
    // The rest of an oversized upload is never read: close instead of keeping the connection.
    headers["connection"] = "close";
    res.once("finish", () => res.socket?.destroy());
  }
  res.writeHead(status, headers);
  res.end(text);
}

function sendResponse(res: ServerResponse, response: RouteResponse): void {
  if (response.write !== undefined) return response.write(res);
  const text = response.json ?? (response.body === undefined ? "" : JSON.stringify(response.body));
  write(res, response.status ?? 200, text, false);
}

async function route(req: IncomingMessage, options: ApiHandlerOptions): Promise<RouteResponse> {
  const refusal = options.guard(req);
  if (refusal !== undefined) throw refusal;
  const raw = req.url ?? "/";
  const q = raw.indexOf("?");
  const path = q === -1 ? raw : raw.slice(0, q);
  const rawQuery = q === -1 ? "" : raw.slice(q + 1);
  const query = new URLSearchParams(rawQuery);
  const method = req.method ?? "GET";
  const match = options.router.match(method, path);
  const isPublic = typeof match === "object" && match.public;
  if (!isPublic && !isAuthorized(req.headers.authorization, query, options.token())) throw new ApiError(401, UNAUTHORIZED);
  if (match === "method") throw new ApiError(405, "method not allowed");
  if (match === undefined) throw new ApiError(404, "not found");
  const declared = Number(req.headers["content-length"]);
  if (declared > options.maxBodyBytes) throw tooLarge();
  const ctx: RequestContext = {
    method,
    params: match.params,
    rest: match.rest,
    rawQuery,
    query,
    headers: headerMap(req),
    body: await readBody(req, options.maxBodyBytes),
    callerIp: callerIp(req),
  };
  return match.handler(ctx);
}

async function serve(req: IncomingMessage, res: ServerResponse, options: ApiHandlerOptions): Promise<void> {
  let response: RouteResponse;
  try {
    response = await route(req, options);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ECONNRESET") return void res.destroy();
    if (!(error instanceof ApiError)) options.onError(error);
    const status = error instanceof ApiError ? error.status : 500;
    const message = error instanceof ApiError ? error.message : "internal server error";
    write(res, status, JSON.stringify({ error: message }), status === 413);
    return;
  }
  try {
    sendResponse(res, response);
  } catch (error) {
    options.onError(error);
    write(res, 500, JSON.stringify({ error: "internal server error: the response could not be built" }), false);
  }
}

/**
 * The node:http request listener of the API: checks where the request comes from (403/508),
 * authenticates (401), routes, reads the body within the limit (413, answered on a declared
 * `Content-Length` before reading, and the connection closed), runs the handler and writes
 * JSON. Errors become `{"error": "…"}` with the status of the {@link ApiError}; anything
 * unexpected, including a response that cannot be serialised, is reported to `onError` and
 * answered 500, and the server keeps serving.
 *
 * @param options - Router, token, body limit, request guard, error sink.
 * @example
 * ```ts
 * http.createServer(createApiHandler({ router, token: () => token, maxBodyBytes: 1 << 20, guard, onError }));
 * ```
 */
export function createApiHandler(options: ApiHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    serve(req, res, options).catch((error: unknown) => {
      options.onError(error);
      res.destroy();
    });
  };
}

const PARSER_ERRORS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, "request headers are too large"],
  ERR_HTTP_REQUEST_TIMEOUT: [408, "request timed out"],
  HPE_HEADERS_TIMEOUT: [408, "request timed out"],
};

/**
 * The `clientError` listener: requests the HTTP parser refuses (a malformed header line,
 * oversized headers, a bad request line) get the same JSON error shape as the API instead of
 * Node's bare answer, then the connection is closed.
 *
 * @param error - From node:http, with the parser's `code`.
 * @param socket - The client connection.
 * @example
 * ```ts
 * server.on("clientError", answerClientError);
 * ```
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  const busy = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  if (error.code === "ECONNRESET" || !socket.writable || busy) {
    socket.destroy();
    return;
  }
  const [status, message] = PARSER_ERRORS[error.code ?? ""] ?? [400, "malformed HTTP request"];
  const body = JSON.stringify({ error: message });
  const reason = status === 431 ? "Request Header Fields Too Large" : status === 408 ? "Request Timeout" : "Bad Request";
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
