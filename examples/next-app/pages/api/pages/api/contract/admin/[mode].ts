import { pagesRoute } from "@stashkit/next";
import type { PagesHandler } from "@stashkit/next";
import { adminModes } from "@/lib/adminModes";
import { contractAdmin } from "@/lib/contract";

export const config = { api: { bodyParser: false } };

const handlers: Record<string, PagesHandler> = Object.fromEntries(
  Object.entries(adminModes).map(([mode, options]) => [mode, pagesRoute(contractAdmin, options)]),
);

export default async function admin(req: Parameters<PagesHandler>[0] & { query?: Record<string, unknown> }, res: Parameters<PagesHandler>[1]) {
  const handler = handlers[String(req.query?.["mode"])];
  if (handler) return handler(req, res);
  res.statusCode = 404;
  res.end();
}
