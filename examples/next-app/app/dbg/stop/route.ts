export const runtime = "edge";
export async function POST(request: Request): Promise<Response> {
  const reader = request.body!.getReader();
  let n = 0;
  while (n < 200_000) { const { done, value } = await reader.read(); if (done) break; n += value.byteLength; }
  return new Response("stopped at " + n, { status: 413 });
}
