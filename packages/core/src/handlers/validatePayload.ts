import type { StandardSchemaV1 } from "@standard-schema/spec";
import { PayloadValidationError } from "./handlerErrors.js";
import type { PayloadIssue } from "./handlerErrors.js";

/**
 * Validates a value with any Standard Schema (zod 4, valibot, arktype, …).
 *
 * @param schema - the schema
 * @param value - the decoded body
 * @returns the schema's output
 * @throws PayloadValidationError `ERR_INVALID_PAYLOAD` naming every failing field
 * @example
 * ```ts
 * const payload = await validatePayload(z.object({ to: z.email() }), JSON.parse(text));
 * ```
 */
export async function validatePayload<S extends StandardSchemaV1>(
  schema: S,
  value: unknown,
): Promise<StandardSchemaV1.InferOutput<S>> {
  return validateNow(schema, value);
}

/**
 * @internal Like {@link validatePayload}, but synchronous when the schema is,
 * saving a promise per delivery on the hot path.
 */
export function validateNow<S extends StandardSchemaV1>(
  schema: S,
  value: unknown,
): StandardSchemaV1.InferOutput<S> | Promise<StandardSchemaV1.InferOutput<S>> {
  const result = schema["~standard"].validate(value);
  // Any thenable, not only native promises: a schema library may use its own.
  return isThenable(result) ? Promise.resolve(result).then(unwrap<S>) : unwrap<S>(result);
}

function isThenable(value: unknown): value is PromiseLike<StandardSchemaV1.Result<unknown>> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

function unwrap<S extends StandardSchemaV1>(result: StandardSchemaV1.Result<unknown>): StandardSchemaV1.InferOutput<S> {
  if (result.issues) throw new PayloadValidationError(result.issues.map(toIssue));
  return result.value as StandardSchemaV1.InferOutput<S>;
}

function toIssue(issue: StandardSchemaV1.Issue): PayloadIssue {
  const path = (issue.path ?? [])
    .map((segment) => String(typeof segment === "object" && segment !== null ? segment.key : segment))
    .join(".");
  return { path, message: issue.message };
}
