import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { errorToResponse, statusOfError } from "./errorStatus.js";
import { MissingSigningKeysError, QStashError, SignatureError } from "../errors.js";
import type { SignatureErrorReason } from "../errors.js";
import {
  BodyAlreadyParsedError,
  BodyTooLargeError,
  NonRetryableError,
  PayloadValidationError,
  RetryAfterError,
} from "./handlerErrors.js";

const reasons: SignatureErrorReason[] = [
  "missing_signature",
  "malformed",
  "bad_signature",
  "expired",
  "not_yet_valid",
  "wrong_issuer",
  "url_mismatch",
  "body_mismatch",
  "replayed",
];

describe("errorToResponse", () => {
  it.each(reasons)("SignatureError %s → 401 { error, reason }", (reason) => {
    const response = errorToResponse(new SignatureError(reason, "no"));
    expect(response.status).toBe(401);
    expect(JSON.parse(response.body)).toEqual({ error: expect.any(String), reason });
  });

  it("schema failure → 489 + non-retryable header, listing the fields", () => {
    const response = errorToResponse(new PayloadValidationError([{ path: "to", message: "Required" }]));
    expect(response.status).toBe(489);
    expect(response.headers["upstash-nonretryable-error"]).toBe("true");
    expect(JSON.parse(response.body).issues).toEqual([{ path: "to", message: "Required" }]);
  });

  it("NonRetryableError → 489 + header, with the handler's message", () => {
    const response = errorToResponse(new NonRetryableError("user deleted"));
    expect(response).toMatchObject({ status: 489, headers: { "upstash-nonretryable-error": "true" } });
    expect(JSON.parse(response.body).error).toBe("user deleted");
  });

  it("RetryAfterError → 429 + Retry-After in whole seconds", () => {
    const response = errorToResponse(new RetryAfterError(2.2));
    expect(response.status).toBe(429);
    expect(response.headers["retry-after"]).toBe("3");
  });

  it("RetryAfterError refuses negative or non-finite seconds", () => {
    expect(() => new RetryAfterError(-1)).toThrow(QStashError);
    expect(() => new RetryAfterError(Number.NaN)).toThrow(QStashError);
  });

  it("BodyTooLargeError → 413 with the limit, closing the connection", () => {
    const response = errorToResponse(new BodyTooLargeError(10));
    expect(response.status).toBe(413);
    expect(response.headers["connection"]).toBe("close");
    expect(JSON.parse(response.body)).toEqual({ error: "payload too large", limit: 10 });
  });

  it("configuration errors → 500 with their code, so the fix is visible", () => {
    expect(JSON.parse(errorToResponse(new MissingSigningKeysError()).body).code).toBe("ERR_MISSING_SIGNING_KEYS");
    const parsed = errorToResponse(new BodyAlreadyParsedError());
    expect(parsed.status).toBe(500);
    expect(JSON.parse(parsed.body).error).toContain("rawBody()");
  });

  it("maps by code, so an error from a second copy of the package maps the same", () => {
    const foreign = Object.assign(new Error("x"), { code: "ERR_RETRY_AFTER", seconds: 5 });
    expect(errorToResponse(foreign).headers["retry-after"]).toBe("5");
  });

  it("anything else → 500 with a generic body that never contains the thrown message", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.anything(), (message, value) => {
        for (const thrown of [new Error(message), new TypeError(message), value, new QStashError(message, "ERR_OTHER")]) {
          const response = errorToResponse(thrown);
          if (response.status !== 500) continue;
          expect(response.body).toBe('{"error":"internal error"}');
        }
        expect(statusOfError(new Error(message))).toBe(500);
      }),
    );
  });
});
