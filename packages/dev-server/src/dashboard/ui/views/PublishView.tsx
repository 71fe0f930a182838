import { useState } from "preact/hooks";
import { api, errorText } from "../api.js";
import { Notice } from "../components/parts.js";
import { messageHref } from "../route.js";

const METHODS = ["POST", "PUT", "PATCH", "GET", "DELETE"];

/** `Name: value` lines → forwarded headers. */
export function parseHeaderLines(text: string): { headers: Record<string, string>; invalid?: string } {
  const headers: Record<string, string> = {};
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "") continue;
    const colon = line.indexOf(":");
    const name = colon === -1 ? "" : line.slice(0, colon).trim();
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) return { headers, invalid: line };
    headers[name] = line.slice(colon + 1).trim();
  }
  return { headers };
}

/** A form that publishes a test message and opens its detail. */
export function PublishView() {
  const [destination, setDestination] = useState("");
  const [method, setMethod] = useState("POST");
  const [contentType, setContentType] = useState("application/json");
  const [headerText, setHeaderText] = useState("");
  const [body, setBody] = useState('{"hello": "world"}');
  const [delay, setDelay] = useState("");
  const [retries, setRetries] = useState("");
  const [label, setLabel] = useState("");
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const target = destination.trim();
    if (!/^https?:\/\/\S+$/i.test(target) && !/^[A-Za-z0-9_.-]+$/.test(target)) {
      setError("Destination must be an http(s) URL or a URL group name.");
      return;
    }
    const parsed = parseHeaderLines(headerText);
    if (parsed.invalid !== undefined) {
      setError(`Headers: "${parsed.invalid}" is not a "Name: value" line.`);
      return;
    }
    const headers: Record<string, string> = { "upstash-method": method };
    if (contentType.trim() !== "") headers["content-type"] = contentType.trim();
    for (const [name, value] of Object.entries(parsed.headers)) headers[`upstash-forward-${name}`] = value;
    if (delay.trim() !== "") headers["upstash-delay"] = delay.trim();
    if (retries.trim() !== "") headers["upstash-retries"] = retries.trim();
    if (label.trim() !== "") headers["upstash-label"] = label.trim();
    setBusy(true);
    setError(undefined);
    try {
      const answer = await api<{ messageId: string } | { messageId: string }[]>("POST", `/v2/publish/${target}`, {
        headers,
        body: method === "GET" ? undefined : body,
      });
      const first = Array.isArray(answer) ? answer[0] : answer;
      if (first === undefined) setError("The URL group has no endpoints: nothing was published.");
      else location.hash = messageHref(first.messageId);
    } catch (reason) {
      setError(`Publish failed: ${errorText(reason)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="publish-title">
      <h2 id="publish-title">Publish a test message</h2>
      <form class="publish" onSubmit={submit}>
        <label>
          Destination
          <input
            required
            value={destination}
            onInput={(e) => setDestination(e.currentTarget.value)}
            placeholder="http://127.0.0.1:3000/api/hook or a URL group name"
            class="mono"
          />
        </label>
        <div class="row">
          <label>
            Method
            <select value={method} onChange={(e) => setMethod(e.currentTarget.value)}>
              {METHODS.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          </label>
          <label>
            Content-Type
            <input value={contentType} onInput={(e) => setContentType(e.currentTarget.value)} />
          </label>
          <label>
            Delay
            <input value={delay} onInput={(e) => setDelay(e.currentTarget.value)} placeholder="e.g. 10s, 2m" />
          </label>
          <label>
            Retries
            <input type="number" min={0} value={retries} onInput={(e) => setRetries(e.currentTarget.value)} placeholder="3" />
          </label>
          <label>
            Label
            <input value={label} onInput={(e) => setLabel(e.currentTarget.value)} />
          </label>
        </div>
        <label>
          Headers forwarded to the destination (one <code>Name: value</code> per line)
          <textarea rows={3} value={headerText} onInput={(e) => setHeaderText(e.currentTarget.value)} class="mono" />
        </label>
        <label>
          Body
          <textarea rows={6} value={body} onInput={(e) => setBody(e.currentTarget.value)} class="mono" />
        </label>
        <button type="submit" disabled={busy}>
          Publish
        </button>
        <Notice tone="error" text={error} />
      </form>
    </section>
  );
}
