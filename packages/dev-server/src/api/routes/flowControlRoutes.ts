import { notFound } from "../../apiError.js";
import { toFlowControlObject } from "../../engine/flowControl.js";
import type { Router } from "../router.js";
import type { ServerContext } from "../../serverContext.js";

function positive(value: string | null): number | undefined {
  const n = Number(value);
  return value !== null && Number.isInteger(n) && n > 0 ? n : undefined;
}

/** Flow-control key info and controls (wire spec 6.8). */
export function flowControlRoutes(router: Router, ctx: ServerContext): void {
  const { flow } = ctx.engine;
  const found = (ok: boolean) => {
    if (!ok) throw notFound("flow control key");
    return {};
  };
  router.add("GET", "/v2/flowControl", ({ query }) => ({
    body: flow.list(query.get("search")).map(toFlowControlObject),
  }));
  router.add("GET", "/v2/flowControl/:key", ({ params }) => {
    const key = flow.get(params["key"]!);
    if (key === undefined) throw notFound("flow control key");
    return { body: toFlowControlObject(key) };
  });
  router.add("POST", "/v2/flowControl/:key/pause", ({ params }) => found(flow.setPaused(params["key"]!, true)));
  router.add("POST", "/v2/flowControl/:key/resume", ({ params }) => found(flow.setPaused(params["key"]!, false)));
  router.add("POST", "/v2/flowControl/:key/resetRate", ({ params }) => found(flow.resetRate(params["key"]!)));
  router.add("POST", "/v2/flowControl/:key/reset", ({ params }) => found(flow.resetRate(params["key"]!)));
  router.add("POST", "/v2/flowControl/:key/pin", ({ params, query }) => {
    const period = positive(query.get("period"));
    return found(
      flow.pin(params["key"]!, {
        parallelism: positive(query.get("parallelism")),
        rate: positive(query.get("rate")),
        periodMs: period === undefined ? undefined : period * 1000,
      }),
    );
  });
  router.add("POST", "/v2/flowControl/:key/unpin", ({ params, query }) =>
    found(flow.unpin(params["key"]!, query.get("parallelism") === "true", query.get("rate") === "true")),
  );
  router.add("GET", "/v2/globalParallelism", () => ({
    body: { parallelismMax: 0, parallelismCount: ctx.engine.inFlight },
  }));
}
