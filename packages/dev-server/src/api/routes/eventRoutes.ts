import type { Router } from "../router.js";
import type { ServerContext } from "../../serverContext.js";

/** Logs under both spellings: `/v2/events` (SDK) and `/v2/logs` (REST reference), wire spec 6.6. */
export function eventRoutes(router: Router, ctx: ServerContext): void {
  router.add("GET", "/v2/events", ({ query }) => {
    const page = ctx.events.list(query);
    return { body: { cursor: page.cursor, events: page.events } };
  });
  router.add("GET", "/v2/logs", ({ query }) => {
    const page = ctx.events.list(query);
    return { body: { cursor: page.cursor, logs: page.events } };
  });
}
