import { notFound } from "../../apiError.js";
import type { DlqEntry } from "../../state/dlq.js";
import { toDlqObject } from "../../state/dlq.js";
import { compileFilter, pageSize } from "../../state/filters.js";
import type { HeaderMap } from "../../protocol/publishHeaders.js";
import type { RequestContext, Router } from "../router.js";
import type { ServerContext } from "../../serverContext.js";

/** Configuration headers of a request (`Upstash-*` but telemetry, `Content-Type`): what a DLQ retry may override. */
export function overrideHeaders(headers: HeaderMap): HeaderMap {
  const out: HeaderMap = {};
  for (const [name, value] of Object.entries(headers)) {
    if ((name.startsWith("upstash-") && !name.startsWith("upstash-telemetry-")) || name === "content-type") {
      out[name] = value;
    }
  }
  return out;
}

function select(ctx: ServerContext, req: RequestContext) {
  const filter = compileFilter(req.query, "dlqIds", (s) => s.dlqId ?? "");
  return ctx.dlq.page(filter, req.query.get("cursor"), pageSize(req.query, 100, 100));
}

function retry(ctx: ServerContext, entry: DlqEntry, headers: HeaderMap) {
  const result = ctx.publisher.republish(entry.message, overrideHeaders(headers));
  ctx.dlq.delete(entry.dlqId);
  return { messageId: result.messageId };
}

/** DLQ list, get, delete, bulk delete, retry and bulk retry (wire spec 6.5). */
export function dlqRoutes(router: Router, ctx: ServerContext): void {
  router.add("GET", "/v2/dlq", (req) => {
    const page = select(ctx, req);
    return { body: { messages: page.entries.map(toDlqObject), cursor: page.cursor } };
  });
  router.add("DELETE", "/v2/dlq", (req) => {
    const page = select(ctx, req);
    for (const entry of page.entries) ctx.dlq.delete(entry.dlqId);
    return { body: { deleted: page.entries.length, cursor: page.cursor } };
  });
  router.add("POST", "/v2/dlq/retry", (req) => {
    const page = select(ctx, req);
    const responses = page.entries.map((entry) => retry(ctx, entry, req.headers));
    return { body: { responses, cursor: page.cursor } };
  });
  router.add("POST", "/v2/dlq/retry/:dlqId", (req) => {
    const entry = ctx.dlq.get(req.params["dlqId"]!);
    if (entry === undefined) throw notFound("dlq message");
    return { status: 201, body: retry(ctx, entry, req.headers) };
  });
  router.add("GET", "/v2/dlq/:dlqId", ({ params }) => {
    const entry = ctx.dlq.get(params["dlqId"]!);
    if (entry === undefined) throw notFound("dlq message");
    return { body: toDlqObject(entry) };
  });
  router.add("DELETE", "/v2/dlq/:dlqId", ({ params }) => {
    if (!ctx.dlq.delete(params["dlqId"]!)) throw notFound("dlq message");
    return {};
  });
}
