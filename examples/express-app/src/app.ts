import express from "express";
import type { Express } from "express";
import { DEV_SERVER_CREDENTIALS } from "@stashkit/core/testing";
import { stashkit } from "@stashkit/express";
import { definitions, onAppEvent } from "./routes.js";
import type { AppEvent } from "./routes.js";

export interface CreateAppOptions {
  /** @default QSTASH_CURRENT_SIGNING_KEY, else the dev server's key */
  currentSigningKey?: string;
  /** @default QSTASH_NEXT_SIGNING_KEY, else the dev server's key */
  nextSigningKey?: string;
  /** Public origin QStash calls, when behind a proxy or tunnel. */
  publicBaseUrl?: string;
  /** Receives every handler event (the demo prints them). */
  onEvent?: (event: AppEvent) => void;
  /**
   * Receives the error behind every 500.
   * @default one `console.warn` line with the error's message
   */
  onError?: (error: unknown) => void;
}

/**
 * Builds the example Express app without listening, so a script can start it in-process.
 *
 * @example
 * ```ts
 * const { app, events, close } = createApp({ onEvent: console.log });
 * app.listen(3000);
 * ```
 */
export function createApp(options: CreateAppOptions = {}): { app: Express; events: AppEvent[]; close: () => void } {
  const events: AppEvent[] = [];
  const unsubscribe = onAppEvent((event) => {
    events.push(event);
    options.onEvent?.(event);
  });
  const app = express();
  app.use(
    stashkit(definitions, {
      currentSigningKey: signingKey(options.currentSigningKey, "QSTASH_CURRENT_SIGNING_KEY", DEV_SERVER_CREDENTIALS.currentSigningKey),
      nextSigningKey: signingKey(options.nextSigningKey, "QSTASH_NEXT_SIGNING_KEY", DEV_SERVER_CREDENTIALS.nextSigningKey),
      ...(options.publicBaseUrl ? { publicBaseUrl: options.publicBaseUrl } : {}),
      // The demo fails on purpose; one line per 500 instead of a stack trace.
      onError: options.onError ?? ((error) => console.warn("[handler error → 500]", error instanceof Error ? error.message : error)),
    }),
  );
  // Ordinary routes can parse JSON: stashkit above already read its own raw bodies.
  app.use(express.json());
  app.get("/api/events", (_req, res) => void res.json(events));
  app.get("/", (_req, res) => void res.json({ endpoints: definitions.map((d) => d.path) }));
  return { app, events, close: unsubscribe };
}

// The dev server's keys are public: anyone could sign with them. Falling back to them is a
// convenience for local runs only, never in production.
function signingKey(explicit: string | undefined, variable: string, devKey: string): string {
  const value = explicit ?? process.env[variable];
  if (value) return value;
  if (process.env["NODE_ENV"] === "production") throw new Error(`${variable} is not set; refusing to fall back to the public dev-server key`);
  return devKey;
}
