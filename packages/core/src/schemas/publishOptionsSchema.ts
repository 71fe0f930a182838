import { z } from "zod";
import {
  PUBLISH_FIELDS,
  REQUIRED_OPTIONS,
  type OptionCheck,
  type ParsedPublishOptions,
  type PublishOptions,
} from "../publish/publishOptions.js";
import { requiredSchemaOf, schemaOf } from "./schemaOf.js";

type OptionSchemas = {
  [K in keyof PublishOptions]-?: undefined extends PublishOptions[K]
    ? z.ZodOptional<z.ZodType<NonNullable<ParsedPublishOptions[K]>, NonNullable<PublishOptions[K]>>>
    : z.ZodType<ParsedPublishOptions[K], PublishOptions[K]>;
};

function optionSchemas(): OptionSchemas {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, check] of Object.entries(PUBLISH_FIELDS) as Array<[string, OptionCheck<unknown>]>) {
    const missing = REQUIRED_OPTIONS[name];
    shape[name] = missing === undefined ? schemaOf(check).optional() : requiredSchemaOf(check, missing);
  }
  return shape as unknown as OptionSchemas;
}

/**
 * Options of a publish or enqueue request as a zod 4 schema, for users who compose schemas
 * (wrappers, forms, config files). Every field runs exactly the check `buildPublishRequest`
 * runs, so a value this schema accepts is one the builder accepts, with the same messages
 * (as zod issues, path included). Unknown keys are refused.
 *
 * @example
 * ```ts
 * import { publishOptionsSchema } from "@stashkit/core/schemas";
 * const parsed = publishOptionsSchema.parse({ token, destination: "https://x.dev/hook", delay: "2m" });
 * parsed.delay; // 120 (seconds)
 * const extended = publishOptionsSchema.extend({ tenant: z.string() }); // for your own wrappers
 * ```
 */
export const publishOptionsSchema = /* @__PURE__ */ z.strictObject(optionSchemas(), { error: "must be an object" });
