// The subset of `node:crypto` the fast paths use. Declared structurally instead of
// `import type ... from "node:crypto"` so that core's public types never require @types/node
// (Edge and browser consumers type-check without it).

/** Bytes as `node:crypto` accepts and returns them (a Buffer is a Uint8Array). */
export interface NodeHmac {
  update(data: string | Uint8Array, encoding?: "latin1" | "utf8"): NodeHmac;
  digest(): Uint8Array;
  digest(encoding: "base64url"): string;
}

/** Opaque `KeyObject` handle. */
export interface NodeKeyObject {
  readonly type: string;
}

/** What the receiver and signer need from `node:crypto`. */
export interface NodeCrypto {
  createHmac(algorithm: string, key: Uint8Array | NodeKeyObject): NodeHmac;
  createHash(algorithm: string): NodeHmac;
  /** One-shot digest (Node >= 20.12): skips the Hash object, ~40% cheaper for small inputs. */
  hash?(algorithm: string, data: string | Uint8Array, outputEncoding: "base64url" | "latin1"): string;
  hash?(algorithm: string, data: string | Uint8Array, outputEncoding: "buffer"): Uint8Array;
  createSecretKey(key: Uint8Array): NodeKeyObject;
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean;
}

/** A Node `Buffer` as the fast paths use it. */
export type NodeBuffer = Uint8Array & {
  toString(encoding?: "utf8" | "base64url" | "latin1"): string;
  write(text: string, offset: number, encoding: "latin1"): number;
};

/** What the fast paths need from `Buffer` (a global on Node, absent on Edge). */
export interface NodeBufferStatic {
  alloc(size: number): NodeBuffer;
  from(data: string, encoding: "base64url" | "base64" | "utf8" | "latin1"): Uint8Array & {
    toString(encoding?: "utf8" | "base64url" | "latin1"): string;
  };
  from(data: ArrayBuffer, offset?: number, length?: number): Uint8Array & {
    toString(encoding?: "utf8" | "base64url" | "latin1"): string;
  };
}

/** `node:crypto` plus `Buffer`, available together on Node. */
export interface NodeRuntime {
  crypto: NodeCrypto;
  Buffer: NodeBufferStatic;
}

let cached: NodeRuntime | null | undefined;

/**
 * Loads `node:crypto` without a static import, so bundlers targeting Edge never see a
 * `node:` specifier. `process.getBuiltinModule` exists on Node >= 20.16 (and Deno/Bun);
 * elsewhere this returns `undefined` and callers fall back to Web Crypto.
 */
export function loadNodeRuntime(): NodeRuntime | undefined {
  if (cached !== undefined) return cached ?? undefined;
  cached = null;
  try {
    const g = globalThis as {
      process?: { getBuiltinModule?: (id: string) => unknown };
      Buffer?: NodeBufferStatic;
    };
    const crypto = g.process?.getBuiltinModule?.("node:crypto") as NodeCrypto | undefined;
    if (crypto && typeof crypto.createHmac === "function" && g.Buffer) {
      cached = { crypto, Buffer: g.Buffer };
    }
  } catch {
    // A sandbox that forbids builtins is an Edge-like host: use the portable path.
  }
  return cached ?? undefined;
}
