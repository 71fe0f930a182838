import { defineConfig } from "tsup";
import { buildDashboard } from "./src/dashboard/build/buildDashboard.js";

export default defineConfig({
  entry: { index: "src/index.ts", cli: "src/cli/cli.ts" },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  target: "es2022",
  sourcemap: true,
  // The dashboard locates its built files from import.meta.url, which the CJS build needs shimmed.
  shims: true,
  onSuccess: () => buildDashboard({ uiDir: "src/dashboard/ui", outDir: "dist/dashboard" }),
});
