import { z } from "zod";
import { CALLBACK_FIELDS, REQUIRED_CALLBACK_FIELDS, type CheckedCallback } from "../parse/parseCallback.js";
import { requiredSchemaOf, schemaOf } from "./schemaOf.js";

type CallbackSchemas = {
  [K in keyof typeof CALLBACK_FIELDS]-?: K extends "status"
    ? z.ZodType<number, number>
    : z.ZodOptional<z.ZodType<NonNullable<CheckedCallback[K]>, unknown>>;
};

function callbackSchemas(): CallbackSchemas {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, check] of Object.entries(CALLBACK_FIELDS) as Array<[string, (value: unknown) => unknown]>) {
    // `null` counts as absent, as in `parseCallback`.
    const nullable = (value: unknown) => (value === null ? undefined : check(value));
    shape[name] = REQUIRED_CALLBACK_FIELDS.has(name) ? requiredSchemaOf(check, "is required") : schemaOf(nullable).optional();
  }
  return shape as unknown as CallbackSchemas;
}

/**
 * A callback or failure-callback report (the JSON QStash posts to callback URLs) as a zod 4
 * schema, for composing larger schemas. Every field runs the check `parseCallback` runs;
 * unknown keys are dropped. Bodies stay base64 here: `parseCallback` also decodes them.
 *
 * @example
 * ```ts
 * import { callbackPayloadSchema } from "@stashkit/core/schemas";
 * const report = callbackPayloadSchema.parse(await request.json());
 * report.status; // number
 * ```
 */
export const callbackPayloadSchema = /* @__PURE__ */ z.object(callbackSchemas());
