const BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * Random base62 text from Web Crypto, for ids that only need to be unique (token ids,
 * message ids in tests). The slight modulo bias is irrelevant for that purpose.
 *
 * @param length - characters to draw
 * @returns `length` characters of `[A-Za-z0-9]`
 */
export function randomBase62(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = "";
  for (const b of bytes) out += BASE62[b % 62];
  return out;
}
