import { describe, expect, it } from "vitest";
import { InvalidOptionError, createMemoryReplayStore } from "@stashkit/core";

describe("createMemoryReplayStore", () => {
  it("reports an id as seen only from its second sighting", async () => {
    const store = createMemoryReplayStore({ clock: () => 1_000 });
    expect(await store.seen("a", 5_000)).toBe(false);
    expect(await store.seen("a", 5_000)).toBe(true);
    expect(await store.seen("b", 5_000)).toBe(false);
  });

  it("forgets an id once its token has expired", async () => {
    let now = 1_000;
    const store = createMemoryReplayStore({ clock: () => now });
    await store.seen("a", 2_000);
    now = 1_999;
    expect(await store.seen("a", 2_000)).toBe(true);
    now = 2_000;
    expect(await store.seen("a", 9_000)).toBe(false); // a new token lifetime starts
    expect(await store.seen("a", 9_000)).toBe(true);
  });

  it("evicts the oldest entry when full", async () => {
    const store = createMemoryReplayStore({ maxEntries: 2, clock: () => 0 });
    await store.seen("a", 10);
    await store.seen("b", 10);
    await store.seen("c", 10);
    expect(await store.seen("b", 10)).toBe(true);
    expect(await store.seen("c", 10)).toBe(true);
    expect(await store.seen("a", 10)).toBe(false);
  });

  it("rejects a bad capacity", () => {
    expect(() => createMemoryReplayStore({ maxEntries: 0 })).toThrow(InvalidOptionError);
    expect(() => createMemoryReplayStore({ maxEntries: 1.5 })).toThrow(expect.objectContaining({ option: "maxEntries" }));
  });
});
