import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Scheduler } from "./scheduler.js";

describe("Scheduler", () => {
  it("runs callbacks in due order and skips cancelled ones (any insertion order)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(30), fc.boolean()), { minLength: 1, maxLength: 40 }), async (items) => {
        const scheduler = new Scheduler();
        const base = Date.now();
        const ran: number[] = [];
        const handles = items.map(([offset], i) => scheduler.at(base + offset, () => ran.push(i)));
        items.forEach(([, cancel], i) => cancel && scheduler.cancel(handles[i]!));
        await new Promise((resolve) => setTimeout(resolve, 60));
        const expected = items
          .map(([offset, cancel], i) => ({ offset, cancel, i }))
          .filter((x) => !x.cancel)
          .sort((a, b) => a.offset - b.offset || 0)
          .map((x) => x.offset);
        expect(ran.map((i) => items[i]![0])).toEqual(expected);
        expect(scheduler.size).toBe(0);
        scheduler.close();
      }),
      { numRuns: 25 },
    );
  });

  it("keeps firing after a callback throws, reporting the error", async () => {
    const errors: unknown[] = [];
    const scheduler = new Scheduler(Date.now, (error) => errors.push(error));
    const ran: string[] = [];
    scheduler.at(Date.now(), () => {
      throw new Error("bad");
    });
    scheduler.at(Date.now() + 1, () => ran.push("after"));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(ran).toEqual(["after"]);
    expect(errors).toHaveLength(1);
    scheduler.close();
  });

  it("close() drops everything pending", async () => {
    const scheduler = new Scheduler();
    let ran = false;
    scheduler.at(Date.now() + 5, () => (ran = true));
    scheduler.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ran).toBe(false);
    expect(scheduler.size).toBe(0);
  });

  it("handles delays beyond setTimeout's 2^31 ms limit without firing early", async () => {
    const scheduler = new Scheduler();
    let ran = false;
    scheduler.at(Date.now() + 30 * 24 * 60 * 60 * 1000, () => (ran = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ran).toBe(false);
    scheduler.close();
  });
});
