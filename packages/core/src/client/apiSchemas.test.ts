import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { messageSchema, parseApiResponse, parsePublishResponse, queueSchema } from "./apiSchemas.js";
import { QStashResponseError } from "./clientErrors.js";
import { toQuery } from "./filterQuery.js";

describe("response leniency", () => {
  it("reads integers and their decimal strings alike", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.boolean(), (n, asString) => {
        const text = JSON.stringify({ messageId: "m", createdAt: asString ? String(n) : n });
        expect(parseApiResponse(text, messageSchema).createdAt).toBe(n);
      }),
    );
  });

  it("treats null as absent and applies omitted-field defaults", () => {
    expect(parseApiResponse('{"name":"q","lag":null,"paused":null}', queueSchema)).toEqual({
      name: "q",
      parallelism: 1,
      lag: 0,
      paused: false,
    });
  });

  it("names the missing messageId for any publish answer without one", () => {
    const withoutId = fc.dictionary(
      fc.string().filter((key) => key !== "messageId" && key !== "messages" && key !== "__proto__"),
      fc.jsonValue(),
    );
    fc.assert(
      fc.property(withoutId, (body) => {
        try {
          parsePublishResponse(JSON.stringify(body));
          return false;
        } catch (error) {
          return error instanceof QStashResponseError && error.field === "messageId";
        }
      }),
    );
  });

  it("rejects a messageId of the wrong type as unexpected, not missing", () => {
    expect(() => parsePublishResponse('{"messageId":42}')).toThrow('"messageId" has an unexpected value');
  });
});

describe("toQuery", () => {
  it("repeats array values in order and skips undefined", () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 5 }), fc.option(fc.string(), { nil: undefined }), (labels, url) => {
        const query = toQuery({ label: labels, url });
        expect(query.getAll("label")).toEqual(labels);
        expect(query.has("url")).toBe(url !== undefined);
      }),
    );
  });
});
