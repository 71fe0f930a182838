import { describe, expect, it } from "vitest";
import type { MessageSummary } from "./messageSummary.js";
import { applyChange, filterFromQuery, matchesFilter } from "./messageSummary.js";

const created: MessageSummary = {
  id: "msg_a",
  kind: "message",
  state: "CREATED",
  url: "http://127.0.0.1:3000/orders",
  method: "POST",
  labels: ["orders"],
  createdAt: 1,
  updatedAt: 1,
  attempts: 0,
};

describe("applyChange", () => {
  it("creates the row, counts attempts, keeps the last status or error and the next retry", () => {
    const rows = new Map<string, MessageSummary>();
    applyChange(rows, { seq: 1, id: "msg_a", state: "CREATED", time: 1, summary: created });
    applyChange(rows, { seq: 2, id: "msg_a", state: "ACTIVE", time: 2 });
    applyChange(rows, { seq: 3, id: "msg_a", state: "RETRY", time: 3, error: "ECONNREFUSED", next: 50 });
    expect(rows.get("msg_a")).toMatchObject({ state: "RETRY", attempts: 1, lastError: "ECONNREFUSED", nextDeliveryAt: 50 });
    applyChange(rows, { seq: 4, id: "msg_a", state: "ACTIVE", time: 50 });
    applyChange(rows, { seq: 5, id: "msg_a", state: "DELIVERED", time: 51, status: 200 });
    expect(rows.get("msg_a")).toMatchObject({ state: "DELIVERED", attempts: 2, lastStatus: 200, lastError: undefined, nextDeliveryAt: undefined, updatedAt: 51 });
    expect(created.attempts).toBe(0);
  });

  it("ignores changes of messages it never saw created", () => {
    const rows = new Map<string, MessageSummary>();
    expect(applyChange(rows, { seq: 1, id: "msg_b", state: "ACTIVE", time: 1 })).toBeUndefined();
    expect(rows.size).toBe(0);
  });
});

describe("matchesFilter", () => {
  it("matches state (PENDING = not finished), destination or group, exact label, and id or parent id", () => {
    const callback = { ...created, id: "msg_cb", kind: "callback" as const, parentId: "msg_a", topicName: "Orders-Group" };
    expect(matchesFilter(created, filterFromQuery(new URLSearchParams("state=PENDING")))).toBe(true);
    expect(matchesFilter({ ...created, state: "FAILED" }, { state: "PENDING" })).toBe(false);
    expect(matchesFilter(created, { destination: "/ORDERS" })).toBe(true);
    expect(matchesFilter(callback, { destination: "orders-group" })).toBe(true);
    expect(matchesFilter(created, { label: "order" })).toBe(false);
    expect(matchesFilter(callback, { messageId: "msg_a" })).toBe(true);
    expect(matchesFilter(created, filterFromQuery(new URLSearchParams("messageId=%20&label=")))).toBe(true);
  });
});
