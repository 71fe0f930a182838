import { notFound } from "../../apiError.js";
import { SLICE, yieldToLoop } from "../../lib/yieldToLoop.js";
import { compileFilter, pageSize } from "../../state/filters.js";
import { messageSubject, toMessageObject } from "../../state/message.js";
import type { RequestContext, Router } from "../router.js";
import type { ServerContext } from "../../serverContext.js";

/**
 * Bulk cancel: at most `count` messages (all when absent) matching the ids or filters, chosen
 * when the request arrives. The scan and the cancellations run in slices that yield to the
 * event loop, so cancelling 30,000 messages holds no other request up.
 */
async function cancelMatching(ctx: ServerContext, req: RequestContext): Promise<number> {
  const filter = compileFilter(req.query, "messages");
  const limit = pageSize(req.query, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
  const chosen: string[] = [];
  let scanned = 0;
  for (const message of ctx.engine.live()) {
    if ((scanned += 1) % SLICE === 0) await yieldToLoop();
    if (message.kind === "message" && !message.cancelled && filter.matches(messageSubject(message, message.createdAt))) chosen.push(message.id);
    if (chosen.length >= limit) break;
  }
  let cancelled = 0;
  for (const [index, id] of chosen.entries()) {
    if (index > 0 && index % SLICE === 0) await yieldToLoop();
    if (ctx.engine.cancel(id)) cancelled += 1;
  }
  return cancelled;
}

/** Get, cancel and bulk-cancel messages (wire spec 6.1 and its correction in 12). */
export function messageRoutes(router: Router, ctx: ServerContext): void {
  router.add("GET", "/v2/messages/:messageId", ({ params }) => {
    const message = ctx.engine.get(params["messageId"]!);
    if (message === undefined) throw notFound("message");
    return { body: toMessageObject(message) };
  });
  router.add("DELETE", "/v2/messages/:messageId", ({ params }) => {
    if (!ctx.engine.cancel(params["messageId"]!)) throw notFound("message");
    return { body: { cancelled: 1 } };
  });
  router.add("DELETE", "/v2/messages", async (req) => ({ body: { cancelled: await cancelMatching(ctx, req) } }));
}
