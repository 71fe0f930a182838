// Small building blocks shared by the views.
import type { ComponentChildren } from "preact";
import type { BodyView } from "../../shared/messageDetail.js";
import { decodeBase64Text, prettyBody } from "../format.js";

/** A message state as a coloured badge (the text carries the meaning; colour only helps). */
export function StateBadge({ state }: { state: string }) {
  return <span class={`badge state-${state.toLowerCase()}`}>{state}</span>;
}

/** An HTTP status as a badge, or the network error. */
export function StatusText({ status, error }: { status?: number; error?: string }) {
  if (status !== undefined) {
    const tone = status >= 200 && status < 300 ? "ok" : status >= 500 ? "bad" : "warn";
    return <span class={`badge status-${tone}`}>HTTP {status}</span>;
  }
  if (error !== undefined) return <span class="badge status-bad">{error}</span>;
  return <span class="muted">—</span>;
}

/** A body: JSON pretty-printed, base64 decoded when it is text, or its size when binary. */
export function BodyBlock({ body, label }: { body: BodyView | undefined; label: string }) {
  if (body === undefined || body.size === 0) return <p class="muted">{label}: empty</p>;
  if (body.text !== undefined) {
    const pretty = prettyBody(body.text);
    return (
      <figure class="body">
        <figcaption>
          {label} ({body.size} bytes{pretty.json ? ", JSON" : ""})
        </figcaption>
        <pre tabIndex={0} aria-label={label}>
          {pretty.text}
        </pre>
      </figure>
    );
  }
  const decoded = body.base64 === undefined ? undefined : decodeBase64Text(body.base64);
  return (
    <figure class="body">
      <figcaption>
        {label} ({body.size} bytes, {decoded === undefined ? "binary, shown as base64" : "decoded from base64"})
      </figcaption>
      <pre tabIndex={0} aria-label={label}>
        {decoded ?? body.base64}
      </pre>
    </figure>
  );
}

/** Headers as a two-column table. */
export function HeaderTable({ headers, label }: { headers: Record<string, string[] | string>; label: string }) {
  const rows = Object.entries(headers);
  if (rows.length === 0) return <p class="muted">{label}: none</p>;
  return (
    <table class="kv">
      <caption>{label}</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Value</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([name, value]) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            <td>{Array.isArray(value) ? value.join(", ") : value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A definition list of the fields that have a value. */
export function Fields({ items }: { items: [string, ComponentChildren][] }) {
  return (
    <dl class="fields">
      {items
        .filter(([, value]) => value !== undefined && value !== null && value !== "")
        .map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>{value}</dd>
          </div>
        ))}
    </dl>
  );
}

/** A polite status line (results of actions, counts). */
export function Notice({ text, tone = "info" }: { text: string | undefined; tone?: "info" | "error" }) {
  return (
    <p class={`notice ${tone}`} role={tone === "error" ? "alert" : "status"}>
      {text ?? ""}
    </p>
  );
}
