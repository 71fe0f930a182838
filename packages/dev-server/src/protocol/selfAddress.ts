import { isIP } from "node:net";
import { networkInterfaces } from "node:os";

/** Host names that always mean this machine's loopback interface. */
function isLoopbackName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, "");
  return name === "localhost" || name.endsWith(".localhost");
}

/** Whether an IP literal (brackets allowed) is a loopback or "this host" address. */
function isLoopbackAddress(address: string): boolean {
  const ip = unbracket(address).toLowerCase();
  if (isIP(ip) === 4) return ip.startsWith("127.") || ip === "0.0.0.0";
  if (isIP(ip) !== 6) return false;
  if (ip === "::1" || ip === "::") return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  return mapped !== null && isLoopbackAddress(mapped[1]!);
}

/** `[::1]` → `::1`; other values unchanged. */
function unbracket(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

function isWildcard(address: string): boolean {
  return address === "0.0.0.0" || address === "::";
}

/**
 * Where the server listens, known once it is bound. It answers two questions: whether a
 * `Host` header names this server (DNS-rebinding defence) and whether a URL points back at
 * it (a delivery into its own API would publish again, without end).
 *
 * @example
 * ```ts
 * const self = new SelfAddress(["qstash"]);
 * self.bind("127.0.0.1", 8080);
 * self.isOwnUrl(new URL("http://localhost:8080/v2/publish/x")); // true
 * ```
 */
export class SelfAddress {
  #address = "127.0.0.1";
  #port = -1;
  readonly #extraHosts: Set<string>;

  /** @param extraHosts - Further names that reach this server (e.g. a container's service name). */
  constructor(extraHosts: readonly string[] = []) {
    this.#extraHosts = new Set(extraHosts.map((host) => host.toLowerCase()));
  }

  /** Records the bound address and port. */
  bind(address: string, port: number): void {
    this.#address = address.toLowerCase();
    this.#port = port;
  }

  /** The bound port (`-1` before {@link SelfAddress.bind}). */
  get port(): number {
    return this.#port;
  }

  /**
   * Whether a `Host` header's name (port ignored: port forwarding changes it) may address this
   * server: a loopback name or address, the listen address (any local address when listening
   * on every interface), or one of the extra names.
   * @param hostname - Host without the port; IPv6 in brackets or not.
   */
  acceptsHostname(hostname: string): boolean {
    const host = unbracket(hostname.toLowerCase());
    if (isLoopbackName(host) || isLoopbackAddress(host) || this.#extraHosts.has(host)) return true;
    if (host === this.#address) return true;
    return isWildcard(this.#address) && isIP(host) !== 0 && localAddresses().has(host);
  }

  /**
   * Whether a delivery to `url` would reach this server.
   * @param url - A parsed http(s) URL.
   */
  isOwnUrl(url: URL): boolean {
    const port = url.port === "" ? (url.protocol === "https:" ? 443 : 80) : Number(url.port);
    return port === this.#port && this.acceptsHostname(url.hostname);
  }
}

function localAddresses(): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) for (const item of list ?? []) out.add(item.address.toLowerCase());
  return out;
}
