// The dev dashboard: a page at `/` (built from ./ui into dist/dashboard at package build time)
// and the few read endpoints it needs that the v2 API lacks, under /_stashkit/. It reads the
// server's state (event log, engine, schedules) and imports nothing from ./ui but shared types.
import { notFound } from "../apiError.js";
import { DEFAULT_TOKEN } from "../defaults.js";
import type { Router } from "../api/router.js";
import type { ServerContext } from "../serverContext.js";
import { pageSize } from "../state/filters.js";
import { ChangeStream } from "./changeStream.js";
import { messageDetail } from "./messageDetail.js";
import { listMessages } from "./messageSummaries.js";
import { filterFromQuery } from "./shared/messageSummary.js";
import { DashboardAssets, findAssetDirectory } from "./staticAssets.js";

/** Options of {@link dashboardRoutes}. */
export interface DashboardOptions {
  /** The API token (read per request). */
  token: () => string;
}

/**
 * The token the page may carry: the public default token always; a token of the user's own
 * only for a loopback peer, so `--host 0.0.0.0` with a private token does not hand it out.
 *
 * @param token - The server's token.
 * @param callerIp - The peer's address (IPv4-mapped prefix already removed).
 * @returns The token, or `undefined` when the page must ask for it.
 */
export function pageToken(token: string, callerIp: string): string | undefined {
  const loopback = callerIp === "::1" || callerIp.startsWith("127.");
  return token === DEFAULT_TOKEN || loopback ? token : undefined;
}

/**
 * Registers the dashboard on the API router: the page and its files (no token needed), and
 * `GET /_stashkit/messages`, `GET /_stashkit/messages/{id}`, `GET /_stashkit/stream` and
 * `POST /_stashkit/schedules/{id}/trigger` (token needed, like the API).
 *
 * The page carries the token so it can call the API (see {@link pageToken}).
 *
 * @param router - The API router.
 * @param ctx - Server state.
 * @param options - Token.
 * @example
 * ```ts
 * dashboardRoutes(router, ctx, { token: () => token });
 * ```
 */
export function dashboardRoutes(router: Router, ctx: ServerContext, options: DashboardOptions): void {
  const assets = new DashboardAssets(findAssetDirectory());
  const stream = new ChangeStream(ctx.events);
  const open = { public: true };
  router.add(
    "GET",
    "/",
    ({ callerIp }) => ({ write: (res) => assets.sendPage(res, pageToken(options.token(), callerIp)) }),
    open,
  );
  router.add("GET", "/assets/:name", ({ params }) => ({ write: (res) => assets.sendFile(res, params["name"]!) }), open);
  router.add("GET", "/favicon.ico", () => ({ write: (res) => assets.sendFile(res, "favicon.svg") }), open);
  router.add("GET", "/_stashkit/messages", ({ query }) => ({
    body: listMessages(ctx.events, filterFromQuery(query), pageSize(query, 10_000, 50_000)),
  }));
  router.add("GET", "/_stashkit/messages/:messageId", ({ params }) => {
    const detail = messageDetail(ctx, params["messageId"]!);
    if (detail === undefined) throw notFound("message");
    return { body: detail };
  });
  router.add("GET", "/_stashkit/stream", () => ({ write: (res) => stream.attach(res) }));
  router.add("POST", "/_stashkit/schedules/:scheduleId/trigger", ({ params }) => {
    const published = ctx.schedules.trigger(params["scheduleId"]!);
    if (published === undefined) throw notFound("schedule");
    return { body: { messageIds: published.map((result) => result.messageId) } };
  });
}
