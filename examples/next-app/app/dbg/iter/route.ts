export const runtime = "edge";
export async function POST(request: Request): Promise<Response> {
  const body = request.body as any;
  let n = 0;
  const iterable = Symbol.asyncIterator in body;
  if (iterable) { for await (const c of body) { n += c.byteLength; if (n > 200_000) break; } }
  return new Response("iter " + iterable + " " + n, { status: 413 });
}
