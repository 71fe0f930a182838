import { checkClaims } from "./deliveryClaims.js";
import { SignatureError } from "../errors.js";
import type { NodeRuntime } from "../lib/nodeCrypto.js";
import { prepareHmacSha256, type Sha256Mac } from "./nodeHmac.js";
import { decodeJsonSegment } from "./signatureToken.js";
import { KEY_NAMES, type VerifyEngine } from "./verifyEngine.js";

const HMAC_SHA256_LENGTH = 32;

/**
 * The Node fast path: synchronous `node:crypto` HMAC and SHA-256, key pads built once,
 * constant-time MAC comparison with `timingSafeEqual`. Claim rules are shared with
 * the webcrypto engine (see `checkClaims`); no per-call key import, no promise chain.
 */
export function createNodeEngine(node: NodeRuntime): VerifyEngine {
  const { crypto, Buffer } = node;
  const decodeSegment = (segment: string): Uint8Array => Buffer.from(segment, "base64url");
  return {
    name: "node",
    decodeSegment,
    prepareKey: (secret) => prepareHmacSha256(node, secret),
    verifyToken(token, keys, clock) {
      const signature = decodeSegment(token.signatureSegment);
      const index = signature.length === HMAC_SHA256_LENGTH ? matchingKey(token.signingInput, signature, keys) : -1;
      if (index < 0) throw new SignatureError("bad_signature", "signature does not match the signing keys");
      const payload = decodePayload(token.payloadSegment);
      return { claims: checkClaims(payload, clock), key: KEY_NAMES[index]! };
    },
    hashBody: crypto.hash
      ? (body) => crypto.hash!("sha256", body, "base64url")
      : (body) => crypto.createHash("sha256").update(body).digest("base64url"),
  };

  // Buffer's UTF-8 decoding is much cheaper than TextDecoder's, but lenient: only when it
  // produced U+FFFD can the bytes be invalid, and then the strict decoder decides. The BOM
  // is dropped as TextDecoder (and so jose) drops it.
  function decodePayload(segment: string): unknown {
    const text = Buffer.from(segment, "base64url").toString("utf8");
    if (text.includes("\uFFFD")) return decodeJsonSegment(segment, decodeSegment);
    try {
      return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
    } catch {
      return undefined;
    }
  }

  function matchingKey(input: string, signature: Uint8Array, keys: readonly [unknown, unknown]): number {
    for (let i = 0; i < keys.length; i++) {
      const mac = (keys[i] as Sha256Mac)(input);
      if (crypto.timingSafeEqual(mac, signature)) return i;
    }
    return -1;
  }
}
