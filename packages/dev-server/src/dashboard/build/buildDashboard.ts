// Bundles the dashboard page (./ui) into static files at package build time; run by cli.ts
// after the library build. Preact is bundled into app.js, so it is a devDependency: installing the
// package adds no runtime dependency.
import { copyFile, mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { build } from "esbuild";

/** Where the page's sources are and where the built files go. */
export interface DashboardBuildOptions {
  /** Folder of the page's sources (`main.tsx`, `index.html`, `favicon.svg`). */
  uiDir: string;
  /** Output folder (`dist/dashboard`). */
  outDir: string;
}

/**
 * Writes `index.html`, `app.js`, `app.css` and `favicon.svg` (minified, no source maps).
 *
 * @param options - Source and output folders, relative to the working directory.
 * @throws Error from esbuild when a source does not compile.
 * @example
 * ```ts
 * await buildDashboard({ uiDir: "src/dashboard/ui", outDir: "dist/dashboard" });
 * ```
 */
export async function buildDashboard(options: DashboardBuildOptions): Promise<void> {
  const uiDir = resolve(options.uiDir);
  const outDir = resolve(options.outDir);
  await mkdir(outDir, { recursive: true });
  await build({
    entryPoints: { app: join(uiDir, "main.tsx") },
    outdir: outDir,
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    jsx: "automatic",
    jsxImportSource: "preact",
    legalComments: "eof",
    logLevel: "warning",
  });
  await copyFile(join(uiDir, "index.html"), join(outDir, "index.html"));
  await copyFile(join(uiDir, "favicon.svg"), join(outDir, "favicon.svg"));
}
