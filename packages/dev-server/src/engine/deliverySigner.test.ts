import { createHash } from "node:crypto";
import { Receiver } from "@upstash/qstash";
import { describe, expect, it } from "vitest";
import { bodyClaim, signAttempt } from "./deliverySigner.js";

const key = "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r";

describe("signAttempt", () => {
  it("mints the token QStash sends: claims in order, five minutes, verified by the official Receiver", async () => {
    const body = Buffer.from('{"orderId":42}');
    const url = "http://localhost:3000/api/send-email?x=1";
    const token = signAttempt(key, url, bodyClaim(body), Date.now());
    const [header, payload] = token.split(".");
    expect(JSON.parse(Buffer.from(header!, "base64url").toString())).toEqual({ alg: "HS256", typ: "JWT" });
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString());
    expect(Object.keys(claims)).toEqual(["iss", "sub", "exp", "nbf", "iat", "jti", "body"]);
    expect(claims).toMatchObject({ iss: "Upstash", sub: url, body: `${createHash("sha256").update(body).digest("base64url")}=` });
    expect(claims.exp - claims.iat).toBe(300);
    expect(claims.nbf).toBe(claims.iat);
    expect(claims.jti).toMatch(/^jwt_[0-9A-Za-z]{22}$/);
    const receiver = new Receiver({ currentSigningKey: key, nextSigningKey: "sig_other" });
    await expect(receiver.verify({ signature: token, body: body.toString(), url })).resolves.toBe(true);
  });

  it("hashes the empty body as the wire spec says, and gives every token its own jti", () => {
    expect(bodyClaim(Buffer.alloc(0))).toBe("47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU=");
    const jtis = new Set(Array.from({ length: 1000 }, () => JSON.parse(Buffer.from(signAttempt(key, "http://h/", "x", 0).split(".")[1]!, "base64url").toString()).jti));
    expect(jtis.size).toBe(1000);
  });
});
