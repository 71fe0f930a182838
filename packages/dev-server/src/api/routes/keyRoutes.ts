import type { Router } from "../router.js";
import type { ServerContext } from "../../serverContext.js";

/** Signing keys: get and rotate (wire spec 6.7); `GET /v2/keys` is also the SDK's liveness probe. */
export function keyRoutes(router: Router, ctx: ServerContext): void {
  router.add("GET", "/v2/keys", () => ({ body: ctx.keys.toJSON() }));
  router.add("POST", "/v2/keys/rotate", () => ({ body: ctx.keys.rotate() }));
}
