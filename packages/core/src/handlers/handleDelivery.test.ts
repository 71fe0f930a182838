import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineDestination } from "./defineDestination.js";
import type { DestinationConfig } from "./defineDestination.js";
import type { DeliveryVerifier, RawDeliveryRequest } from "./handleDelivery.js";
import { SignatureError } from "../errors.js";
import { readBody } from "./readBody.js";
import { handleNodeRequest } from "../node/index.js";
import { signDelivery } from "../testing/signDelivery.js";
import { urlParts } from "./rawRequest.fixture.js";

// The pipeline runs synchronously where it can (built-in receiver, sync schema and handler) and
// falls back to promises otherwise; these pin that every branch answers as the plain
// `await`-based pipeline did.
const keys = { currentSigningKey: "sig_hdCurrent0000000000000000", nextSigningKey: "sig_hdNext000000000000000000000" };
const url = "http://localhost:3000/hook";
const body = JSON.stringify({ n: 1 });
const schema = z.object({ n: z.number() });

type Config = DestinationConfig<typeof schema, unknown>;

function destination(handler: Config["handler"], options: Partial<Config> = {}) {
  return defineDestination({ path: "/hook", schema, ...keys, handler, ...options });
}

async function raw(overrides: { signature?: string; stream?: boolean } = {}): Promise<RawDeliveryRequest> {
  const signature = overrides.signature ?? (await signDelivery({ key: keys.currentSigningKey, url, body }));
  const headers: Record<string, string> = { "upstash-signature": signature, "upstash-message-id": "msg_1" };
  const bytes = new TextEncoder().encode(body);
  return {
    method: "POST",
    ...urlParts(url),
    header: (name) => headers[name.toLowerCase()],
    body: overrides.stream ? Readable.from([Buffer.from(bytes)], { objectMode: false }) : bytes,
  };
}

describe("handleDelivery branches", () => {
  it.each([false, true])("answers a valid delivery synchronously verified (stream body: %s)", async (stream) => {
    const result = await destination(({ payload }) => ({ got: payload.n })).handleRaw(await raw({ stream }));
    expect(result).toEqual({ status: 200, headers: { "content-type": "application/json" }, body: '{"got":1}' });
  });

  it.each([false, true])("refuses a bad signature before the handler (stream body: %s)", async (stream) => {
    let called = false;
    const good = await signDelivery({ key: keys.currentSigningKey, url, body });
    const tampered = `${good.slice(0, -4)}AAAA`;
    const result = await destination(() => (called = true)).handleRaw(await raw({ signature: tampered, stream }));
    expect(result.status).toBe(401);
    expect(called).toBe(false);
  });

  it("adopts a non-native thenable returned by the handler", async () => {
    const thenable = { then: (resolve: (value: unknown) => void) => resolve({ late: true }) };
    const result = await destination(() => thenable).handleRaw(await raw());
    expect(result.body).toBe('{"late":true}');
  });

  it("maps a synchronous and an asynchronous handler failure to 500 and reports each once", async () => {
    for (const handler of [
      () => {
        throw new Error("sync");
      },
      () => Promise.reject(new Error("async")),
    ]) {
      const reported: unknown[] = [];
      const result = await destination(handler, { onError: (error) => reported.push(error) }).handleRaw(await raw());
      expect(result.status).toBe(500);
      expect(reported).toHaveLength(1);
    }
  });

  it("calls a user-supplied receiver through verify, whatever it returns or throws", async () => {
    const answers: Array<[DeliveryVerifier["verify"], number]> = [
      [() => Promise.resolve(true), 200],
      [(() => true) as unknown as DeliveryVerifier["verify"], 200],
      [() => Promise.reject(new SignatureError("expired", "signature has expired")), 401],
      [
        () => {
          throw new SignatureError("bad_signature", "signature does not match the signing keys");
        },
        401,
      ],
    ];
    for (const [verify, status] of answers) {
      let calls = 0;
      const receiver: DeliveryVerifier = {
        verify: (input) => {
          calls++;
          return verify(input);
        },
      };
      // The fake tokens carry no jti, so the replay guard (tested below) is off here.
      const result = await destination(() => ({ ok: true }), { receiver, replayGuard: false }).handleRaw(await raw({ signature: "anything" }));
      expect(result.status).toBe(status);
      expect(calls).toBe(1);
    }
  });

  it("fails closed when a user-supplied receiver resolves anything but true or a delivery", async () => {
    for (const answer of [false, undefined, null, 0, "", "yes"]) {
      let handled = 0;
      const receiver: DeliveryVerifier = { verify: () => Promise.resolve(answer) };
      const definition = destination(() => {
        handled++;
        return { ok: true };
      }, { receiver, replayGuard: false });
      const result = await definition.handleRaw(await raw({ signature: "forged" }));
      expect(result.status).toBe(401);
      expect(JSON.parse(result.body)).toMatchObject({ reason: "bad_signature" });
      expect(handled).toBe(0);
    }
    const accepted = await destination(() => ({ ok: true }), {
      receiver: { verify: () => Promise.resolve({ claims: {} }) },
      replayGuard: false,
    }).handleRaw(await raw({ signature: "anything" }));
    expect(accepted.status).toBe(200);
  });
});

describe("never throwing synchronously", () => {
  it("readBody rejects instead of throwing for an unreadable source", async () => {
    const reading = readBody(null as never, 10);
    expect(reading).toBeInstanceOf(Promise);
    await expect(reading).rejects.toBeInstanceOf(TypeError);
  });

  it("handleNodeRequest rejects instead of throwing when the request cannot be described", async () => {
    const definition = destination(() => undefined);
    const handling = handleNodeRequest(definition, {} as never, {} as never);
    expect(handling).toBeInstanceOf(Promise);
    await expect(handling).rejects.toBeInstanceOf(TypeError);
  });
});
