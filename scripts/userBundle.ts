// How the benchmarks and tests bundle one import the way an Edge route or a serverless
// bundler sees the published packages: ESM, platform neutral, the edge-light / worker /
// browser / import conditions, minified; `next` stays external (a peer the app provides).
import { build } from "esbuild";

/** A minified bundle and the modules that contributed code to it. */
export interface UserBundle {
  code: Uint8Array;
  /** Input paths (relative to the working directory) with at least one byte in the output. */
  kept: string[];
}

/**
 * Bundles `source` (an ES module, e.g. `export { Receiver } from "@stashkit/core"`),
 * resolving packages from `resolveDir` as a user's project would: through node_modules and
 * the packages' exports maps, never through this repository's tsconfig paths.
 */
export async function bundleLikeAUser(source: string, resolveDir: string): Promise<UserBundle> {
  const result = await build({
    stdin: { contents: source, resolveDir, sourcefile: "entry.js", loader: "js" },
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    conditions: ["edge-light", "worker", "browser", "import"],
    mainFields: ["module", "main"],
    external: ["next", "next/*"],
    minify: true,
    metafile: true,
    logLevel: "silent",
    tsconfigRaw: "{}",
  });
  const output = Object.values(result.metafile.outputs)[0]!;
  const kept = Object.entries(output.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path]) => path);
  return { code: result.outputFiles[0]!.contents, kept };
}
