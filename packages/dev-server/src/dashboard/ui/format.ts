// Display formats shared by the views. Pure functions (no DOM), unit-tested in Node.

function pad(value: number, width = 2): string {
  return String(value).padStart(width, "0");
}

/** Local wall-clock time with milliseconds, e.g. `12:00:04.120`. */
export function clockTime(ms: number): string {
  const date = new Date(ms);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** Local date and time, e.g. `2026-11-26 12:00:04`. */
export function dateTime(ms: number): string {
  const date = new Date(ms);
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${clockTime(ms).slice(0, 8)}`;
}

/** A duration: `0.4 ms`, `12 ms`, `1.50 s`, `3 min 5 s`. */
export function duration(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** How long ago (or, for a future time, how soon): `4 s ago`, `in 2 min`. */
export function relative(ms: number, now: number): string {
  const delta = now - ms;
  const abs = Math.abs(delta);
  const text =
    abs < 1000
      ? "now"
      : abs < 60_000
        ? `${Math.floor(abs / 1000)} s`
        : abs < 3_600_000
          ? `${Math.floor(abs / 60_000)} min`
          : abs < 86_400_000
            ? `${Math.floor(abs / 3_600_000)} h`
            : `${Math.floor(abs / 86_400_000)} d`;
  if (text === "now") return text;
  return delta >= 0 ? `${text} ago` : `in ${text}`;
}

/** Thousands separators, e.g. `2,000`. */
export function count(value: number): string {
  return value.toLocaleString("en-US");
}

/** A body for display: JSON pretty-printed, other text as is. */
export function prettyBody(text: string): { text: string; json: boolean } {
  const trimmed = text.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return { text: JSON.stringify(JSON.parse(trimmed), null, 2), json: true };
    } catch {
      // Not JSON after all: show it as sent.
    }
  }
  return { text, json: false };
}

/** Text of base64 bytes when they are UTF-8, else `undefined`. */
export function decodeBase64Text(base64: string): string | undefined {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Human name of a message kind. */
export function kindName(kind: string): string {
  return kind === "callback" ? "callback" : kind === "failureCallback" ? "failure callback" : "message";
}
