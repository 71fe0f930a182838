import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Fifo } from "./fifo.js";

describe("Fifo", () => {
  it("behaves like an array queue under any mix of push, shift and remove", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant("push"), fc.constant("shift"), fc.nat(50)), { maxLength: 3000 }), (ops) => {
        const fifo = new Fifo<{ n: number }>();
        const model: { n: number }[] = [];
        let next = 0;
        for (const op of ops) {
          if (op === "push") {
            const item = { n: next++ };
            fifo.push(item);
            model.push(item);
          } else if (op === "shift") {
            expect(fifo.shift()).toBe(model.shift());
          } else if (model.length > 0) {
            const [item] = model.splice(op % model.length, 1);
            expect(fifo.remove(item!)).toBe(true);
            expect(fifo.remove(item!)).toBe(false);
          }
          expect(fifo.length).toBe(model.length);
        }
        expect([...fifo]).toEqual(model);
      }),
      { numRuns: 50 },
    );
  });

  it("does not keep removed items reachable when the head never moves", () => {
    const fifo = new Fifo<object>();
    const items = Array.from({ length: 10_000 }, () => ({}));
    for (const item of items) fifo.push(item);
    for (const item of items.slice(0, 9_990)) fifo.remove(item);
    expect([...fifo]).toHaveLength(10);
    expect(fifo.slots).toBeLessThan(2_100);
  });
});
