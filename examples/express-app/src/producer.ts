// Publishes one email through QStash (or the local dev server) with a typed `send`.
// Only the *type* of the destination is imported: the handler code is not loaded here.
//   QSTASH_URL=http://127.0.0.1:8080 STASHKIT_APP_URL=http://localhost:3000 npm run produce -w @stashkit/example-express
import { Client, destinationRef } from "@stashkit/core";
import type { sendEmail } from "./routes.js";

const DEV_TOKEN = "eyJVc2VySUQiOiJkZWZhdWx0VXNlciIsIlBhc3N3b3JkIjoiZGVmYXVsdFBhc3N3b3JkIn0=";

const client = new Client({
  token: process.env["QSTASH_TOKEN"] ?? DEV_TOKEN,
  baseUrl: process.env["QSTASH_URL"] ?? "http://127.0.0.1:8080",
  appUrl: process.env["STASHKIT_APP_URL"] ?? `http://localhost:${process.env["PORT"] ?? 3000}`,
});

// The ref carries what the type import cannot: the path and the callbacks to wire.
const sendEmailRef = destinationRef<typeof sendEmail>("/api/send-email", {
  retries: 2,
  retryDelay: "1000 * (1 + retried)",
  callback: "/api/on-delivered",
  failureCallback: "/api/on-failed",
});

const { messageId } = await client.send(sendEmailRef, { to: "ada@example.com", subject: "Welcome", failAttempts: 1 });
console.log("published", messageId);
