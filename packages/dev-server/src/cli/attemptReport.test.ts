import { beforeAll, describe, expect, it } from "vitest";
import { attemptStory, clockTime, describeEvent, failureReason, inTime } from "./attemptReport.js";

const b64 = (text: string) => Buffer.from(text).toString("base64");
const T0 = Date.UTC(2026, 0, 1, 10, 20, 1, 120);

beforeAll(() => {
  process.env["TZ"] = "UTC"; // clockTime prints local time; pin the zone for exact expectations
});

describe("failureReason", () => {
  it("quotes a stashkit JSON error: error and reason, or error and the first issues", () => {
    expect(failureReason({ responseStatus: 401, responseBody: b64('{"error":"invalid signature","reason":"bad_signature"}') })).toBe(
      "401 invalid signature (bad_signature)",
    );
    const issues = [
      { path: "to", message: "Invalid email address" },
      { path: "", message: "too big" },
      { path: "x", message: "more" },
    ];
    expect(failureReason({ responseStatus: 489, responseBody: b64(JSON.stringify({ error: "invalid payload", issues })) })).toBe(
      "489 invalid payload (to: Invalid email address; too big, +1 more)",
    );
    expect(failureReason({ responseStatus: 500, responseBody: b64('{"error":"internal error"}') })).toBe("500 internal error");
  });

  it("otherwise shows the first bytes of the body on one line, quoted, or the status text", () => {
    expect(failureReason({ responseStatus: 502, responseBody: b64("<html>\n  Bad gateway\n</html>") })).toBe('502 "<html> Bad gateway </html>"');
    const long = failureReason({ responseStatus: 500, responseBody: b64("x".repeat(500)) });
    expect(long).toBe(`500 "${"x".repeat(80)}…"`);
    expect(failureReason({ responseStatus: 503 })).toBe("503 Service Unavailable");
    expect(failureReason({ responseStatus: 500, responseBody: b64('{"message":"not ours"}') })).toBe('500 "{\\"message\\":\\"not ours\\"}"');
  });

  it("names the network error when no response came", () => {
    expect(failureReason({ error: "connect ECONNREFUSED 127.0.0.1:9" })).toBe("no response: connect ECONNREFUSED 127.0.0.1:9");
  });
});

describe("attempt lines", () => {
  const base = { time: T0, messageId: "msg_1", url: "http://localhost:3000/api/send-email", method: "POST", kind: "message", maxRetries: 3 };

  it("a retry says which attempt failed, why, and when the next one is due", () => {
    const event = { ...base, state: "RETRY", retried: 1, nextDeliveryTime: T0 + 1000, responseStatus: 500, responseBody: b64('{"error":"internal error"}') };
    expect(describeEvent(event)).toBe(
      "10:20:01.120 RETRY     msg_1 POST http://localhost:3000/api/send-email attempt 1/4 failed: 500 internal error; next attempt 2/4 at 10:20:02.120 (in 1.0 s)",
    );
  });

  it("a delivery, a final failure (non-retryable or out of retries) and a callback", () => {
    expect(describeEvent({ ...base, state: "DELIVERED", retried: 1, responseStatus: 200 })).toMatch(/DELIVERED msg_1 POST \S+ attempt 2\/4 delivered \(200\)$/);
    const failed = { ...base, state: "FAILED", responseStatus: 489, responseBody: b64('{"error":"no such mailbox"}') };
    expect(attemptStory({ ...failed, retried: 0 }).outcome).toBe("failed: 489 no such mailbox; not retryable: moved to the DLQ");
    expect(attemptStory({ ...failed, retried: 3, responseStatus: 500 }).outcome).toMatch(/^failed: 500 .*; no retries left: moved to the DLQ$/);
    expect(describeEvent({ ...base, kind: "failureCallback", url: "http://x/on-failed", state: "DELIVERED", retried: 0, responseStatus: 200 })).toContain(
      "failure callback POST http://x/on-failed attempt 1/4 delivered (200)",
    );
  });

  it("prints nothing for state changes that end no attempt", () => {
    for (const state of ["CREATED", "ACTIVE", "ERROR", "CANCEL_REQUESTED"]) expect(describeEvent({ ...base, state, retried: 0 })).toBeUndefined();
    expect(describeEvent({ ...base, state: "CANCELLED", retried: 0 })).toMatch(/CANCELLED msg_1 POST \S+ cancelled$/);
  });

  it("waits and times read naturally", () => {
    expect([inTime(250), inTime(1000), inTime(61_000), inTime(2 * 3600_000 + 60_000)]).toEqual(["in 250 ms", "in 1.0 s", "in 1 min 1 s", "in 2 h 1 min"]);
    expect(clockTime(T0)).toBe("10:20:01.120");
  });
});
