// npm run demo: the embedded dev server, the Express example app and a producer in one
// process, with a live log of real signed deliveries, retries, callbacks and the DLQ.
//
//   npm run demo                                   runs until Ctrl-C
//   npm run demo -- --once                         exits once the scripted jobs settle
//   STASHKIT_DEMO_EXIT_WHEN_DONE=1 npm run demo    same as --once
//   STASHKIT_DEMO_PORT=0 npm run demo              dev server port (default 8080, else a free one)
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@stashkit/core";
import { startDevServer } from "@stashkit/dev-server";
import type { DevServer, LogObject } from "@stashkit/dev-server";
import { createApp } from "../examples/express-app/src/app.js";
import type { AppEvent } from "../examples/express-app/src/routes.js";
import { sendEmail } from "../examples/express-app/src/routes.js";

const once = process.argv.includes("--once") || process.env["STASHKIT_DEMO_EXIT_WHEN_DONE"] === "1";
const preferredPort = Number(process.env["STASHKIT_DEMO_PORT"] ?? 8080);
/** Short so the failing job reaches the DLQ within a few seconds. */
const RETRY_DELAY = "400 * (1 + retried)";

const tty = process.stdout.isTTY === true;
const paint = (code: number) => (text: string) => (tty ? `\x1b[${code}m${text}\x1b[0m` : text);
const dim = paint(2);
const green = paint(32);
const red = paint(31);
const yellow = paint(33);
const cyan = paint(36);
const magenta = paint(35);

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 23);
}

function shortId(id: unknown): string {
  const text = String(id ?? "?");
  return text.length > 14 ? `${text.slice(0, 8)}…${text.slice(-4)}` : text;
}

function print(time: number, id: string, text: string): void {
  console.log(`${dim(clock(time))}  ${cyan(id.padEnd(13))}  ${text}`);
}

function pathOf(url: unknown): string {
  try {
    return new URL(String(url)).pathname;
  } catch {
    return String(url);
  }
}

const KIND_LABEL: Record<string, string> = { message: "message", callback: "callback", failureCallback: "failure callback" };

/** One line per state change the dev server reports. */
function describeEvent(event: LogObject, dlqIds: Map<string, string>): string | undefined {
  const kind = KIND_LABEL[String(event["kind"])] ?? "message";
  const retried = Number(event["retried"] ?? 0);
  const total = Number(event["maxRetries"] ?? 0) + 1;
  const attempt = `attempt ${retried + 1}/${total}`;
  const status = event["responseStatus"] === undefined ? String(event["error"] ?? "no response") : `HTTP ${event["responseStatus"]}`;
  switch (event["state"]) {
    case "CREATED":
      // A callback's first attempt follows at once; its creation line would only add noise.
      return event["kind"] === "message" ? `${kind} created → ${event["method"] ?? "POST"} ${pathOf(event["url"])}` : undefined;
    case "ACTIVE":
      return `${kind} ${attempt} → ${pathOf(event["url"])}`;
    case "DELIVERED":
      return green(`${kind} delivered (${status}) on ${attempt}`);
    case "ERROR":
      return red(`${kind} ${attempt} failed: ${status}`);
    case "RETRY": {
      const next = Number(event["nextDeliveryTime"]);
      const wait = Number.isFinite(next) ? `${Math.max(0, next - Number(event["time"]))} ms` : "later";
      return yellow(`${kind} retry in ${wait} (next: attempt ${retried + 1}/${total})`);
    }
    case "FAILED": {
      const dlqId = dlqIds.get(String(event["messageId"]));
      return red(`${kind} failed after ${retried + 1} attempt(s) → DLQ${dlqId ? ` entry ${dlqId}` : ""}`);
    }
    case "CANCELLED":
      return dim(`${kind} cancelled`);
    default:
      return undefined;
  }
}

function describeAppEvent(event: AppEvent): string {
  const d = event.detail;
  switch (event.type) {
    case "delivered":
      return green(`app: handler sent the email to ${d["to"]} (retried ${d["retried"]})`);
    case "attempt-failed":
      return red(`app: handler failed (retried ${d["retried"]}), answering 500 so QStash retries`);
    case "callback":
      return magenta(`app: callback for ${shortId(d["sourceMessageId"])}: destination answered ${d["status"]}`);
    case "failure-callback":
      return magenta(`app: failure callback, message is in the DLQ as ${d["dlqId"]}`);
  }
}

async function startDev(): Promise<DevServer> {
  try {
    return await startDevServer({ port: preferredPort });
  } catch (error) {
    if ((error as { code?: string }).code !== "EADDRINUSE") throw error;
    console.log(dim(`port ${preferredPort} is taken; using a free port instead`));
    return startDevServer({ port: 0 });
  }
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

async function main(): Promise<void> {
  const dev = await startDev();
  const client = new Client({ baseUrl: dev.url, token: dev.token });
  const dlqIds = new Map<string, string>();
  const names = new Map<string, string>();

  dev.on("event", (event) => {
    const id = String(event["messageId"]);
    if (event["state"] === "FAILED" && event["kind"] === "message") {
      // The DLQ id is not part of the event: look it up before printing the line.
      void client.dlq.list({ filter: { messageId: id } }).then(
        ({ messages }) => {
          if (messages[0]) dlqIds.set(id, messages[0].dlqId);
          const line = describeEvent(event, dlqIds);
          if (line) print(Number(event["time"]), shortId(id), line);
        },
        () => print(Number(event["time"]), shortId(id), describeEvent(event, dlqIds) ?? ""),
      );
      return;
    }
    const line = describeEvent(event, dlqIds);
    if (line) print(Number(event["time"]), shortId(id), `${line}${names.has(id) ? dim(`  [${names.get(id)}]`) : ""}`);
  });

  const { app, close: unsubscribe } = createApp({
    currentSigningKey: dev.currentSigningKey,
    nextSigningKey: dev.nextSigningKey,
    onEvent: (event) => print(Date.parse(event.at), "app", describeAppEvent(event)),
  });
  const server = app.listen(0, "127.0.0.1") as Server;
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closing = false;
  const shutdown = async (code: number) => {
    if (closing) return;
    closing = true;
    unsubscribe();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await dev.close();
    process.exit(code);
  };
  process.once("SIGINT", () => void shutdown(0));
  process.once("SIGTERM", () => void shutdown(0));

  console.log(`QStash dev server  ${dev.url}  (QSTASH_URL=${dev.url} QSTASH_TOKEN=${dev.token})`);
  console.log(`Express example    ${appUrl}  (POST /api/send-email, /api/on-delivered, /api/on-failed)`);
  console.log("");

  const jobs = [
    { name: "welcome: succeeds first time", payload: { to: "ada@example.com", subject: "Welcome" } },
    { name: "receipt: fails every attempt → DLQ", payload: { to: "grace@example.com", subject: "Receipt", failAttempts: 99 } },
    { name: "reminder: fails once, then succeeds + callback", payload: { to: "alan@example.com", subject: "Reminder", failAttempts: 1 } },
  ];
  for (const job of jobs) {
    const { messageId } = await client.send(sendEmail, job.payload, { appUrl, retries: 2, retryDelay: RETRY_DELAY });
    names.set(messageId, job.name);
    print(Date.now(), shortId(messageId), `published "${job.name}"`);
  }

  await dev.idle();
  // Let the last handler events and DLQ look-ups print.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const { messages } = await client.dlq.list();
  console.log("");
  console.log(`All scripted jobs settled; the DLQ holds ${messages.length} entr${messages.length === 1 ? "y" : "ies"}.`);
  if (once) return shutdown(0);
  console.log(`Still running: publish more with QSTASH_URL=${dev.url} STASHKIT_APP_URL=${appUrl}. Ctrl-C to stop.`);
}

main().catch((error: unknown) => {
  console.error("demo failed:", error);
  process.exit(1);
});
