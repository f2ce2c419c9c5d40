import { type CSSProperties, memo, useEffect, useMemo, useRef, useState } from 'react';

/** Props of {@link ResultGrid}. */
export interface ResultGridProps {
  columns: readonly { name: string; type?: string }[];
  rows: readonly (readonly unknown[])[];
  /** Accessible name of the table. */
  label: string;
  /** Number of the first row shown (1 unless the result started at an offset). */
  firstRowNumber?: number;
  className?: string;
}

/** Height of one row in px; the CSS gives rows exactly this height. */
export const ROW_HEIGHT = 30;
const OVERSCAN_ROWS = 12;
const NUMERIC_TYPES = /^(int|float|numeric|decimal|real|double|money|oid|smallint|bigint)/i;

/** A cell value as text: NULL, JSON for objects and arrays, the string otherwise. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return JSON.stringify(value) ?? '';
}

function columnWidth(name: string, rows: readonly (readonly unknown[])[], index: number): number {
  let longest = name.length;
  for (const row of rows.slice(0, 60)) longest = Math.max(longest, cellText(row[index]).length);
  // About 8.6 px per character of the 14 px UI font (digits and capitals are wide), plus the padding.
  return Math.round(Math.min(420, Math.max(64, longest * 8.6 + 34)));
}

/**
 * Query results as a grid that stays fast with thousands of rows: only the rows in view are in
 * the DOM (fixed row height), the header sticks, long values are cut with the full text on hover.
 */
export const ResultGrid = memo(function ResultGrid(props: ResultGridProps) {
  const { columns, rows, firstRowNumber = 1 } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 0 });

  useEffect(() => {
    const element = scroller.current;
    if (!element) return;
    let frame = 0;
    const read = () => setView({ top: element.scrollTop, height: element.clientHeight });
    const onScroll = () => {
      if (frame === 0)
        frame = requestAnimationFrame(() => {
          frame = 0;
          read();
        });
    };
    read();
    element.addEventListener('scroll', onScroll, { passive: true });
    const resize = typeof ResizeObserver === 'undefined' ? undefined : new ResizeObserver(read);
    resize?.observe(element);
    return () => {
      cancelAnimationFrame(frame);
      element.removeEventListener('scroll', onScroll);
      resize?.disconnect();
    };
  }, []);

  const numberWidth = Math.max(40, String(firstRowNumber + rows.length).length * 8 + 20);
  const template = useMemo(
    () => [`${numberWidth}px`, ...columns.map((c, i) => `${columnWidth(c.name, rows, i)}px`)].join(' '),
    // Widths follow the first page of rows; later pages keep them so the grid does not jump.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [columns, numberWidth],
  );
  const numeric = useMemo(() => columns.map((c) => NUMERIC_TYPES.test(c.type ?? '')), [columns]);

  const height = view.height || 600;
  const start = Math.max(0, Math.floor(view.top / ROW_HEIGHT) - OVERSCAN_ROWS);
  const end = Math.min(rows.length, Math.ceil((view.top + height) / ROW_HEIGHT) + OVERSCAN_ROWS);
  const gridStyle = { '--grid-columns': template } as CSSProperties;

  return (
    <div
      ref={scroller}
      className={`result-grid ${props.className ?? ''}`}
      role="table"
      aria-label={props.label}
      aria-rowcount={rows.length + 1}
      tabIndex={0}
      style={gridStyle}
    >
      <div className="grid-row grid-head" role="row" aria-rowindex={1}>
        <span className="grid-cell grid-num" role="columnheader">
          #
        </span>
        {columns.map((column, i) => (
          <span
            key={i}
            className={`grid-cell ${numeric[i] ? 'num' : ''}`}
            role="columnheader"
            title={column.type ? `${column.name} (${column.type})` : column.name}
          >
            {column.name}
          </span>
        ))}
      </div>
      <div aria-hidden="true" style={{ height: start * ROW_HEIGHT }} />
      {rows.slice(start, end).map((row, offset) => {
        const index = start + offset;
        return (
          <div key={index} className="grid-row" role="row" aria-rowindex={index + 2}>
            <span className="grid-cell grid-num" role="cell">
              {firstRowNumber + index}
            </span>
            {columns.map((_, i) => {
              const value = row[i];
              const text = cellText(value);
              const isNull = value === null || value === undefined;
              return (
                <span
                  key={i}
                  role="cell"
                  className={`grid-cell ${isNull ? 'null' : ''} ${numeric[i] || typeof value === 'number' ? 'num' : ''}`}
                  title={text.length > 30 ? text : undefined}
                >
                  {text}
                </span>
              );
            })}
          </div>
        );
      })}
      <div aria-hidden="true" style={{ height: (rows.length - end) * ROW_HEIGHT }} />
    </div>
  );
});
