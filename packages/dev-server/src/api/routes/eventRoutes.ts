import type { Router } from "../router.js";
import type { ServerContext } from "../../serverContext.js";

/** Logs under both spellings: `/v2/events` (SDK) and `/v2/logs` (REST reference), wire spec 6.6. */
export function eventRoutes(router: Router, ctx: ServerContext): void {
  for (const [path, listKey] of [["/v2/events", "events"], ["/v2/logs", "logs"]] as const) {
    router.add("GET", path, async ({ query }) => {
      const { page, cursor } = await ctx.events.list(query);
      return { json: page.toJson(listKey, cursor) };
    });
  }
}
