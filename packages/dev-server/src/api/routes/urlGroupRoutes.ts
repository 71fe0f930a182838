import { badRequest, notFound } from "../../apiError.js";
import { NAME_PATTERN } from "../../defaults.js";
import type { Router } from "../router.js";
import type { ServerContext } from "../../serverContext.js";
import type { UrlGroup } from "../../state/urlGroups.js";
import { endpointsOf } from "../../state/urlGroups.js";
import { jsonBody } from "./jsonBody.js";

function toUrlGroupObject(group: UrlGroup): Record<string, unknown> {
  return { name: group.name, createdAt: group.createdAt, updatedAt: group.updatedAt, endpoints: endpointsOf(group) };
}

function groupName(name: string): string {
  if (!NAME_PATTERN.test(name)) throw badRequest("url group name is invalid");
  return name;
}

/** URL groups: endpoints add/remove, list, get, delete (wire spec 6.4). */
export function urlGroupRoutes(router: Router, ctx: ServerContext): void {
  router.add("POST", "/v2/topics/:name/endpoints", async ({ params, body }) => {
    const input = jsonBody(body) as { endpoints?: unknown } | undefined;
    await ctx.urlGroups.addEndpoints(groupName(params["name"]!), input?.endpoints);
    return {};
  });
  router.add("DELETE", "/v2/topics/:name/endpoints", async ({ params, body }) => {
    const input = jsonBody(body) as { endpoints?: unknown } | undefined;
    if (!(await ctx.urlGroups.removeEndpoints(params["name"]!, input?.endpoints ?? []))) throw notFound("url group");
    return {};
  });
  router.add("GET", "/v2/topics", () => ({ body: ctx.urlGroups.list().map(toUrlGroupObject) }));
  router.add("GET", "/v2/topics/:name", ({ params }) => {
    const group = ctx.urlGroups.get(params["name"]!);
    if (group === undefined) throw notFound("url group");
    return { body: toUrlGroupObject(group) };
  });
  router.add("DELETE", "/v2/topics/:name", ({ params }) => {
    if (!ctx.urlGroups.delete(params["name"]!)) throw notFound("url group");
    return {};
  });
}
