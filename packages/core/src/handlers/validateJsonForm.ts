import type { StandardSchemaV1 } from "@standard-schema/spec";
import { PayloadValidationError } from "./handlerErrors.js";
import type { PayloadIssue } from "./handlerErrors.js";
import { validatePayload } from "./validatePayload.js";

/**
 * Validates a payload the way its destination will see it: serialised with `JSON.stringify`,
 * parsed back, then checked with the schema. A value that JSON changes (a `Date` becomes a
 * string, `undefined` fields vanish, `NaN` becomes `null`, a `Map` becomes `{}`) is refused
 * here, at send time, instead of failing every delivery with 489.
 *
 * @param schema - the destination's schema
 * @param payload - the in-memory value about to be sent
 * @returns the schema's output for the JSON form
 * @throws PayloadValidationError `ERR_INVALID_PAYLOAD` naming each failing field and, where JSON
 *   changed it, how (e.g. `at: is a Date, which JSON sends as a string`)
 * @example
 * ```ts
 * await validateJsonForm(z.object({ at: z.date() }), { at: new Date() }); // throws: at is a Date…
 * ```
 */
export async function validateJsonForm<S extends StandardSchemaV1>(schema: S, payload: unknown): Promise<StandardSchemaV1.InferOutput<S>> {
  return (await checkedJsonForm(schema, payload)).value;
}

/**
 * {@link validateJsonForm}, also returning the JSON text it checked, so a caller that sends
 * the payload publishes those exact bytes without serialising it again.
 * @internal
 */
export async function checkedJsonForm<S extends StandardSchemaV1>(
  schema: S,
  payload: unknown,
): Promise<{ text: string; value: StandardSchemaV1.InferOutput<S> }> {
  let text: string | undefined;
  try {
    text = JSON.stringify(payload);
  } catch (cause) {
    const path = unserialisablePath(payload, "", new Set()) ?? "";
    throw new PayloadValidationError([{ path, message: lossOf(valueAt(payload, path)) ?? "is a circular reference, which JSON cannot represent" }], "payload cannot be sent as JSON", {
      cause,
    });
  }
  if (text === undefined) {
    throw new PayloadValidationError([{ path: "", message: lossOf(payload) ?? "cannot be serialised as JSON" }], "payload cannot be sent as JSON");
  }
  try {
    return { text, value: await validatePayload(schema, JSON.parse(text)) };
  } catch (error) {
    if (!(error instanceof PayloadValidationError)) throw error;
    let changed = false;
    const issues = error.issues.map((issue): PayloadIssue => {
      const loss = lossOf(valueAt(payload, issue.path));
      if (loss === undefined) return issue;
      changed = true;
      return { path: issue.path, message: `${loss}; the schema says: ${issue.message}` };
    });
    throw new PayloadValidationError(issues, changed ? "payload changes when sent as JSON and then fails the schema" : error.message);
  }
}

// How JSON.stringify alters a value, when it does.
function lossOf(value: unknown): string | undefined {
  if (value === undefined) return "is undefined, which JSON leaves out";
  if (typeof value === "number" && !Number.isFinite(value)) return `is ${String(value)}, which JSON sends as null`;
  if (typeof value === "bigint") return "is a BigInt, which JSON cannot represent";
  if (typeof value === "function") return "is a function, which JSON leaves out";
  if (typeof value === "symbol") return "is a symbol, which JSON leaves out";
  if (value instanceof Date) return "is a Date, which JSON sends as a string";
  if (value instanceof Map) return "is a Map, which JSON sends as {}";
  if (value instanceof Set) return "is a Set, which JSON sends as {}";
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return "is binary data, which JSON sends as an object of numbers";
  return undefined;
}

function valueAt(root: unknown, path: string): unknown {
  if (path === "") return root;
  let value = root;
  for (const key of path.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = value instanceof Map ? value.get(key) : (value as Record<string, unknown>)[key];
  }
  return value;
}

// The first value JSON.stringify throws on (a BigInt or a cycle), for the error's path.
function unserialisablePath(value: unknown, path: string, seen: Set<object>): string | undefined {
  if (typeof value === "bigint") return path;
  if (value === null || typeof value !== "object") return undefined;
  if (seen.has(value)) return path;
  seen.add(value);
  for (const [key, child] of Object.entries(value)) {
    const found = unserialisablePath(child, path === "" ? key : `${path}.${key}`, seen);
    if (found !== undefined) return found;
  }
  seen.delete(value);
  return undefined;
}
