// Express 4 and 5 adapter: routing only. Body reading, verification and every
// status rule live in @stashkit/core behind the shared Node bridge.
import type { IncomingMessage, ServerResponse } from "node:http";
import { InvalidOptionError } from "@stashkit/core";
import type { HandlerOptions } from "@stashkit/core";
import { captureRawBody, handleNodeRequest } from "@stashkit/core/node";
import type { NodeRequestOptions, RawHandler } from "@stashkit/core/node";

/** A stashkit definition (destination, callback or failure callback). */
export interface MountableDefinition extends RawHandler {
  /** The public path it answers on, e.g. `/api/send-email`. */
  readonly path: string;
}

/** Options of {@link stashkit}: override the definitions' own verification options. */
export type StashkitExpressOptions = HandlerOptions;

/** Express-compatible middleware, typed without depending on `@types/express`. */
export type StashkitMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * Mounts stashkit definitions on an Express 4 or 5 app: each answers `POST`
 * on its `path` (matched against the full URL, wherever the middleware is
 * mounted); every other request passes through. The raw body is read by
 * stashkit itself, so mount it before `express.json()`, or keep the bytes with
 * `express.json({ verify: rawBody() })`. Without a `trustProxy` option, the app's own
 * `app.set("trust proxy", …)` decides whether forwarded headers name the public URL.
 *
 * @param definitions - one definition or a list
 * @param options - verification options layered over each definition's own
 * @returns the middleware
 * @throws InvalidOptionError `ERR_INVALID_OPTION` (option `definitions`) for a non-definition or a duplicate path
 * @example
 * ```ts
 * import express from "express";
 * import { stashkit } from "@stashkit/express";
 * const app = express();
 * app.use(stashkit([sendEmail, onDelivered, onFailed]));
 * app.use(express.json()); // your other routes
 * ```
 */
export function stashkit(
  definitions: MountableDefinition | readonly MountableDefinition[],
  options?: StashkitExpressOptions,
): StashkitMiddleware {
  const byPath = routeTable(definitions);
  // One options object for every request, so core builds the merged options and verifier once.
  const hostOptions: NodeRequestOptions = { ...options, proxyTrust: appTrustsProxy };
  return (req, res, next) => {
    const definition = req.method === "POST" ? byPath.get(pathnameOf(req)) : undefined;
    if (!definition) return next();
    handleNodeRequest(definition, req, res, hostOptions).catch(next);
  };
}

// Express's own answer to `trust proxy` for the peer that sent this request: the same test
// `req.protocol` and `req.hostname` apply before reading X-Forwarded-Proto/-Host.
function appTrustsProxy(req: IncomingMessage): boolean {
  const app = (req as { app?: { get?: (name: string) => unknown } }).app;
  const trust = app?.get?.("trust proxy fn");
  return typeof trust === "function" && (trust as (address: string | undefined, hop: number) => unknown)(req.socket.remoteAddress, 0) === true;
}

/**
 * A body-parser `verify` function that keeps the exact request bytes, so
 * stashkit can verify deliveries even when `express.json()` runs first.
 *
 * @returns the `verify` option for `express.json`, `express.text` or `express.urlencoded`
 * @example
 * ```ts
 * app.use(express.json({ verify: rawBody() }));
 * app.use(stashkit(sendEmail));
 * ```
 */
export function rawBody(): (req: IncomingMessage, res: ServerResponse, buf: Uint8Array) => void {
  return captureRawBody();
}

function routeTable(definitions: MountableDefinition | readonly MountableDefinition[]): Map<string, MountableDefinition> {
  const list: readonly MountableDefinition[] = Array.isArray(definitions) ? definitions : [definitions];
  const table = new Map<string, MountableDefinition>();
  for (const definition of list) {
    if (typeof definition?.path !== "string" || typeof definition.handleRaw !== "function") {
      throw new InvalidOptionError("definitions", "must be stashkit definitions (defineDestination, defineCallback)");
    }
    if (table.has(definition.path)) throw new InvalidOptionError("definitions", "two definitions share one path");
    table.set(definition.path, definition);
  }
  return table;
}

// Express strips the mount prefix from req.url; definitions name the full public path.
function pathnameOf(req: IncomingMessage & { originalUrl?: string }): string {
  const url = req.originalUrl ?? req.url ?? "/";
  const query = url.indexOf("?");
  return query === -1 ? url : url.slice(0, query);
}
