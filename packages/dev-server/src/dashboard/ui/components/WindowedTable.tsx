// A table that renders only the rows in view (plus a few around them): a list of 50,000
// messages costs the same DOM as a list of 50. Rows have a fixed height; spacer rows keep the
// scroll range. Arrow keys, Page Up/Down, Home and End move the focus from row to row.
import type { ComponentChildren } from "preact";
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";

/** Height of one row in px; the stylesheet gives `.windowed tbody tr` the same. */
export const ROW_HEIGHT = 36;
const OVERSCAN = 8;

/** A column of a {@link WindowedTable}. */
export interface Column<T> {
  title: string;
  className?: string;
  cell: (row: T) => ComponentChildren;
}

/** Props of {@link WindowedTable}. */
export interface WindowedTableProps<T> {
  label: string;
  rows: readonly T[];
  columns: Column<T>[];
  rowKey: (row: T) => string;
  /** Where a row leads (its first link); Enter or a click on the row follows it. */
  rowHref: (row: T) => string;
}

/** The rows from `start` to `end` (exclusive) that a viewport of `height` px at `scrollTop` shows. */
export function visibleRange(scrollTop: number, height: number, total: number): { start: number; end: number } {
  const first = Math.floor(scrollTop / ROW_HEIGHT);
  const start = Math.max(0, first - OVERSCAN);
  const end = Math.min(total, first + Math.ceil(height / ROW_HEIGHT) + OVERSCAN);
  return { start, end };
}

/** See the file comment. */
export function WindowedTable<T>({ label, rows, columns, rowKey, rowHref }: WindowedTableProps<T>) {
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const [focusIndex, setFocusIndex] = useState<number | undefined>(undefined);

  useEffect(() => {
    const element = viewport.current;
    if (element === null) return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  // A keyboard move may target a row that is rendered only after the scroll: focus it then.
  const pendingFocus = useRef<number | undefined>(undefined);
  useLayoutEffect(() => {
    if (pendingFocus.current === undefined) return;
    const link = viewport.current?.querySelector<HTMLElement>(`tr[data-index="${pendingFocus.current}"] a`);
    if (link == null) return;
    link.focus({ preventScroll: true });
    pendingFocus.current = undefined;
  });

  const { start, end } = visibleRange(scrollTop, height, rows.length);

  const moveFocus = (index: number) => {
    const element = viewport.current;
    if (element === null || rows.length === 0) return;
    const target = Math.max(0, Math.min(rows.length - 1, index));
    const top = target * ROW_HEIGHT;
    // The header row is sticky: keep the focused row below it.
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + 2 * ROW_HEIGHT > element.scrollTop + element.clientHeight) {
      element.scrollTop = top + 2 * ROW_HEIGHT - element.clientHeight;
    }
    pendingFocus.current = target;
    setScrollTop(element.scrollTop);
    setFocusIndex(target);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    const current = focusIndex ?? start;
    const page = Math.max(1, Math.floor(height / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: current + 1,
      ArrowUp: current - 1,
      PageDown: current + page,
      PageUp: current - page,
      Home: 0,
      End: rows.length - 1,
    };
    const next = moves[event.key];
    if (next === undefined) return;
    event.preventDefault();
    moveFocus(focusIndex === undefined && event.key === "ArrowDown" ? start : next);
  };

  const visible = rows.slice(start, end);
  return (
    <div
      class="windowed"
      ref={viewport}
      onScroll={(event) => setScrollTop((event.currentTarget as HTMLDivElement).scrollTop)}
      onKeyDown={onKeyDown}
    >
      <table aria-label={label} aria-rowcount={rows.length + 1}>
        <thead>
          <tr aria-rowindex={1}>
            {columns.map((column) => (
              <th scope="col" class={column.className} key={column.title}>
                {column.title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {start > 0 && <tr class="spacer" aria-hidden="true" style={{ height: `${start * ROW_HEIGHT}px` }} />}
          {visible.map((row, offset) => {
            const index = start + offset;
            return (
              <tr
                key={rowKey(row)}
                data-index={index}
                aria-rowindex={index + 2}
                onClick={(event) => {
                  if ((event.target as HTMLElement).closest("a,button") === null) location.hash = rowHref(row);
                }}
                onFocusIn={() => setFocusIndex(index)}
              >
                {columns.map((column) => (
                  <td class={column.className} key={column.title}>
                    {column.cell(row)}
                  </td>
                ))}
              </tr>
            );
          })}
          {end < rows.length && (
            <tr class="spacer" aria-hidden="true" style={{ height: `${(rows.length - end) * ROW_HEIGHT}px` }} />
          )}
        </tbody>
      </table>
    </div>
  );
}
