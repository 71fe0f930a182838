// A route module as an app would write it; send.test.ts imports it with `import type` only,
// proving that a producer gets a typed `send` without bundling the handler.
import { z } from "zod";
import { defineDestination } from "./defineDestination.js";

export const fixtureSendEmail = defineDestination({
  path: "/api/send-email",
  schema: z.object({ to: z.email(), subject: z.string(), attempts: z.number().int().default(1) }),
  handler: ({ payload }) => ({ sentTo: payload.to }),
});
