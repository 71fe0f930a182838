// Portable base64/base64url helpers (no Buffer: these run on Edge too). The Node fast paths
// use Buffer directly where speed matters.

const URL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const STD_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** A JWS segment: base64url alphabet only, no padding, and a length a decoder can finish. */
const SEGMENT = /^[A-Za-z0-9_-]*$/;

/** Whether `value` is a well-formed unpadded base64url string (as JWS segments must be). */
export function isBase64UrlSegment(value: string): boolean {
  return value.length % 4 !== 1 && SEGMENT.test(value);
}

function encodeWith(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + alphabet[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + (pad ? "==" : "");
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += alphabet[n >> 18]! + alphabet[(n >> 12) & 63]! + alphabet[(n >> 6) & 63]! + (pad ? "=" : "");
  }
  return out;
}

/** base64url-encodes bytes; `pad` keeps the `=` padding the hosted QStash emits. */
export function encodeBase64Url(bytes: Uint8Array, pad = false): string {
  return encodeWith(bytes, URL_ALPHABET, pad);
}

type BufferLike = { from(data: ArrayBufferLike, offset: number, length: number): { toString(encoding: "base64"): string } };

/** Standard (`+/`, padded) base64, the encoding of callback `body`/`sourceBody`. */
export function encodeBase64(bytes: Uint8Array): string {
  // Bodies reach megabytes in the dev server's callbacks: native Buffer where it exists.
  const NodeBuffer = (globalThis as { Buffer?: BufferLike }).Buffer;
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  return encodeWith(bytes, STD_ALPHABET, true);
}

const DECODE_TABLE = /* @__PURE__ */ (() => {
  const table = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) {
    table[URL_ALPHABET.charCodeAt(i)] = i;
    table[STD_ALPHABET.charCodeAt(i)] = i;
  }
  return table;
})();

/**
 * Decodes base64 in either alphabet, tolerating missing padding. Returns `undefined` for
 * anything else (stray characters, misplaced `=`, impossible length) so callers can name
 * the offending field.
 */
export function decodeBase64Loose(value: string): Uint8Array | undefined {
  let end = value.length;
  while (end > 0 && value.charCodeAt(end - 1) === 61 /* = */ && value.length - end < 2) end--;
  if (end % 4 === 1) return undefined;
  if (end < value.length && value.length % 4 !== 0) return undefined;
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const code = value.charCodeAt(i);
    const digit = code < 128 ? DECODE_TABLE[code]! : -1;
    if (digit < 0) return undefined;
    acc = ((acc << 6) | digit) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

const encoder = /* @__PURE__ */ new TextEncoder();

/** UTF-8 bytes of a string (lone surrogates become U+FFFD, as TextEncoder does). */
export function utf8(value: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(value);
}
