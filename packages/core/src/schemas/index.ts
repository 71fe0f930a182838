// Public entry of @stashkit/core/schemas: zod schemas of stashkit's own inputs, for users who
// compose schemas. The only entry that imports zod (an optional peer dependency): the other
// entries validate with plain code. Every export is listed by name.

export { publishOptionsSchema } from "./publishOptionsSchema.js";
export { callbackPayloadSchema } from "./callbackPayloadSchema.js";
