// The official SDK's dev mode (QSTASH_DEV=1): `new Client()` probes GET /v2/keys on
// 127.0.0.1:QSTASH_DEV_PORT and must adopt our server instead of downloading its binary.
// Its own file, because the SDK caches the probe result per module instance.
import { startDevServer } from "@stashkit/dev-server";
import type { DevServer } from "@stashkit/dev-server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startRecordingDestination } from "./recordingDestination.js";
import type { RecordingDestination } from "./recordingDestination.js";
import { SETTLE_MS, sleep } from "./waitFor.js";

const saved = { dev: process.env["QSTASH_DEV"], port: process.env["QSTASH_DEV_PORT"] };
let dev: DevServer;
let dest: RecordingDestination;

beforeAll(async () => {
  process.env["UPSTASH_DISABLE_TELEMETRY"] = "1";
  dev = await startDevServer({ port: 0 });
  process.env["QSTASH_DEV"] = "1";
  process.env["QSTASH_DEV_PORT"] = String(dev.port);
  // Dev mode makes the official Receiver use the dev keys, whatever it is given.
  const { Receiver } = await import("@upstash/qstash");
  const receiver = new Receiver({ currentSigningKey: "unused", nextSigningKey: "unused" });
  dest = await startRecordingDestination(({ signature, body, url }) =>
    receiver.verify({ signature, body: body.toString("utf8"), url }),
  );
});

afterAll(async () => {
  for (const [name, value] of [
    ["QSTASH_DEV", saved.dev],
    ["QSTASH_DEV_PORT", saved.port],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await dev?.close();
  await dest?.close();
});

describe("official SDK dev mode", () => {
  it("adopts the running dev server (no binary download) and deliveries arrive signed with the dev keys", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      const { Client } = await import("@upstash/qstash");
      const client = new Client();
      const result = await client.publishJSON({ url: `${dest.url}/dev-mode`, body: { dev: true } });
      expect(result.messageId).toBeTruthy();
      const deliveries = await dest.waitFor("/dev-mode", 1);
      await sleep(SETTLE_MS);
      expect(deliveries).toHaveLength(1);
      expect(deliveries[0]!.signatureValid).toBe(true);
      expect(JSON.parse(deliveries[0]!.text)).toEqual({ dev: true });
      // The SDK prints this only when its /v2/keys probe accepted an already running server;
      // otherwise it would try to download and spawn its own binary.
      const printed = log.mock.calls.map((args) => args.join(" ")).join("\n");
      expect(printed).toContain(`Server already running at http://127.0.0.1:${dev.port}`);
      expect(printed).not.toMatch(/download/i);
    } finally {
      log.mockRestore();
    }
  });
});
