import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { loadNodeRuntime } from "../lib/nodeCrypto.js";
import { prepareHmacSha256 } from "./nodeHmac.js";

const node = loadNodeRuntime()!;
const base64url = fc.stringMatching(/^[A-Za-z0-9_-]{0,600}\.[A-Za-z0-9_-]{0,600}$/);

describe("prepareHmacSha256", () => {
  it("equals createHmac for any key (short, block-sized, longer than a block, non-ASCII)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 100 }), base64url, (secret, input) => {
        const expected = createHmac("sha256", Buffer.from(secret, "utf8")).update(input, "latin1").digest();
        expect(Buffer.from(prepareHmacSha256(node, secret)(input)).equals(expected)).toBe(true);
      }),
    );
  });

  it("gives the same MAC when called again with a shorter input (reused buffers)", () => {
    const mac = prepareHmacSha256(node, "sig_current");
    const long = "a".repeat(500) + ".b";
    const short = "c.d";
    mac(long);
    const expected = createHmac("sha256", "sig_current").update(short, "latin1").digest();
    expect(Buffer.from(mac(short)).equals(expected)).toBe(true);
  });

  it("handles a signing input at the token size cap", () => {
    const input = "x".repeat(8000) + "." + "y".repeat(191);
    const expected = createHmac("sha256", "k").update(input, "latin1").digest();
    expect(Buffer.from(prepareHmacSha256(node, "k")(input)).equals(expected)).toBe(true);
  });
});
