import { describe, expect, it } from "vitest";
import { curlCommand } from "./curl.js";

describe("curlCommand", () => {
  it("publishes to the same destination with the token, canonical header names and the body", () => {
    const command = curlCommand({
      origin: "http://127.0.0.1:8080",
      token: "tok",
      destination: "http://127.0.0.1:3000/hook?a=1",
      headers: { "content-type": "application/json", "upstash-forward-x-tenant": "acme" },
      body: '{"a":1}',
    });
    expect(command).toBe(
      [
        "curl -X POST 'http://127.0.0.1:8080/v2/publish/http://127.0.0.1:3000/hook?a=1'",
        "-H 'Authorization: Bearer tok'",
        "-H 'Content-Type: application/json'",
        "-H 'Upstash-Forward-X-Tenant: acme'",
        `--data-binary '{"a":1}'`,
      ].join(" \\\n  "),
    );
  });

  it("quotes single quotes for a POSIX shell and leaves out an empty body", () => {
    const command = curlCommand({ origin: "http://h", token: undefined, destination: "http://d/x", headers: { "upstash-label": "it's" }, body: "" });
    expect(command).toBe(`curl -X POST 'http://h/v2/publish/http://d/x' \\\n  -H 'Upstash-Label: it'\\''s'`);
  });
});
