import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { BodyTooLargeError } from "./handlerErrors.js";
import { readBody } from "./readBody.js";

async function* chunksOf(chunks: Uint8Array[], pulled: { count: number }) {
  for (const chunk of chunks) {
    pulled.count++;
    yield chunk;
  }
}

describe("readBody", () => {
  it("returns the exact bytes, or refuses at the first chunk past the limit", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 12 }), fc.nat(400), async (chunks, limit) => {
        const total = chunks.reduce((n, c) => n + c.byteLength, 0);
        const pulled = { count: 0 };
        if (total <= limit) {
          const bytes = await readBody(chunksOf(chunks, pulled), limit);
          expect(Buffer.from(bytes).equals(Buffer.concat(chunks))).toBe(true);
          return;
        }
        await expect(readBody(chunksOf(chunks, pulled), limit)).rejects.toBeInstanceOf(BodyTooLargeError);
        let running = 0;
        const firstOver = chunks.findIndex((c) => (running += c.byteLength) > limit);
        expect(pulled.count).toBe(firstOver + 1);
      }),
    );
  });

  it("checks an in-memory body against the limit too", async () => {
    await expect(readBody(new Uint8Array(11), 10)).rejects.toMatchObject({ code: "ERR_BODY_TOO_LARGE", limit: 10 });
    expect((await readBody(new Uint8Array(10), 10)).byteLength).toBe(10);
  });

  it("reads a web ReadableStream and cancels it when stopping early", async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(new Uint8Array(8)),
      cancel: () => {
        cancelled = true;
      },
    });
    await expect(readBody(stream, 20)).rejects.toBeInstanceOf(BodyTooLargeError);
    expect(cancelled).toBe(true);
  });
});

describe("readBody with a Node-style readable", () => {
  it("reads a real Readable through its events, strings as UTF-8", async () => {
    const { Readable } = await import("node:stream");
    const bytes = await readBody(Readable.from([Buffer.from("ab"), Buffer.from("cd")], { objectMode: false }), 10);
    expect(new TextDecoder().decode(bytes)).toBe("abcd");
    const text = Readable.from(["zoë"], { objectMode: false });
    expect(new TextDecoder().decode(await readBody(text, 10))).toBe("zoë");
  });

  it("stops listening and pauses at the first chunk past the limit", async () => {
    const { PassThrough } = await import("node:stream");
    const stream = new PassThrough();
    const reading = readBody(stream, 5);
    stream.write(Buffer.from("abc"));
    stream.write(Buffer.from("def"));
    await expect(reading).rejects.toBeInstanceOf(BodyTooLargeError);
    expect(stream.listenerCount("data")).toBe(0);
    expect(stream.isPaused()).toBe(true);
  });

  it("rejects with the stream's error", async () => {
    const { PassThrough } = await import("node:stream");
    const stream = new PassThrough();
    const reading = readBody(stream, 5);
    stream.destroy(new Error("socket hang up"));
    await expect(reading).rejects.toThrow("socket hang up");
  });
});
