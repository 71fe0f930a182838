// npm run demo: the embedded dev server (a local QStash), the Express example app and a producer
// in one process. The jobs run one after the other, so each job's story (publish, attempts,
// retries, callbacks, dead-letter queue) prints as one block, in order; then two requests show
// what never reaches a handler: a forged signature (401) and a payload that fails the schema (489).
//
//   npm run demo                                   runs until Ctrl-C (the server stays open)
//   npm run demo -- --once                         exits once the scripted jobs settle
//   STASHKIT_DEMO_EXIT_WHEN_DONE=1 npm run demo    same as --once
//   STASHKIT_DEMO_PORT=0 npm run demo              dev server port (default 8080, else a free one)
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Client } from "@stashkit/core";
import { buildDeliveryRequest } from "@stashkit/core/testing";
import { startDevServer } from "@stashkit/dev-server";
import type { DevServer, LogObject } from "@stashkit/dev-server";
import { createApp } from "../examples/express-app/src/app.js";
import type { AppEvent } from "../examples/express-app/src/routes.js";
import { sendEmail } from "../examples/express-app/src/routes.js";
import { attemptStory, clockTime, failureReason } from "../packages/dev-server/src/cli/attemptReport.js";

const once = process.argv.includes("--once") || process.env["STASHKIT_DEMO_EXIT_WHEN_DONE"] === "1";
const preferredPort = Number(process.env["STASHKIT_DEMO_PORT"] ?? 8080);
/** Short so the failing job reaches the DLQ within a few seconds. */
const RETRY_DELAY = "400 * (1 + retried)";

const tty = process.stdout.isTTY === true;
const paint = (code: number) => (text: string) => (tty ? `\x1b[${code}m${text}\x1b[0m` : text);
const bold = paint(1);
const dim = paint(2);
const green = paint(32);
const red = paint(31);
const yellow = paint(33);
const magenta = paint(35);

const WHO: Record<string, string> = { message: "message", callback: "callback", failureCallback: "failure cb" };

/** One line of the current job's story: time, who speaks, what happened. */
function line(time: number, who: string, text: string): void {
  console.log(`  ${dim(clockTime(time))}  ${who.padEnd(11)}  ${text}`);
}

function pathOf(url: unknown): string {
  try {
    return new URL(String(url)).pathname;
  } catch {
    return String(url);
  }
}

/** The dev server's side of the story: publishing and the end of every attempt. */
function onServerEvent(event: LogObject): void {
  const who = WHO[String(event["kind"])] ?? "message";
  const time = Number(event["time"]);
  if (event["state"] === "CREATED") {
    // A callback is created in the same instant as the attempt it reports on ends, and its own
    // attempt line follows: its creation would only interrupt the story.
    if (event["kind"] !== "message") return;
    return line(time, who, `published → ${String(event["method"] ?? "POST")} ${pathOf(event["url"])} (${String(event["messageId"])})`);
  }
  const { attempt, outcome } = attemptStory(event);
  if (outcome === undefined) return;
  const colour = event["state"] === "DELIVERED" ? green : event["state"] === "RETRY" ? yellow : red;
  line(time, who, colour(`${attempt} ${outcome}`.trim()));
}

/** The app's side: what its handlers did. */
function onAppEvent(event: AppEvent): void {
  const d = event.detail;
  const time = Date.parse(event.at);
  switch (event.type) {
    case "delivered":
      return line(time, "app", magenta(`handler sent the email to ${String(d["to"])}`));
    case "attempt-failed":
      return line(time, "app", magenta("handler threw (smtp relay unavailable): answering 500 so QStash retries"));
    case "callback":
      return line(time, "app", magenta(`callback handler: the destination answered ${String(d["status"])}`));
    case "failure-callback":
      return line(time, "app", magenta(`failure callback handler: gave up on ${String(d["to"])}, DLQ entry ${String(d["dlqId"])}`));
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

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

async function main(): Promise<void> {
  const dev = await startDev();
  const client = new Client({ baseUrl: dev.url, token: dev.token });
  dev.on("event", onServerEvent);

  const { app, close: unsubscribe } = createApp({
    currentSigningKey: dev.currentSigningKey,
    nextSigningKey: dev.nextSigningKey,
    onEvent: onAppEvent,
    // The app event above already tells the story of each 500; no second line on stderr.
    onError: () => {},
  });
  const server = createServer(app);
  const appUrl = await listen(server);
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

  console.log(bold("stashkit demo: a local QStash delivering signed jobs to the Express example app"));
  console.log(`QStash dev server  ${dev.url}`);
  console.log(`Dashboard:         ${dev.url}/`);
  console.log(`Express example    ${appUrl}  (POST /api/send-email, /api/on-delivered, /api/on-failed)`);

  const jobs = [
    { title: "welcome email: delivered on the first attempt, then its callback", payload: { to: "ada@example.com", subject: "Welcome" } },
    { title: "reminder: the first attempt fails, QStash retries, the second succeeds", payload: { to: "alan@example.com", subject: "Reminder", failAttempts: 1 } },
    { title: "receipt: every attempt fails, so it ends in the dead-letter queue", payload: { to: "grace@example.com", subject: "Receipt", failAttempts: 99 } },
  ];
  for (const [index, job] of jobs.entries()) {
    console.log("");
    console.log(bold(`Job ${index + 1} of ${jobs.length}: ${job.title}`));
    await client.send(sendEmail, job.payload, { appUrl, retries: 2, retryDelay: RETRY_DELAY });
    await dev.idle();
  }

  console.log("");
  console.log(bold("Two requests no handler ever sees"));
  // A forger knows the URL and the payload shape, but not the signing key.
  const forged = await fetch(await buildDeliveryRequest(sendEmail, { to: "ada@example.com", subject: "Free money" }, { baseUrl: appUrl, key: "sig_not_the_real_key" }));
  const forgedWhy = "the signature is checked over the exact bytes before any handler runs, and this one was made with the wrong key";
  line(Date.now(), "forged", `${red(failureReason({ responseStatus: forged.status, responseBody: Buffer.from(await forged.arrayBuffer()).toString("base64") }))}: ${forgedWhy}`);
  // A producer that skipped validation publishes a bad payload; QStash really delivers it.
  await client.publishJSON({ destination: `${appUrl}${sendEmail.path}`, body: { to: "not-an-email", subject: "Hi" }, retries: 2 });
  await dev.idle();
  line(Date.now(), "bad payload", "489 tells QStash that retrying cannot help (the payload fails the schema), so it skips the retries and goes straight to the DLQ");

  const { messages } = await client.dlq.list();
  console.log("");
  console.log(`All jobs settled; the DLQ holds ${messages.length} entr${messages.length === 1 ? "y" : "ies"} (the receipt and the bad payload).`);
  if (once) return shutdown(0);
  console.log(`Still running: open the dashboard at ${dev.url}/, or publish more with QSTASH_URL=${dev.url} STASHKIT_APP_URL=${appUrl}. Ctrl-C to stop.`);
}

main().catch((error: unknown) => {
  console.error("demo failed:", error);
  process.exit(1);
});
