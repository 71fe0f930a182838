import { existsSync, readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Static files of the page, by URL name (the only ones served: no path ever reaches the disk). */
const FILES: Record<string, { file: string; type: string }> = {
  "app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "app.css": { file: "app.css", type: "text/css; charset=utf-8" },
  "favicon.svg": { file: "favicon.svg", type: "image/svg+xml" },
};

/** Where the page's token goes in the built `index.html`. */
export const TOKEN_PLACEHOLDER = "%STASHKIT_TOKEN%";

// The page talks to this server only; nothing else may load, frame or be framed.
const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
};

const MISSING_PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>stashkit dev</title>
<p>The dashboard's files are missing from this build of @stashkit/dev-server (<code>dist/dashboard/</code>).
Run <code>npm run build</code> in the package. The API works as usual.</p></html>`;

/**
 * The built page's folder: `dist/dashboard/` of the package this module belongs to, found by
 * walking up to its `package.json` (the same from `dist/` once installed and from `src/` in tests).
 *
 * @param start - Folder to start from. @default this module's folder
 * @returns The folder, or `undefined` when no package is found (e.g. the server was bundled).
 */
export function findAssetDirectory(start = dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name === "@stashkit/dev-server") {
          return join(dir, "dist", "dashboard");
        }
      } catch {
        // An unreadable manifest belongs to some other package: keep walking up.
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function escapeAttribute(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Serves the dashboard's built files from memory (read once, on first use).
 *
 * @example
 * ```ts
 * const assets = new DashboardAssets(findAssetDirectory());
 * assets.sendPage(res, token);
 * ```
 */
export class DashboardAssets {
  readonly #dir: string | undefined;
  readonly #cache = new Map<string, Buffer | undefined>();

  /** @param dir - Folder of the built files; `undefined` serves a page saying they are missing. */
  constructor(dir: string | undefined) {
    this.#dir = dir;
  }

  /**
   * Writes the page, with the API token in its `stashkit-token` meta tag.
   * @param res - The response.
   * @param token - Token for the page's API calls; `undefined` makes the page ask for it.
   */
  sendPage(res: ServerResponse, token: string | undefined): void {
    const template = this.#read("index.html")?.toString("utf8");
    const html = template === undefined ? MISSING_PAGE : template.replace(TOKEN_PLACEHOLDER, escapeAttribute(token ?? ""));
    res.writeHead(200, { ...PAGE_HEADERS, "content-length": Buffer.byteLength(html) });
    res.end(html);
  }

  /**
   * Writes one static file, or a 404 JSON error for an unknown name.
   * @param res - The response.
   * @param name - URL name, e.g. `app.js`.
   */
  sendFile(res: ServerResponse, name: string): void {
    const known = Object.hasOwn(FILES, name) ? FILES[name] : undefined;
    const body = known === undefined ? undefined : this.#read(known.file);
    if (known === undefined || body === undefined) {
      const text = JSON.stringify({ error: "not found" });
      res.writeHead(404, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
      res.end(text);
      return;
    }
    res.writeHead(200, {
      "content-type": known.type,
      "content-length": body.length,
      "cache-control": "no-cache",
      "x-content-type-options": "nosniff",
    });
    res.end(body);
  }

  #read(file: string): Buffer | undefined {
    if (!this.#cache.has(file)) {
      let body: Buffer | undefined;
      try {
        body = this.#dir === undefined ? undefined : readFileSync(join(this.#dir, file));
      } catch {
        body = undefined;
      }
      this.#cache.set(file, body);
    }
    return this.#cache.get(file);
  }
}
