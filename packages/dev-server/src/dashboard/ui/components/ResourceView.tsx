import type { ComponentChildren } from "preact";
import { Notice } from "./parts.js";

/** Props of {@link ResourceView}. */
export interface ResourceViewProps {
  /** Id of the heading (the section is labelled by it). */
  id: string;
  title: string;
  /** Short line beside the title, e.g. `3 queues`. */
  summary?: ComponentChildren;
  /** Why loading failed, if it did. */
  error?: string;
  /** Result of the latest action. */
  notice?: string;
  /** Shown instead of the children when there is nothing to list. */
  empty?: string;
  children?: ComponentChildren;
}

/** The frame every listing view shares: heading, summary, errors, action results, empty state. */
export function ResourceView({ id, title, summary, error, notice, empty, children }: ResourceViewProps) {
  return (
    <section aria-labelledby={id}>
      <div class="view-head">
        <h2 id={id}>{title}</h2>
        {summary !== undefined && <p class="muted">{summary}</p>}
      </div>
      {error !== undefined && <Notice tone="error" text={error} />}
      <Notice text={notice} />
      {empty !== undefined ? <p class="empty">{empty}</p> : children}
    </section>
  );
}

/** A button acting on one row; `describedBy` is the id of the row's name cell, so the button's name stays short. */
export function RowButton({ label, describedBy, onClick }: { label: string; describedBy: string; onClick: () => void }) {
  return (
    <button type="button" aria-describedby={describedBy} onClick={onClick}>
      {label}
    </button>
  );
}

/** A Pause or Resume button for one row. */
export function PauseButton({ paused, describedBy, onClick }: { paused: boolean; describedBy: string; onClick: () => void }) {
  return <RowButton label={paused ? "Resume" : "Pause"} describedBy={describedBy} onClick={onClick} />;
}
