import { badRequest, notFound } from "../../apiError.js";
import { NAME_PATTERN } from "../../defaults.js";
import { toQueueObject } from "../../engine/queues.js";
import type { Router } from "../router.js";
import type { ServerContext } from "../../serverContext.js";
import { jsonBody } from "./jsonBody.js";

interface UpsertBody {
  queueName?: unknown;
  parallelism?: unknown;
  paused?: unknown;
}

/** Queue upsert, list, get, delete, pause and resume (wire spec 6.2). */
export function queueRoutes(router: Router, ctx: ServerContext): void {
  const { queues } = ctx.engine;
  router.add("POST", "/v2/queues", ({ body }) => {
    const input = (jsonBody(body) ?? {}) as UpsertBody;
    if (typeof input.queueName !== "string" || !NAME_PATTERN.test(input.queueName)) {
      throw badRequest("queue name is invalid");
    }
    const parallelism = input.parallelism ?? 1;
    if (typeof parallelism !== "number" || !Number.isInteger(parallelism) || parallelism < 1) {
      throw badRequest("parallelism must be a positive integer");
    }
    queues.upsert(input.queueName, parallelism, input.paused === true);
    return {};
  });
  router.add("GET", "/v2/queues", () => ({ body: queues.list().map(toQueueObject) }));
  router.add("GET", "/v2/queues/:queueName", ({ params }) => {
    const queue = queues.get(params["queueName"]!);
    if (queue === undefined) throw notFound("queue");
    return { body: toQueueObject(queue) };
  });
  router.add("DELETE", "/v2/queues/:queueName", ({ params }) => {
    if (!ctx.engine.deleteQueue(params["queueName"]!)) throw notFound("queue");
    return {};
  });
  for (const action of ["pause", "resume"] as const) {
    router.add("POST", `/v2/queues/:queueName/${action}`, ({ params }) => {
      if (!queues.setPaused(params["queueName"]!, action === "pause")) throw notFound("queue");
      return {};
    });
  }
}
