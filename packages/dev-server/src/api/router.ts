import type { ServerResponse } from "node:http";
import type { HeaderMap } from "../protocol/publishHeaders.js";

/** A parsed API request handed to a route. */
export interface RequestContext {
  method: string;
  /** Path params, percent-decoded. */
  params: Record<string, string>;
  /** Undecoded remainder captured by a trailing `*`. */
  rest: string;
  /** Undecoded query string without `?`. */
  rawQuery: string;
  query: URLSearchParams;
  headers: HeaderMap;
  body: Buffer;
  callerIp: string;
}

/** What a route answers: status (default 200) and a JSON body (none when `undefined`). */
export interface RouteResponse {
  status?: number;
  body?: unknown;
  /** Writes the response itself instead (static files, event streams); `status` and `body` are then ignored. */
  write?: (res: ServerResponse) => void;
}

/** Options of {@link Router.add}. */
export interface RouteOptions {
  /** Served without the token: only the dashboard's page and its static files, which hold no state. */
  public?: boolean;
}

/** A route implementation. */
export type RouteHandler = (ctx: RequestContext) => RouteResponse | Promise<RouteResponse>;

interface Route {
  method: string;
  segments: string[];
  wildcard: boolean;
  handler: RouteHandler;
  public: boolean;
}

/** A matched route with its params. */
export interface RouteMatch {
  handler: RouteHandler;
  params: Record<string, string>;
  rest: string;
  /** Whether the route is served without the token. */
  public: boolean;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Minimal method + path router: `:name` segments and a trailing `*` that keeps
 * the rest of the path undecoded (publish destinations contain `://` and slashes).
 * Routes are tried in registration order.
 *
 * @example
 * ```ts
 * router.add("GET", "/v2/queues/:queueName", ({ params }) => ({ body: params.queueName }));
 * router.add("POST", "/v2/publish/*", ({ rest }) => ({ body: rest }));
 * ```
 */
export class Router {
  readonly #routes: Route[] = [];

  /** Registers a route; `methods` may list several, separated by `|`. */
  add(methods: string, pattern: string, handler: RouteHandler, options: RouteOptions = {}): void {
    const parts = pattern.split("/").filter((s) => s !== "");
    const wildcard = parts[parts.length - 1] === "*";
    const segments = wildcard ? parts.slice(0, -1) : parts;
    const open = options.public === true;
    for (const method of methods.split("|")) this.#routes.push({ method, segments, wildcard, handler, public: open });
  }

  /**
   * Finds the route for a request.
   * @param method - HTTP method.
   * @param path - Raw path without the query string.
   * @returns The match, `"method"` when only the method is wrong, or `undefined`.
   */
  match(method: string, path: string): RouteMatch | "method" | undefined {
    let methodMismatch = false;
    for (const route of this.#routes) {
      const found = this.#matchPath(route, path);
      if (found === undefined) continue;
      if (route.method !== method) {
        methodMismatch = true;
        continue;
      }
      return { handler: route.handler, public: route.public, ...found };
    }
    return methodMismatch ? "method" : undefined;
  }

  #matchPath(route: Route, path: string): { params: Record<string, string>; rest: string } | undefined {
    const params: Record<string, string> = {};
    let offset = 0;
    for (const segment of route.segments) {
      if (path[offset] !== "/") return undefined;
      const end = path.indexOf("/", offset + 1);
      const value = path.slice(offset + 1, end === -1 ? path.length : end);
      if (value === "") return undefined;
      if (segment.startsWith(":")) params[segment.slice(1)] = decode(value);
      else if (segment !== value) return undefined;
      offset = end === -1 ? path.length : end;
    }
    if (route.wildcard) {
      if (path[offset] !== "/" || offset + 1 >= path.length) return undefined;
      return { params, rest: path.slice(offset + 1) };
    }
    const remainder = path.slice(offset);
    return remainder === "" || remainder === "/" ? { params, rest: "" } : undefined;
  }
}
