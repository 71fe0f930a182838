import { describe, expect, it } from "vitest";
import { decodeBase64Text, duration, prettyBody, relative } from "./format.js";

describe("display formats", () => {
  it("formats durations from sub-millisecond to hours", () => {
    expect(duration(0.42)).toBe("0.4 ms");
    expect(duration(12.4)).toBe("12 ms");
    expect(duration(1500)).toBe("1.50 s");
    expect(duration(185_000)).toBe("3 min 5 s");
    expect(duration(3_900_000)).toBe("1 h 5 min");
  });

  it("says how long ago or how soon", () => {
    expect(relative(1000, 1500)).toBe("now");
    expect(relative(0, 4_000)).toBe("4 s ago");
    expect(relative(130_000, 10_000)).toBe("in 2 min");
  });

  it("pretty-prints JSON bodies and keeps other text as sent", () => {
    expect(prettyBody('{"a":[1]}')).toEqual({ text: '{\n  "a": [\n    1\n  ]\n}', json: true });
    expect(prettyBody("{not json")).toEqual({ text: "{not json", json: false });
  });

  it("decodes base64 that is UTF-8 text, not other bytes", () => {
    expect(decodeBase64Text(btoa("héllo".replace(/é/, "\u00c3\u00a9")))).toBe("héllo");
    expect(decodeBase64Text(btoa("\u00ff\u00fe"))).toBeUndefined();
  });
});
