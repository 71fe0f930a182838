import { InvalidOptionError } from "../errors.js";

/** A message body ready for `new Request`, and whether it was serialised as JSON. */
export interface EncodedBody {
  body: BodyInit | undefined;
  json: boolean;
}

const NO_BODY: EncodedBody = { body: undefined, json: false };
const UNSUPPORTED = "must be a string, bytes, a Blob or a JSON value";

// Objects JSON.stringify would silently turn into `{}` or that carry a stream:
// refusing them beats publishing an empty message.
const OPAQUE_TYPES: ReadonlyArray<abstract new (...args: never[]) => unknown> = [
  Map,
  Set,
  WeakMap,
  WeakSet,
  Promise,
  RegExp,
  ...optionalGlobals(["ReadableStream", "FormData", "URLSearchParams"]),
];

function optionalGlobals(names: string[]): Array<abstract new (...args: never[]) => unknown> {
  const found: Array<abstract new (...args: never[]) => unknown> = [];
  for (const name of names) {
    const value = (globalThis as Record<string, unknown>)[name];
    if (typeof value === "function") found.push(value as abstract new (...args: never[]) => unknown);
  }
  return found;
}

/** How a body travels: absent, sent as it is, or serialised as JSON. */
export type BodyKind = "none" | "raw" | "json";

/**
 * Classifies the `body` option by type alone (no serialisation), rejecting
 * values that cannot be published.
 *
 * @throws {InvalidOptionError} `ERR_INVALID_OPTION` (option `"body"`) for
 *   functions, symbols, bigints, non-finite numbers, Maps, Sets, streams and
 *   similar objects JSON would flatten to `{}`.
 */
export function bodyKind(body: unknown): BodyKind {
  if (body === undefined) return "none";
  switch (typeof body) {
    case "string":
      return "raw";
    case "boolean":
      return "json";
    case "number":
      if (!Number.isFinite(body)) throw new InvalidOptionError("body", "must be a finite number");
      return "json";
    case "object":
      return body === null ? "json" : objectKind(body);
    default:
      throw new InvalidOptionError("body", UNSUPPORTED);
  }
}

/**
 * Turns the `body` option into request bytes: strings, bytes and Blobs as they
 * are, any other JSON value through one `JSON.stringify`. The type decides, not
 * a schema, so a large body is never walked twice.
 *
 * @throws {InvalidOptionError} `ERR_INVALID_OPTION` (option `"body"`) as
 *   `bodyKind`, and for values JSON cannot represent (cycles, nested bigints).
 */
export function encodeBody(body: unknown): EncodedBody {
  const kind = bodyKind(body);
  if (kind === "none") return NO_BODY;
  if (kind === "raw") return { body: body as BodyInit, json: false };
  return { body: stringify(body), json: true };
}

/**
 * The body of `publishJSON`, `enqueueJSON` and `batchJSON`: any value, a string included,
 * through one `JSON.stringify`, refused on the same grounds as `encodeBody`.
 *
 * @throws {InvalidOptionError} `ERR_INVALID_OPTION` (option `"body"`) as `encodeBody`.
 */
export function encodeJsonBody(body: unknown): string | undefined {
  if (body === undefined) return undefined;
  if (typeof body !== "string") bodyKind(body);
  return stringify(body);
}

function objectKind(body: object): BodyKind {
  if (isBinary(body)) return "raw";
  if (OPAQUE_TYPES.some((type) => body instanceof type)) throw new InvalidOptionError("body", UNSUPPORTED);
  return "json";
}

function isBinary(body: object): boolean {
  return ArrayBuffer.isView(body) || body instanceof ArrayBuffer || (typeof Blob === "function" && body instanceof Blob);
}

function stringify(body: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(body);
  } catch (cause) {
    throw new InvalidOptionError("body", "is not JSON-serialisable", { cause });
  }
  // A top-level toJSON() may return undefined, which would publish no body at all.
  if (text === undefined) throw new InvalidOptionError("body", UNSUPPORTED);
  return text;
}
