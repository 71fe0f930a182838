// Test-only: the URL parts of a RawDeliveryRequest for an absolute URL, as a host would give them.
export function urlParts(url: string): { scheme: string; target: string; authority: string } {
  const parsed = new URL(url);
  return { scheme: parsed.protocol.slice(0, -1), target: `${parsed.pathname}${parsed.search}`, authority: parsed.host };
}
