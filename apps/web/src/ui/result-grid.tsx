import {
  type CSSProperties,
  memo,
  type PointerEvent as ReactPointerEvent,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { compareCells, displayValue, isNumericType } from '../console/result-values.js';

/** A cell the user picked (for copying). `row` is the row's values as shown, after sorting. */
export interface GridCell {
  row: readonly unknown[];
  rowIndex: number;
  column: number;
}

/** Props of {@link ResultGrid}. */
export interface ResultGridProps {
  columns: readonly { name: string; type?: string }[];
  rows: readonly (readonly unknown[])[];
  /** Accessible name of the table. */
  label: string;
  /** Number of the first row shown (1 unless the result started at an offset). */
  firstRowNumber?: number;
  className?: string;
  /** Column headers sort (asc, desc, off) and drag to resize. */
  interactive?: boolean;
  /** Called when a cell is clicked (interactive grids). */
  onSelect?: (cell: GridCell) => void;
  selected?: { rowIndex: number; column: number };
}

/** Height of one row in px; the CSS gives rows exactly this height. */
export const ROW_HEIGHT = 30;
const OVERSCAN_ROWS = 12;
const MIN_WIDTH = 48;

/** A cell value as text: NULL, JSON for objects and arrays, the string otherwise. */
export function cellText(value: unknown): string {
  return displayValue(value);
}

function columnWidth(name: string, rows: readonly (readonly unknown[])[], index: number): number {
  let longest = name.length;
  for (const row of rows.slice(0, 60)) longest = Math.max(longest, cellText(row[index]).length);
  // About 8.6 px per character of the 14 px UI font (digits and capitals are wide), plus the padding.
  return Math.round(Math.min(420, Math.max(64, longest * 8.6 + 34)));
}

type Sort = { column: number; direction: 'asc' | 'desc' } | undefined;

function nextSort(sort: Sort, column: number): Sort {
  if (sort?.column !== column) return { column, direction: 'asc' };
  return sort.direction === 'asc' ? { column, direction: 'desc' } : undefined;
}

/** Rows in the order a sort asks for (a copy; the original order when there is no sort). */
export function sortRows(
  rows: readonly (readonly unknown[])[],
  sort: Sort,
  numeric: boolean,
): readonly (readonly unknown[])[] {
  if (!sort) return rows;
  const sign = sort.direction === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => sign * compareCells(a[sort.column], b[sort.column], numeric));
}

/**
 * Query results as a grid that stays fast with thousands of rows: only the rows in view are in
 * the DOM (fixed row height), the header sticks, long values are cut with the full text on hover.
 * Interactive grids also sort, resize columns and report the clicked cell.
 */
export const ResultGrid = memo(function ResultGrid(props: ResultGridProps) {
  const { columns, rows: unsorted, firstRowNumber = 1, interactive = false } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 0 });
  const [sort, setSort] = useState<Sort>();
  const [widths, setWidths] = useState<Record<number, number>>({});

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

  // A new result (other columns) starts unsorted with fitted widths.
  useEffect(() => {
    setSort(undefined);
    setWidths({});
  }, [columns]);

  const numeric = useMemo(() => columns.map((c) => isNumericType(c.type)), [columns]);
  const rows = useMemo(
    () => sortRows(unsorted, sort, sort ? (numeric[sort.column] ?? false) : false),
    [unsorted, sort, numeric],
  );
  const numberWidth = Math.max(40, String(firstRowNumber + rows.length).length * 8 + 20);
  const fitted = useMemo(
    () => columns.map((c, i) => columnWidth(c.name, unsorted, i)),
    // Widths follow the first page of rows; later pages keep them so the grid does not jump.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [columns],
  );
  const template = [`${numberWidth}px`, ...fitted.map((w, i) => `${widths[i] ?? w}px`)].join(' ');

  const startResize = (column: number) => (event: ReactPointerEvent<HTMLSpanElement>) => {
    event.preventDefault();
    event.stopPropagation();
    const startX = event.clientX;
    const startWidth = widths[column] ?? fitted[column] ?? 100;
    const move = (e: PointerEvent) =>
      setWidths((w) => ({
        ...w,
        [column]: Math.max(MIN_WIDTH, Math.round(startWidth + e.clientX - startX)),
      }));
    const up = () => {
      window.removeEventListener('pointermove', move);
      window.removeEventListener('pointerup', up);
    };
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  };

  const height = view.height || 600;
  const start = Math.max(0, Math.floor(view.top / ROW_HEIGHT) - OVERSCAN_ROWS);
  const end = Math.min(rows.length, Math.ceil((view.top + height) / ROW_HEIGHT) + OVERSCAN_ROWS);
  const gridStyle = { '--grid-columns': template } as CSSProperties;

  return (
    <div
      ref={scroller}
      className={`result-grid ${interactive ? 'interactive' : ''} ${props.className ?? ''}`}
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
        {columns.map((column, i) => {
          const title = column.type ? `${column.name} (${column.type})` : column.name;
          const direction = sort?.column === i ? sort.direction : undefined;
          return (
            <span
              key={i}
              className={`grid-cell ${numeric[i] ? 'num' : ''}`}
              role="columnheader"
              title={title}
              aria-sort={direction === 'asc' ? 'ascending' : direction === 'desc' ? 'descending' : undefined}
            >
              {interactive ? (
                <>
                  <button type="button" className="grid-sort" onClick={() => setSort((s) => nextSort(s, i))}>
                    {column.name}
                    <span aria-hidden="true">
                      {direction === 'asc' ? ' ▲' : direction === 'desc' ? ' ▼' : ''}
                    </span>
                  </button>
                  <span
                    className="grid-resize"
                    role="separator"
                    aria-orientation="vertical"
                    aria-label={`Resize ${column.name}`}
                    onPointerDown={startResize(i)}
                  />
                </>
              ) : (
                column.name
              )}
            </span>
          );
        })}
      </div>
      <div aria-hidden="true" style={{ height: start * ROW_HEIGHT }} />
      {rows.slice(start, end).map((row, offset) => {
        const index = start + offset;
        return (
          <div key={index} className="grid-row" role="row" aria-rowindex={index + 2}>
            <span className="grid-cell grid-num" role="cell">
              {firstRowNumber + index}
            </span>
            {columns.map((column, i) => {
              const value = row[i];
              const text = displayValue(value, column.type);
              const isNull = value === null || value === undefined;
              const chosen = props.selected?.rowIndex === index && props.selected.column === i;
              return (
                <span
                  key={i}
                  role="cell"
                  className={`grid-cell ${isNull ? 'null' : ''} ${numeric[i] || typeof value === 'number' ? 'num' : ''} ${chosen ? 'selected' : ''}`}
                  title={text.length > 30 ? text : undefined}
                  onClick={
                    props.onSelect ? () => props.onSelect?.({ row, rowIndex: index, column: i }) : undefined
                  }
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
