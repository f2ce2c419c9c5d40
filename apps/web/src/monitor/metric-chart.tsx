import { useEffect, useId, useRef, useState } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { type ChartLines, lastValue } from './series.js';
import { formatValue } from './units.js';

/** Props of {@link MetricChart}. */
export interface MetricChartProps {
  title: string;
  hint: string;
  unit: string;
  lines: ChartLines;
  /** Shown instead of the plot when no line has a value. */
  empty: string;
  /** Redraws with the theme's colours when it changes. */
  theme: string;
  /** Alerts and events drawn as dashed vertical lines; the legend names those under the cursor. */
  markers?: readonly ChartMarker[] | undefined;
}

/** A vertical marker at `x` (Unix seconds). */
export interface ChartMarker {
  x: number;
  label: string;
  /** An alert (drawn in the danger colour) rather than another event. */
  alert: boolean;
}

/** Draws `markers` as dashed lines across the plot area. */
function drawMarkers(u: uPlot, markers: readonly ChartMarker[], colors: { alert: string; event: string }) {
  const { ctx, bbox } = u;
  const ratio = window.devicePixelRatio || 1;
  ctx.save();
  ctx.lineWidth = ratio;
  ctx.setLineDash([4 * ratio, 3 * ratio]);
  for (const marker of markers) {
    const x = Math.round(u.valToPos(marker.x, 'x', true));
    if (x < bbox.left || x > bbox.left + bbox.width) continue;
    ctx.strokeStyle = marker.alert ? colors.alert : colors.event;
    ctx.beginPath();
    ctx.moveTo(x, bbox.top);
    ctx.lineTo(x, bbox.top + bbox.height);
    ctx.stroke();
  }
  ctx.restore();
}

/** The markers within half a step of point `at` (what the cursor is on). */
export function markersAt(xs: readonly number[], at: number, markers: readonly ChartMarker[]): ChartMarker[] {
  const step = xs.length > 1 ? Math.abs(xs[1]! - xs[0]!) : 60;
  return markers.filter((m) => Math.abs(m.x - xs[at]!) <= step / 2);
}

/** Series colours, from the theme (styles/theme.css --chart-1…6). */
export const CHART_COLORS = 6;
const HEIGHT = 200;
/** Tick steps for byte axes: powers of two, so ticks land on 16 MiB, 32 MiB rather than 19.1 MiB. */
const BYTE_INCREMENTS = Array.from({ length: 60 }, (_, i) => 2 ** i);

/** A CSS colour the canvas understands: the variable's light-dark() value resolved for the current theme. */
function resolveColor(host: HTMLElement, variable: string): string {
  const probe = document.createElement('span');
  probe.style.color = `var(${variable})`;
  probe.hidden = true;
  host.append(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  return color;
}

/** jsdom (component tests) has no canvas: the legend and summary render, the plot does not. */
const canDraw = () => typeof navigator !== 'undefined' && !navigator.userAgent.includes('jsdom');

function options(
  props: MetricChartProps,
  host: HTMLElement,
  text: string,
  onCursor: (idx: number | null) => void,
): uPlot.Options {
  const grid = resolveColor(host, '--border');
  const axis = {
    stroke: text,
    grid: { stroke: grid, width: 1 },
    ticks: { stroke: grid, width: 1 },
    font: '11px system-ui, sans-serif',
  };
  const tick = (v: number) => formatValue(v, props.unit);
  const markerColors = { alert: resolveColor(host, '--danger'), event: resolveColor(host, '--warning') };
  return {
    width: Math.max(240, host.clientWidth),
    height: HEIGHT,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: true },
      y: {
        range: (_u, min, max) => {
          if (min === null || max === null) return [0, 1];
          const low = props.unit === '%' ? Math.max(0, min - (max - min || 1) * 0.2) : Math.min(0, min);
          const high = max === low ? low + 1 : max + (max - low) * 0.08;
          return [low, props.unit === '%' ? Math.min(100, high) : high];
        },
      },
    },
    axes: [
      axis,
      {
        ...axis,
        values: (_u, ticks) => ticks.map(tick),
        ...(props.unit.startsWith('bytes') ? { incrs: BYTE_INCREMENTS } : {}),
        // Wide enough for the longest tick label ("1023 MiB/s").
        size: (_u, values) => 16 + 7.5 * Math.max(5, ...(values ?? []).map((v) => String(v).length)),
      },
    ],
    series: [
      {},
      ...props.lines.lines.map((line, i) => ({
        label: line.label,
        stroke: resolveColor(host, `--chart-${(i % CHART_COLORS) + 1}`),
        width: 1.5,
        spanGaps: false,
      })),
    ],
    hooks: {
      setCursor: [(u: uPlot) => onCursor(u.cursor.idx ?? null)],
      draw: [(u: uPlot) => drawMarkers(u, props.markers ?? [], markerColors)],
    },
  };
}

const timeFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/**
 * One Monitor chart (uPlot): time on x, the unit on the y axis, gaps where data is missing, and a
 * legend that shows each line's value under the cursor (else its latest value).
 */
export function MetricChart(props: MetricChartProps) {
  const id = useId();
  const host = useRef<HTMLDivElement>(null);
  const [cursor, setCursor] = useState<number | null>(null);
  const { lines } = props;
  const hasData = lines.lines.some((l) => lastValue(l.values) !== null);

  useEffect(() => {
    const element = host.current;
    if (!element || !hasData || !canDraw()) return;
    let plot: uPlot | undefined;
    let resize: ResizeObserver | undefined;
    let live = true;
    // uPlot loads with the first chart (it reads the screen at import, which jsdom cannot answer).
    void import('uplot').then(({ default: UPlot }) => {
      if (!live) return;
      const text = resolveColor(element, '--muted');
      // The axis colour the canvas got, for the browser tests to see the theme followed.
      element.dataset.axisColor = text;
      plot = new UPlot(
        options(props, element, text, setCursor),
        [lines.xs, ...lines.lines.map((l) => l.values)],
        element,
      );
      const drawn = plot;
      resize = new ResizeObserver(() =>
        drawn.setSize({ width: Math.max(240, element.clientWidth), height: HEIGHT }),
      );
      resize.observe(element);
    });
    return () => {
      live = false;
      resize?.disconnect();
      plot?.destroy();
      setCursor(null);
    };
    // props.title/hint/empty do not change the plot.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lines, hasData, props.unit, props.theme, props.markers]);

  const at = cursor !== null && cursor < lines.xs.length ? cursor : null;
  const marked = at === null ? [] : markersAt(lines.xs, at, props.markers ?? []);
  const valueOf = (values: readonly (number | null)[]) =>
    at === null ? lastValue(values) : (values[at] ?? null);
  const summary = lines.lines
    .map((l) => `${l.label} ${formatValue(lastValue(l.values), props.unit)}`)
    .join(', ');
  return (
    <figure className="metric-chart" aria-labelledby={`${id}-title`}>
      <figcaption>
        <h3 id={`${id}-title`}>{props.title}</h3>
        <p className="muted small">{props.hint}</p>
      </figcaption>
      {hasData ? (
        <>
          <div
            ref={host}
            className="metric-plot"
            role="img"
            aria-label={`${props.title} (${props.unit}), latest: ${summary}`}
            data-lines={lines.lines.length}
            data-points={lines.xs.length}
            data-gaps={lines.xs.filter((_, i) => lines.lines.every((l) => l.values[i] === null)).length}
            data-markers={props.markers?.length ?? 0}
          />
          <ul className="metric-legend" aria-label={`${props.title} legend`}>
            <li className="muted">
              {at === null ? 'latest' : timeFormat.format(new Date(lines.xs[at]! * 1000))}
            </li>
            {lines.lines.map((l, i) => (
              <li key={l.label}>
                <span className={`swatch chart-color-${(i % CHART_COLORS) + 1}`} aria-hidden="true" />
                {l.label} <strong>{formatValue(valueOf(l.values), props.unit)}</strong>
              </li>
            ))}
            {marked.map((m) => (
              <li key={`${m.x}:${m.label}`} className={`metric-marker-note ${m.alert ? 'alert' : 'event'}`}>
                {m.label}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className="metric-empty muted">{props.empty}</p>
      )}
    </figure>
  );
}
