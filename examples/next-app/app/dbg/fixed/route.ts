import { readBody } from "../readBodyFixed";
export const runtime = "edge";
export async function POST(request: Request): Promise<Response> {
  try { const b = await readBody(request.body!, 200_000); return new Response("read " + b.byteLength); }
  catch (e) { return new Response(String((e as Error).name), { status: 413 }); }
}
