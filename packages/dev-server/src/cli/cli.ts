#!/usr/bin/env node
import { parseArgs } from "node:util";
import type { LogObject } from "../state/events.js";
import { startDevServer } from "../startDevServer.js";

const USAGE = `Usage: stashkit dev [--port 8080] [--host 127.0.0.1] [--quiet]

Starts a local QStash-compatible server (in memory; state is lost on exit).
  --port, -p   port to listen on (0 = any free port; default $QSTASH_DEV_PORT or 8080)
  --host       interface to listen on (default 127.0.0.1)
  --quiet, -q  do not print a line per delivery event`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function parsePort(text: string | undefined): number {
  const value = text ?? process.env["QSTASH_DEV_PORT"] ?? "8080";
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) fail(`invalid port: ${value}`);
  return port;
}

function describe(event: LogObject): string | undefined {
  const state = String(event["state"]);
  if (state === "CREATED" || state === "ACTIVE") return undefined;
  const status = event["responseStatus"] === undefined ? "" : ` status=${String(event["responseStatus"])}`;
  const error = event["error"] === undefined ? "" : ` error=${String(event["error"])}`;
  return `${new Date().toISOString()} ${state.padEnd(9)} ${String(event["messageId"])} ${String(event["url"])}${status}${error}`;
}

/** The official CLI takes Go-style `-port 8080`; accept that spelling too. */
function normalizeArgs(args: string[]): string[] {
  return args.map((arg) => arg.replace(/^-(port|host|quiet|help)(=|$)/, "--$1$2"));
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: normalizeArgs(process.argv.slice(2)),
      allowPositionals: true,
      options: {
        port: { type: "string", short: "p" },
        host: { type: "string" },
        quiet: { type: "boolean", short: "q" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    fail(error instanceof Error ? error.message : "invalid arguments");
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (positionals[0] !== "dev" || positionals.length > 1) fail("unknown command");
  const server = await startDevServer({
    port: parsePort(values.port),
    host: values.host,
    logger: { info: () => {}, error: (message, error) => console.error(message, error) },
  });
  // Installed before the "running" line: a supervisor may signal as soon as it reads it.
  const stop = (): void => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  process.stdout.write(
    [
      `QStash dev server running at ${server.url}`,
      "",
      "Use these environment variables:",
      `QSTASH_URL="${server.url}"`,
      `QSTASH_TOKEN="${server.token}"`,
      `QSTASH_CURRENT_SIGNING_KEY="${server.currentSigningKey}"`,
      `QSTASH_NEXT_SIGNING_KEY="${server.nextSigningKey}"`,
      "",
    ].join("\n") + "\n",
  );
  if (!values.quiet) {
    server.on("event", (event) => {
      const line = describe(event);
      if (line !== undefined) process.stdout.write(`${line}\n`);
    });
  }
}

main().catch((error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code;
  process.stderr.write(code === "EADDRINUSE" ? "port is already in use\n" : `failed to start: ${String(error)}\n`);
  process.exit(1);
});
