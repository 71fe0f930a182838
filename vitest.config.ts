import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import SummaryReporter from "./scripts/summaryReporter.js";

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Tests run against package sources so a change is tested without a rebuild;
// the Next.js end-to-end suite builds the example app against dist on its own.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@stashkit\/core\/testing$/, replacement: src("./packages/core/src/testing/index.ts") },
      { find: /^@stashkit\/core\/node$/, replacement: src("./packages/core/src/node/index.ts") },
      { find: /^@stashkit\/core\/schemas$/, replacement: src("./packages/core/src/schemas/index.ts") },
      { find: /^@stashkit\/core$/, replacement: src("./packages/core/src/index.ts") },
      { find: /^@stashkit\/next$/, replacement: src("./packages/next/src/index.ts") },
      { find: /^@stashkit\/express$/, replacement: src("./packages/express/src/index.ts") },
      { find: /^@stashkit\/dev-server$/, replacement: src("./packages/dev-server/src/index.ts") },
    ],
  },
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts"],
    reporters: ["default", new SummaryReporter()],
    testTimeout: 20_000,
    hookTimeout: 240_000,
    env: { TURBO_TELEMETRY_DISABLED: "1", NEXT_TELEMETRY_DISABLED: "1" },
  },
});
