import { z } from "zod";
import { Problem } from "../lib/problem.js";

/**
 * A zod schema that runs one of stashkit's own checks: the values it accepts, and the message
 * and path of every issue, are exactly the plain validator's.
 */
export function schemaOf<Out, In = Out>(check: (value: unknown) => Out): z.ZodType<Out, In> {
  return z.unknown().transform((value, ctx) => {
    try {
      return check(value);
    } catch (error) {
      if (!(error instanceof Problem)) throw error;
      ctx.addIssue({ code: "custom", message: error.message, path: [...error.path] });
      return z.NEVER;
    }
  }) as unknown as z.ZodType<Out, In>;
}

/** `schemaOf` for a field that must be present: `missing` is the issue for an absent value. */
export function requiredSchemaOf<Out, In = Out>(check: (value: unknown) => Out, missing: string): z.ZodType<Out, In> {
  return schemaOf((value) => {
    if (value === undefined) throw new Problem([], missing);
    return check(value);
  });
}
