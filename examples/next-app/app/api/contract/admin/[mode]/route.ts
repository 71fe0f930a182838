import { route } from "@stashkit/next";
import { adminModes } from "@/lib/adminModes";
import { contractAdmin } from "@/lib/contract";

const handlers = Object.fromEntries(Object.entries(adminModes).map(([mode, options]) => [mode, route(contractAdmin, options)]));

export async function POST(request: Request, context: { params: Promise<{ mode: string }> }): Promise<Response> {
  const handler = handlers[(await context.params).mode];
  return handler ? handler.POST(request) : new Response(null, { status: 404 });
}
