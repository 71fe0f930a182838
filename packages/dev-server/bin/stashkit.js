#!/usr/bin/env node
// The package's bin. It is committed rather than built so that it exists when npm links bins,
// which in a fresh clone of the repository happens before the build: a bin pointing into dist/
// would be skipped and `npx stashkit` would fall through to the registry.
import { existsSync } from "node:fs";

const cli = new URL("../dist/cli/cli.js", import.meta.url);

if (!existsSync(cli)) {
  process.stderr.write(
    [
      "stashkit: the dev server is not built yet (missing @stashkit/dev-server/dist/cli/cli.js).",
      "In the stashkit repository, run `npm run build` (a first `npm install` builds it too).",
      "Outside it, reinstall the package: `npm install -D @stashkit/dev-server`.",
      "",
    ].join("\n"),
  );
  process.exit(1);
}

await import(cli.href);
