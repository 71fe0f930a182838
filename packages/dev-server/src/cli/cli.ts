#!/usr/bin/env node
import { parseArgs } from "node:util";
import { startDevServer } from "../startDevServer.js";
import { describeEvent } from "./attemptReport.js";
import { startFailureMessage } from "./startFailure.js";
import { startupBanner } from "./startupBanner.js";

const USAGE = `Usage: stashkit dev [--port 8080] [--host 127.0.0.1] [--allowed-host NAME] [--allowed-origin URL] [--quiet]

Starts a local QStash-compatible server (in memory; state is lost on exit).
  --port, -p        port to listen on (0 = any free port; default $QSTASH_DEV_PORT or 8080)
  --host            interface to listen on (default 127.0.0.1)
  --allowed-host    a Host name that may reach the server besides loopback and the listen
                    address, e.g. a container's service name (repeatable)
  --allowed-origin  a browser origin that may call the API, e.g. http://localhost:5173 (repeatable)
  --quiet, -q       do not print a line per delivery attempt`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function parsePort(text: string | undefined): { port: number; source: string } {
  const fromEnv = process.env["QSTASH_DEV_PORT"];
  const source = text !== undefined ? "--port" : fromEnv !== undefined ? "QSTASH_DEV_PORT" : "the default";
  const value = text ?? fromEnv ?? "8080";
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) fail(`invalid port: ${value}`);
  return { port, source };
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
        "allowed-host": { type: "string", multiple: true },
        "allowed-origin": { type: "string", multiple: true },
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
  const { port, source } = parsePort(values.port);
  let server;
  try {
    server = await startDevServer({
      port,
      host: values.host,
      allowedHosts: values["allowed-host"] ?? [],
      allowedOrigins: values["allowed-origin"] ?? [],
      logger: { info: () => {}, error: (message, error) => console.error(message, error) },
    });
  } catch (error) {
    process.stderr.write(startFailureMessage(error, port, source));
    process.exit(1);
  }
  // Installed before the "running" line: a supervisor may signal as soon as it reads it.
  const stop = (): void => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  // This process is the server: a rejection nobody handled (a bug in a request path) is
  // logged, and the server keeps serving the developer's other requests. The embedded server
  // installs no such handler, since the process belongs to the user's test runner.
  process.on("unhandledRejection", (reason) => {
    console.error("[stashkit dev] unexpected error; the server keeps running:", reason);
  });
  process.stdout.write(startupBanner(server, process.env["STASHKIT_APP_URL"]));
  if (!values.quiet) {
    server.on("event", (event) => {
      const line = describeEvent(event);
      if (line !== undefined) process.stdout.write(`${line}\n`);
    });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`stashkit dev failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
