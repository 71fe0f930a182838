import { InvalidOptionError } from "../errors.js";
import type { ClientOptions } from "./client.js";

// `new Client(options)` refuses names it does not know, as the publish builder does: a
// misspelt option silently ignored is a bug found in production. The official SDK's own
// client options get a sentence saying what to do instead.

const KNOWN: { readonly [K in keyof Required<ClientOptions>]: true } = {
  token: true,
  baseUrl: true,
  fetch: true,
  retry: true,
  timeout: true,
  appUrl: true,
};

const OFFICIAL_NAMES: Readonly<Record<string, string>> = {
  headers: "stashkit sets headers per message: pass `headers` to publish",
  enableTelemetry: "stashkit sends no telemetry: remove it",
  devMode: "start the dev server (`npx stashkit dev`) and pass the URL it prints as `baseUrl`",
};

/**
 * Checks the shape of `Client` options before any value is resolved.
 * @throws {InvalidOptionError} `ERR_INVALID_OPTION` for a non-object, an unknown option, or a
 *   `fetch` / `appUrl` of the wrong type.
 */
export function checkClientOptions(options: unknown): asserts options is ClientOptions {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new InvalidOptionError("options", "must be an object");
  }
  for (const name of Object.keys(options)) {
    if (Object.hasOwn(KNOWN, name)) continue;
    const hint = OFFICIAL_NAMES[name];
    throw new InvalidOptionError(name, hint === undefined ? "is not a known option" : `is not a known option: ${hint}`);
  }
  const { fetch, appUrl } = options as ClientOptions;
  if (fetch !== undefined && typeof fetch !== "function") throw new InvalidOptionError("fetch", "must be a function");
  if (appUrl !== undefined && typeof appUrl !== "string") throw new InvalidOptionError("appUrl", "must be a string");
}
