// The two bindings that tie a verified token to one request: `sub` to the URL and `body` to
// the bytes. Shared by both verification paths.

/**
 * Compares two ASCII strings without an early exit, so the time taken does not reveal how
 * many leading characters of a body hash an attacker guessed. Lengths are public.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Whether the `body` claim matches the computed hash. QStash pads the claim (`…=`), the
 * official SDK's own signer does not, so trailing `=` are ignored on the claim.
 *
 * @param claim - the token's `body` claim, of any type.
 * @param computed - unpadded base64url SHA-256 of the received bytes.
 */
export function bodyHashMatches(claim: unknown, computed: string): boolean {
  if (typeof claim !== "string") return false;
  let end = claim.length;
  while (end > 0 && claim.charCodeAt(end - 1) === 61 /* = */) end--;
  return constantTimeEqual(end === claim.length ? claim : claim.slice(0, end), computed);
}

function normaliseUrl(value: string): string | undefined {
  // A request never carries a fragment: a URL with one was built from untrusted text.
  if (value.includes("#")) return undefined;
  try {
    return new URL(value).href;
  } catch {
    return undefined;
  }
}

/**
 * Whether the `sub` claim names the URL this request arrived at. Identical strings match;
 * otherwise both sides are compared after WHATWG URL normalisation (scheme and host case,
 * default port, empty path as `/`, percent-encoding). Path, trailing slash and query string
 * stay significant: `/api/hook` and `/api/hook/` are different URLs, and `?a=1&b=2` does not
 * match `?b=2&a=1`. A fragment on either side never matches.
 */
export function subjectMatches(sub: unknown, url: string): boolean {
  if (typeof sub !== "string" || sub.includes("#") || url.includes("#")) return false;
  if (sub === url) return true;
  const left = normaliseUrl(sub);
  return left !== undefined && left === normaliseUrl(url);
}
