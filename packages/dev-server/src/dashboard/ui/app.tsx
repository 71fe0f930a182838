import { useState } from "preact/hooks";
import { currentToken, saveToken } from "./api.js";
import { store, useStoreVersion } from "./messageStore.js";
import type { Route } from "./route.js";
import { useRoute } from "./route.js";
import { DlqView } from "./views/DlqView.js";
import { FlowControlView } from "./views/FlowControlView.js";
import { MessageDetailView } from "./views/MessageDetailView.js";
import { MessagesView } from "./views/MessagesView.js";
import { PublishView } from "./views/PublishView.js";
import { QueuesView } from "./views/QueuesView.js";
import { SchedulesView } from "./views/SchedulesView.js";
import { UrlGroupsView } from "./views/UrlGroupsView.js";

const TABS: { href: string; label: string; views: Route["view"][] }[] = [
  { href: "#/messages", label: "Messages", views: ["messages", "message"] },
  { href: "#/dlq", label: "Dead-letter queue", views: ["dlq"] },
  { href: "#/schedules", label: "Schedules", views: ["schedules"] },
  { href: "#/queues", label: "Queues", views: ["queues"] },
  { href: "#/url-groups", label: "URL groups", views: ["urlGroups"] },
  { href: "#/flow-control", label: "Flow control", views: ["flowControl"] },
  { href: "#/publish", label: "Publish", views: ["publish"] },
];

const STATUS_TEXT = { connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting…" };

function View({ route }: { route: Route }) {
  switch (route.view) {
    case "message":
      return <MessageDetailView id={route.id} />;
    case "dlq":
      return <DlqView />;
    case "schedules":
      return <SchedulesView />;
    case "queues":
      return <QueuesView />;
    case "urlGroups":
      return <UrlGroupsView />;
    case "flowControl":
      return <FlowControlView />;
    case "publish":
      return <PublishView />;
    default:
      return <MessagesView />;
  }
}

function TokenForm() {
  const [value, setValue] = useState("");
  return (
    <main id="main" tabIndex={-1}>
      <h2>API token</h2>
      <p>This server does not hand its token to pages from other machines. Enter it to continue (kept for this tab only).</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          saveToken(value.trim());
          location.reload();
        }}
      >
        <label>
          Token
          <input type="password" required value={value} onInput={(e) => setValue(e.currentTarget.value)} />
        </label>
        <button type="submit">Continue</button>
      </form>
    </main>
  );
}

/** The page: header with the connection state, tabs, and the current view. */
export function App() {
  const route = useRoute();
  useStoreVersion();
  const hasToken = currentToken() !== undefined;
  return (
    <>
      <a
        class="skip"
        href="#main"
        onClick={(event) => {
          // The fragment holds the route: move the focus without changing it.
          event.preventDefault();
          document.getElementById("main")?.focus();
        }}
      >
        Skip to content
      </a>
      <header class="top">
        <h1>
          stashkit <span class="muted">dev</span>
        </h1>
        <p class={`conn conn-${store.status}`} role="status" aria-label="Live updates">
          {STATUS_TEXT[store.status]}
        </p>
      </header>
      <nav aria-label="Sections" class="tabs">
        <ul>
          {TABS.map((tab) => (
            <li key={tab.href}>
              <a href={tab.href} aria-current={tab.views.includes(route.view) ? "page" : undefined}>
                {tab.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {hasToken ? (
        <main id="main" tabIndex={-1}>
          <View route={route} />
        </main>
      ) : (
        <TokenForm />
      )}
    </>
  );
}
