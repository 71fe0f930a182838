import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError } from "../apiError.js";
import { isAuthorized } from "./auth.js";
import type { HeaderMap } from "../protocol/publishHeaders.js";
import type { RequestContext, RouteResponse, Router } from "./router.js";

/** Options of {@link createApiHandler}. */
export interface ApiHandlerOptions {
  router: Router;
  /** Current token (read per request so it can change). */
  token: () => string;
  maxBodyBytes: number;
  onError: (error: unknown) => void;
}

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

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new ApiError(413, "request body is too large"));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

async function route(req: IncomingMessage, options: ApiHandlerOptions): Promise<RouteResponse> {
  const raw = req.url ?? "/";
  const q = raw.indexOf("?");
  const path = q === -1 ? raw : raw.slice(0, q);
  const rawQuery = q === -1 ? "" : raw.slice(q + 1);
  const query = new URLSearchParams(rawQuery);
  const match = options.router.match(req.method ?? "GET", path);
  const isPublic = typeof match === "object" && match.public;
  if (!isPublic && !isAuthorized(req.headers.authorization, query, options.token())) {
    throw new ApiError(401, "unauthorized");
  }
  if (match === "method") throw new ApiError(405, "method not allowed");
  if (match === undefined) throw new ApiError(404, "not found");
  const ctx: RequestContext = {
    method: req.method ?? "GET",
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

/**
 * The node:http request listener of the API: authenticates (401), routes,
 * runs the handler and writes JSON; errors become `{"error": "…"}` with the
 * status of the {@link ApiError}, anything unexpected a 500.
 *
 * @param options - Router, token, body limit, error sink.
 * @example
 * ```ts
 * http.createServer(createApiHandler({ router, token: () => token, maxBodyBytes: 1 << 20, onError }));
 * ```
 */
export function createApiHandler(options: ApiHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    route(req, options).then(
      (response) => {
        if (response.write === undefined) return send(res, response.status ?? 200, response.body);
        try {
          response.write(res);
        } catch (error) {
          options.onError(error);
          send(res, 500, { error: "internal server error" });
        }
      },
      (error: unknown) => {
        if (error instanceof ApiError) return send(res, error.status, { error: error.message });
        options.onError(error);
        send(res, 500, { error: "internal server error" });
      },
    );
  };
}
