// Runs after the library build (the package's `build` script): writes the dashboard page into
// dist/dashboard, where staticAssets.ts finds it.
import { buildDashboard } from "./buildDashboard.js";

await buildDashboard({ uiDir: "src/dashboard/ui", outDir: "dist/dashboard" });
