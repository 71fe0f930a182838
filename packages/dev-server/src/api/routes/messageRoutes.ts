import { notFound } from "../../apiError.js";
import { compileFilter } from "../../state/filters.js";
import { messageSubject, toMessageObject } from "../../state/message.js";
import type { Router } from "../router.js";
import type { ServerContext } from "../../serverContext.js";

/** Get, cancel and bulk-cancel messages (wire spec 6.1). */
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
  router.add("DELETE", "/v2/messages", ({ query }) => {
    const filter = compileFilter(query, "messageIds");
    const ids: string[] = [];
    for (const message of ctx.engine.live()) {
      if (message.kind === "message" && filter.matches(messageSubject(message, message.createdAt))) ids.push(message.id);
    }
    const cancelled = ids.filter((id) => ctx.engine.cancel(id)).length;
    return { body: { cancelled } };
  });
}
