import { badRequest } from "../../apiError.js";
import { parseDestination } from "../../protocol/destination.js";
import type { PublishAnswer } from "../../engine/publisher.js";
import { publishStatus } from "../../engine/publisher.js";
import type { HeaderMap } from "../../protocol/publishHeaders.js";
import type { RequestContext, Router } from "../router.js";
import type { ServerContext } from "../../serverContext.js";
import { jsonBody } from "./jsonBody.js";
import { SLICE, yieldToLoop } from "../../lib/yieldToLoop.js";

async function publish(ctx: ServerContext, req: RequestContext, queueName?: string) {
  const { destination, queryConfig } = parseDestination(req.rest, req.rawQuery);
  const answer = await ctx.publisher.publish({
    destination,
    headers: { ...queryConfig, ...req.headers },
    body: req.body,
    callerIp: req.callerIp,
    queueName,
  });
  return { status: publishStatus(answer), body: answer };
}

interface BatchEntry {
  destination?: unknown;
  headers?: unknown;
  body?: unknown;
  queue?: unknown;
}

function lowerCaseHeaders(headers: unknown): HeaderMap {
  if (headers === undefined || headers === null) return {};
  if (typeof headers !== "object") throw badRequest("batch headers must be an object");
  const out: HeaderMap = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = String(value);
  return out;
}

async function batchEntry(ctx: ServerContext, req: RequestContext, entry: BatchEntry): Promise<PublishAnswer | { error: string }> {
  try {
    if (typeof entry !== "object" || entry === null || typeof entry.destination !== "string") {
      throw badRequest("batch entry needs a destination");
    }
    const { destination, queryConfig } = parseDestination(entry.destination, "");
    return await ctx.publisher.publish({
      destination,
      headers: { ...queryConfig, ...lowerCaseHeaders(entry.headers) },
      body: Buffer.from(typeof entry.body === "string" ? entry.body : ""),
      callerIp: req.callerIp,
      queueName: typeof entry.queue === "string" ? entry.queue : undefined,
    });
  } catch (error) {
    return { error: error instanceof Error ? error.message : "invalid batch entry" };
  }
}

/**
 * Publish (`/v2/publish/{destination}`), enqueue (`/v2/enqueue/{queue}/{destination}`)
 * and batch (`/v2/batch`), wire spec section 2.
 */
export function publishRoutes(router: Router, ctx: ServerContext): void {
  router.add("POST", "/v2/publish/*", (req) => publish(ctx, req));
  router.add("POST", "/v2/enqueue/:queueName/*", (req) => publish(ctx, req, req.params["queueName"]));
  router.add("POST", "/v2/batch", async (req) => {
    const entries = jsonBody(req.body);
    if (!Array.isArray(entries)) throw badRequest("batch body must be a JSON array");
    const answers = [];
    for (const [index, entry] of (entries as BatchEntry[]).entries()) {
      if (index > 0 && index % SLICE === 0) await yieldToLoop();
      answers.push(await batchEntry(ctx, req, entry));
    }
    return { body: answers };
  });
}
