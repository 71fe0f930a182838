import { useCallback, useEffect, useState } from "preact/hooks";
import type { AttemptView, LinkedMessage, MessageDetail, SignatureView } from "../../shared/messageDetail.js";
import { FINAL_STATES } from "../../shared/messageSummary.js";
import { api, currentToken, errorText } from "../api.js";
import { BodyBlock, Fields, HeaderTable, Notice, StateBadge, StatusText } from "../components/parts.js";
import { curlCommand } from "../curl.js";
import { clockTime, dateTime, duration, kindName } from "../format.js";
import { useRefreshOn } from "../messageStore.js";
import { messageHref } from "../route.js";

function MessageLink({ message }: { message: LinkedMessage }) {
  return (
    <>
      <a href={messageHref(message.id)} class="mono">
        {message.id}
      </a>{" "}
      <StateBadge state={message.state} /> <span class="muted">{kindName(message.kind)} to {message.url}</span>
    </>
  );
}

const TIME_CLAIMS = new Set(["iat", "nbf", "exp"]);

function Claims({ signature }: { signature: SignatureView }) {
  const claims = Object.entries(signature.claims ?? {});
  return (
    <details class="claims">
      <summary>Signature claims</summary>
      <table class="kv">
        <caption>Decoded Upstash-Signature (header {JSON.stringify(signature.header ?? {})})</caption>
        <tbody>
          {claims.map(([name, value]) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td class="mono">
                {String(value)}
                {TIME_CLAIMS.has(name) && typeof value === "number" ? ` (${dateTime(value * 1000)})` : ""}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="mono token" title="The compact token">
        {signature.token}
      </p>
    </details>
  );
}

function Attempt({ attempt, total, finished }: { attempt: AttemptView; total: number; finished: boolean }) {
  const inFlight = attempt.status === undefined && attempt.error === undefined && !finished;
  return (
    <li class="attempt" aria-label={`Attempt ${attempt.number}`}>
      <h4>
        Attempt {attempt.number} of {total} <span class="muted">at</span>{" "}
        <time title={new Date(attempt.startedAt).toISOString()}>{clockTime(attempt.startedAt)}</time>
        {attempt.durationMs !== undefined && <span class="muted"> · took {duration(attempt.durationMs)}</span>}{" "}
        {inFlight ? <span class="badge">in flight</span> : <StatusText status={attempt.status} error={attempt.error} />}
      </h4>
      {attempt.error !== undefined && <p class="error-text">Network error: {attempt.error}</p>}
      {attempt.status !== undefined && (
        <>
          <details>
            <summary>Response headers ({Object.keys(attempt.headers).length})</summary>
            <HeaderTable headers={attempt.headers} label={`Response headers of attempt ${attempt.number}`} />
          </details>
          <BodyBlock body={attempt.body} label={`Response body of attempt ${attempt.number}`} />
        </>
      )}
      {attempt.nextRetryAt !== undefined && (
        <p class="retry">
          Next retry at <time title={new Date(attempt.nextRetryAt).toISOString()}>{clockTime(attempt.nextRetryAt)}</time> (
          {duration(Math.max(0, attempt.nextRetryAt - attempt.startedAt - (attempt.durationMs ?? 0)))} after this attempt)
        </p>
      )}
      {attempt.signature !== undefined && <Claims signature={attempt.signature} />}
    </li>
  );
}

function CurlBox({ detail }: { detail: MessageDetail }) {
  const [copied, setCopied] = useState<string | undefined>(undefined);
  const { request } = detail;
  const command = curlCommand({
    origin: location.origin,
    token: currentToken(),
    destination: request.url,
    headers: request.publishHeaders,
    body: request.bodyRedacted ? undefined : request.body.text,
  });
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(command);
      setCopied("Copied the curl command.");
    } catch {
      setCopied("The browser refused the clipboard: select the command below and copy it.");
    }
  };
  return (
    <div class="curl">
      <button type="button" onClick={copy}>
        Copy as curl
      </button>
      <Notice text={copied} />
      <details>
        <summary>curl command</summary>
        <pre class="mono" aria-label="curl command" tabIndex={0}>
          {command}
        </pre>
      </details>
    </div>
  );
}

/** One message: its request, attempts, callbacks and state changes. */
export function MessageDetailView({ id }: { id: string }) {
  const [detail, setDetail] = useState<MessageDetail | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);

  const load = useCallback(() => {
    api<MessageDetail>("GET", `/_stashkit/messages/${encodeURIComponent(id)}`).then(
      (value) => {
        setDetail(value);
        setError(undefined);
      },
      (reason: unknown) => setError(errorText(reason)),
    );
  }, [id]);

  useEffect(() => {
    setDetail(undefined);
    setNotice(undefined);
    load();
  }, [load]);

  useRefreshOn(
    (change) => change.id === id || change.summary?.parentId === id || (detail?.callbacks.some((c) => c.id === change.id) ?? false),
    load,
    250,
  );

  const cancel = async () => {
    try {
      await api("DELETE", `/v2/messages/${encodeURIComponent(id)}`);
      setNotice("Cancel requested.");
    } catch (reason) {
      setNotice(`Cancel failed: ${errorText(reason)}`);
    }
    load();
  };

  const retry = async (dlqId: string) => {
    try {
      const answer = await api<{ messageId: string }>("POST", `/v2/dlq/retry/${encodeURIComponent(dlqId)}`);
      location.hash = messageHref(answer.messageId);
    } catch (reason) {
      setNotice(`Retry failed: ${errorText(reason)}`);
    }
  };

  if (detail === undefined) {
    return (
      <section aria-labelledby="detail-title">
        <h2 id="detail-title" class="mono">
          {id}
        </h2>
        {error === undefined ? <p class="muted">Loading…</p> : <Notice tone="error" text={`Could not load the message: ${error}`} />}
        <p>
          <a href="#/messages">Back to messages</a>
        </p>
      </section>
    );
  }

  const { summary, request } = detail;
  const finished = FINAL_STATES.includes(summary.state);
  const callbacks = detail.callbacks.filter((c) => c.kind === "callback");
  const failureCallbacks = detail.callbacks.filter((c) => c.kind === "failureCallback");
  return (
    <section aria-labelledby="detail-title" class="detail">
      <p>
        <a href="#/messages">← Messages</a>
      </p>
      <div class="view-head">
        <h2 id="detail-title">
          <span class="muted">{kindName(summary.kind)}</span> <span class="mono">{summary.id}</span>
        </h2>
        <StateBadge state={summary.state} />
      </div>
      <div class="actions">
        {summary.kind === "message" && <CurlBox detail={detail} />}
        {detail.cancellable && (
          <button type="button" onClick={cancel}>
            Cancel
          </button>
        )}
        {detail.dlqId !== undefined && (
          <button type="button" onClick={() => void retry(detail.dlqId!)}>
            Retry
          </button>
        )}
      </div>
      <Notice text={notice} />
      {detail.parent !== undefined && (
        <p>
          Reports on <MessageLink message={detail.parent} />
        </p>
      )}

      <h3>Request as published</h3>
      <Fields
        items={[
          ["Destination", <span class="mono">{request.method} {request.url}</span>],
          ["Created", dateTime(summary.createdAt)],
          ["Not before", request.notBefore > summary.createdAt ? dateTime(request.notBefore) : undefined],
          ["Queue", summary.queueName],
          ["URL group", summary.topicName === undefined ? undefined : `${summary.topicName}${summary.endpointName ? ` / ${summary.endpointName}` : ""}`],
          ["Schedule", summary.scheduleId],
          ["Labels", summary.labels.join(", ")],
          ["Retries", String(request.retries)],
          ["Retry delay", request.retryDelay],
          ["Timeout", duration(request.timeoutMs)],
          ["Callback", request.callback],
          ["Failure callback", request.failureCallback],
          ["Flow control key", request.flowControlKey],
          ["Deduplication id", request.deduplicationId],
          ["In the DLQ as", detail.dlqId],
        ]}
      />
      <HeaderTable headers={request.headers} label="Message headers" />
      <HeaderTable headers={request.forwardedHeaders} label="Headers forwarded to the destination" />
      <BodyBlock body={request.body} label={request.bodyRedacted ? "Request body (redacted)" : "Request body"} />

      <h3>Attempts</h3>
      {detail.attempts.length === 0 ? (
        <p class="muted">No attempt yet.</p>
      ) : (
        <ol class="timeline" aria-label="Attempts">
          {detail.attempts.map((attempt) => (
            <Attempt attempt={attempt} total={request.retries + 1} finished={finished} key={attempt.number} />
          ))}
        </ol>
      )}

      <h3>Callbacks</h3>
      {detail.callbacks.length === 0 ? (
        <p class="muted">
          {request.callback === undefined && request.failureCallback === undefined ? "None configured." : "None sent yet."}
        </p>
      ) : (
        <ul class="links">
          {[...callbacks, ...failureCallbacks].map((message) => (
            <li key={message.id}>
              <MessageLink message={message} />
            </li>
          ))}
        </ul>
      )}

      <h3>State changes</h3>
      <ol class="events">
        {detail.events.map((event, index) => (
          <li key={index}>
            <time>{clockTime(event.time)}</time> <StateBadge state={event.state} />
          </li>
        ))}
      </ol>
    </section>
  );
}
