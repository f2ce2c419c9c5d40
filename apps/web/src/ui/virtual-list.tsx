import { type ReactNode, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { layoutItems, visibleRange } from './virtual-range.js';

/** Props of {@link VirtualList}. */
export interface VirtualListProps<T> {
  items: readonly T[];
  getKey: (item: T) => string;
  renderItem: (item: T, index: number) => ReactNode;
  /** A guess of an item's height before it has been measured. */
  estimateHeight: (item: T) => number;
  /** Rendered after the items, always (e.g. the message being streamed). */
  footer?: ReactNode;
  /** Rendered before the items, always (e.g. the empty-state or a "load earlier" button). */
  header?: ReactNode;
  /** Keep the view pinned to the bottom while the user has not scrolled up (chat logs). */
  followOutput?: boolean;
  /** Changing this value scrolls to the bottom and pins there (e.g. a new conversation was opened). */
  resetKey?: string;
  /** Extra pixels rendered above and below the viewport. */
  overscan?: number;
  className?: string;
  innerClassName?: string;
  role?: string;
  'aria-label'?: string;
}

/** How close to the bottom (px) still counts as "at the bottom". */
const PIN_SLACK = 48;
/** jsdom and hidden containers report 0; render as if the viewport were this tall. */
const FALLBACK_VIEWPORT = 800;

/**
 * A list that renders only the items near the viewport, with heights measured as they render
 * (ResizeObserver) and estimated until then. Spacers above and below keep the scrollbar honest, and
 * the browser's scroll anchoring keeps the view steady when an estimate is corrected.
 */
export function VirtualList<T>(props: VirtualListProps<T>) {
  const { items, getKey, estimateHeight, followOutput = false, overscan = 800 } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const inner = useRef<HTMLDivElement>(null);
  const heights = useRef(new Map<string, number>());
  const pinned = useRef(followOutput);
  const [measureVersion, setMeasureVersion] = useState(0);
  const [viewport, setViewport] = useState({ top: 0, height: 0 });

  const layout = useMemo(
    () =>
      layoutItems(items.length, (i) => {
        const item = items[i]!;
        return heights.current.get(getKey(item)) ?? estimateHeight(item);
      }),
    // measureVersion: recompute when a measured height changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [items, getKey, estimateHeight, measureVersion],
  );
  const { start, end } = visibleRange(layout, viewport.top, viewport.height || FALLBACK_VIEWPORT, overscan);

  // One observer measures every rendered item; a changed height re-lays the list out once per frame.
  const observer = useRef<ResizeObserver | null>(null);
  useEffect(() => {
    if (typeof ResizeObserver === 'undefined') return;
    let frame = 0;
    observer.current = new ResizeObserver((entries) => {
      let changed = false;
      for (const entry of entries) {
        const key = (entry.target as HTMLElement).dataset.vkey;
        if (key === undefined) continue;
        const height = (entry.target as HTMLElement).offsetHeight;
        if (height > 0 && heights.current.get(key) !== height) {
          heights.current.set(key, height);
          changed = true;
        }
      }
      if (changed && frame === 0) {
        frame = requestAnimationFrame(() => {
          frame = 0;
          setMeasureVersion((v) => v + 1);
        });
      }
    });
    return () => {
      cancelAnimationFrame(frame);
      observer.current?.disconnect();
      observer.current = null;
    };
  }, []);

  const measure = useCallback((element: HTMLDivElement | null) => {
    if (!element) return;
    const key = element.dataset.vkey;
    if (key !== undefined && element.offsetHeight > 0) heights.current.set(key, element.offsetHeight);
    observer.current?.observe(element);
    return () => observer.current?.unobserve(element);
  }, []);

  const readViewport = useCallback(() => {
    const element = scroller.current;
    if (!element) return;
    setViewport((previous) =>
      previous.top === element.scrollTop && previous.height === element.clientHeight
        ? previous
        : { top: element.scrollTop, height: element.clientHeight },
    );
  }, []);

  const scrollToBottom = useCallback(() => {
    const element = scroller.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, []);

  // Scroll events: remember whether the user left the bottom, and re-render the window once per frame.
  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    let frame = 0;
    const onScroll = () => {
      pinned.current =
        followOutput && element.scrollHeight - element.scrollTop - element.clientHeight < PIN_SLACK;
      if (frame === 0) {
        frame = requestAnimationFrame(() => {
          frame = 0;
          readViewport();
        });
      }
    };
    element.addEventListener('scroll', onScroll, { passive: true });
    readViewport();
    const resize =
      typeof ResizeObserver === 'undefined'
        ? undefined
        : new ResizeObserver(() => {
            readViewport();
            if (pinned.current) scrollToBottom();
          });
    resize?.observe(element);
    if (inner.current) resize?.observe(inner.current);
    return () => {
      cancelAnimationFrame(frame);
      element.removeEventListener('scroll', onScroll);
      resize?.disconnect();
    };
  }, [followOutput, readViewport, scrollToBottom]);

  useLayoutEffect(() => {
    pinned.current = followOutput;
    scrollToBottom();
    readViewport();
  }, [props.resetKey, followOutput, scrollToBottom, readViewport]);

  // After every render: stay at the bottom if pinned (new messages, streaming text, corrected heights).
  useLayoutEffect(() => {
    if (pinned.current) scrollToBottom();
  });

  const total = layout.tops[items.length] ?? 0;
  const before = layout.tops[start] ?? 0;
  const after = total - (layout.tops[end] ?? total);
  return (
    <div
      ref={scroller}
      className={props.className}
      role={props.role}
      aria-label={props['aria-label']}
      tabIndex={0}
    >
      <div ref={inner} className={props.innerClassName}>
        {props.header}
        <div aria-hidden="true" className="vlist-spacer" style={{ height: before }} />
        {items.slice(start, end).map((item, offset) => {
          const key = getKey(item);
          return (
            <div key={key} data-vkey={key} ref={measure} className="vlist-item">
              {props.renderItem(item, start + offset)}
            </div>
          );
        })}
        <div aria-hidden="true" className="vlist-spacer" style={{ height: after }} />
        {props.footer}
      </div>
    </div>
  );
}
