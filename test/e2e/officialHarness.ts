// The set-up shared by the suites that drive the official @upstash/qstash SDK: its Client
// pointed at our dev server, its Receiver verifying every delivery (it hashes text bodies).
import { Client, Receiver } from "@upstash/qstash";
import { startE2eHarness } from "./recordingDestination.js";
import type { E2eHarness } from "./recordingDestination.js";

/** The harness plus an official `Client` with its own retries off, so counts stay exact. */
export interface OfficialHarness extends E2eHarness {
  readonly client: Client;
}

/** Starts the dev server, a destination verified by the official `Receiver`, and a `Client`. */
export async function startOfficialHarness(): Promise<OfficialHarness> {
  process.env["UPSTASH_DISABLE_TELEMETRY"] = "1";
  const harness = await startE2eHarness((keys) => {
    const receiver = new Receiver(keys);
    return ({ signature, body, url }) => receiver.verify({ signature, body: body.toString("utf8"), url });
  });
  const client = new Client({ baseUrl: harness.dev.url, token: harness.dev.token, retry: false });
  return { ...harness, client };
}
