import { describe, expectTypeOf, it } from "vitest";
import type { PublishResult } from "./apiSchemas.js";
import type { PublishResponse } from "./client.js";

// Checked by `tsc` (npm run typecheck); the runtime assertions are no-ops.
describe("PublishResponse", () => {
  it("is a single result for URLs, including template-literal URLs", () => {
    const origin: string = "https://app.example.com";
    const destination = `${origin}/api/job` as const;
    expectTypeOf<PublishResponse<"https://example.com/hook">>().toEqualTypeOf<PublishResult>();
    expectTypeOf<PublishResponse<typeof destination>>().toEqualTypeOf<PublishResult>();
    expectTypeOf<PublishResponse<"api/llm">>().toEqualTypeOf<PublishResult>();
  });

  it("is an array for URL-group names and a union for plain strings", () => {
    expectTypeOf<PublishResponse<"my-group">>().toEqualTypeOf<PublishResult[]>();
    expectTypeOf<PublishResponse<string>>().toEqualTypeOf<PublishResult | PublishResult[]>();
  });
});
