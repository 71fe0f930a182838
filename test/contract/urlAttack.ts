// Shared by the URL-binding attack tests: raw HTTP requests with an attacker's Host, and the
// Host values that would make a URL built by concatenation read the signed path.
import { request as httpRequest } from "node:http";

/** Sends exactly these headers (no Host of Node's own) and resolves the status. */
export function rawPost(port: number, path: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path, method: "POST", setHost: false, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
}

// Each value, as Host (or X-Forwarded-Host), aims to make a concatenated URL read `path`.
export const crafted = (authority: string, path: string): [string, string][] => [
  ["fragment", `${authority}${path}#`],
  ["fragment after the port", `${authority}#`],
  ["query", `${authority}${path}?`],
  ["backslashes", `${authority}${path.replaceAll("/", "\\")}#`],
  ["userinfo", `user@${authority}`],
  ["space", `${authority} ${path}#`],
  ["encoded slash and hash", `${authority}${encodeURIComponent(path)}%23`],
  ["encoded hash", `${authority}${path}%23`],
  ["empty", ""],
];

