// Checks shared by everything that turns options into HTTP headers. They return
// a reason (or undefined) instead of throwing so zod refinements and plain code
// can both use them.

// CR and LF would split the header (response splitting on a proxy that does not
// check); NUL is refused by HTTP stacks and truncates values in C-based ones.
const FORBIDDEN_IN_VALUE = /[\r\n\0]/;
// fetch's Headers takes ByteStrings and throws a bare TypeError beyond U+00FF.
const BEYOND_LATIN1 = /[^\u0000-\u00ff]/;
// RFC 9110 `token`: the characters a field name may contain.
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Reason a header value cannot be sent, or `undefined` when it can. */
export function headerValueProblem(value: string): string | undefined {
  if (FORBIDDEN_IN_VALUE.test(value)) return "must not contain CR, LF or NUL characters";
  return BEYOND_LATIN1.test(value) ? "must contain only Latin-1 characters (percent-encode other text)" : undefined;
}

/** Reason a header name cannot be sent, or `undefined` when it can. */
export function headerNameProblem(name: string): string | undefined {
  return TOKEN.test(name) ? undefined : "is not a valid HTTP header name";
}
