import { useEffect, useId, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { type ChartKind, type ChartSpec, chartData, defaultSpec, numericColumns } from './chart-data.js';

/** Props of {@link ResultChart}. */
export interface ResultChartProps {
  columns: readonly { name: string; type?: string }[];
  rows: readonly (readonly unknown[])[];
}

const COLORS = ['#2f6feb', '#e8590c', '#2b8a3e', '#ae3ec9', '#c92a2a', '#1098ad'];
const KINDS: ChartKind[] = ['line', 'bar', 'scatter'];

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

function options(spec: ChartSpec, data: ReturnType<typeof chartData>, width: number): uPlot.Options {
  const text = cssVar('--muted', '#888');
  const grid = cssVar('--border', '#ddd');
  const bars = uPlot.paths.bars?.({ size: [0.7, 60] });
  const axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  return {
    width,
    height: 280,
    scales: { x: { time: data.time, ...(data.categories ? { distr: 2 as const } : {}) } },
    axes: [
      {
        ...axis,
        ...(data.categories
          ? {
              values: (_u: uPlot, ticks: number[]) =>
                ticks.map((t) => data.categories?.[Math.round(t)] ?? ''),
            }
          : {}),
      },
      // Wide enough for labels such as 1,250,000.
      { ...axis, size: 80 },
    ],
    series: [
      {},
      ...data.series.map((s, i) => {
        const color = COLORS[i % COLORS.length]!;
        if (spec.kind === 'bar')
          return { label: s.name, stroke: color, fill: `${color}99`, paths: bars, points: { show: false } };
        if (spec.kind === 'scatter')
          return {
            label: s.name,
            stroke: color,
            paths: () => null,
            points: { show: true, size: 6, fill: color },
          };
        return { label: s.name, stroke: color, width: 2, spanGaps: false };
      }),
    ],
  };
}

/** A chart of a result (uPlot, loaded only when a chart is asked for) with its kind and columns to pick. */
export function ResultChart({ columns, rows }: ResultChartProps) {
  const ids = useId();
  const numeric = useMemo(() => numericColumns(columns, rows), [columns, rows]);
  const [spec, setSpec] = useState<ChartSpec | undefined>(() => defaultSpec(columns, rows));
  const host = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = host.current;
    if (!element || !spec || spec.ys.length === 0) return;
    const data = chartData(columns, rows, spec);
    const width = Math.max(280, element.clientWidth || 600);
    const plot = new uPlot(
      options(spec, data, width),
      [data.xs, ...data.series.map((s) => s.values)],
      element,
    );
    const resize =
      typeof ResizeObserver === 'undefined'
        ? undefined
        : new ResizeObserver(() => plot.setSize({ width: Math.max(280, element.clientWidth), height: 280 }));
    resize?.observe(element);
    return () => {
      resize?.disconnect();
      plot.destroy();
    };
  }, [columns, rows, spec]);

  if (!spec) return <p className="muted small">No numeric column to chart.</p>;
  const toggleY = (i: number) =>
    setSpec({
      ...spec,
      ys: spec.ys.includes(i) ? spec.ys.filter((y) => y !== i) : [...spec.ys, i].sort((a, b) => a - b),
    });
  return (
    <div className="result-chart">
      <div className="chart-controls">
        <div role="radiogroup" aria-label="Chart type" className="segmented">
          {KINDS.map((kind) => (
            <button
              key={kind}
              type="button"
              role="radio"
              aria-checked={spec.kind === kind}
              className={`button small ${spec.kind === kind ? 'primary' : ''}`}
              onClick={() => setSpec({ ...spec, kind })}
            >
              {kind[0]!.toUpperCase() + kind.slice(1)}
            </button>
          ))}
        </div>
        <label className="inline-field" htmlFor={`${ids}-x`}>
          x
          <select
            id={`${ids}-x`}
            value={spec.x}
            onChange={(e) =>
              setSpec({
                ...spec,
                x: Number(e.target.value),
                ys: spec.ys.filter((y) => y !== Number(e.target.value)),
              })
            }
          >
            {columns.map((c, i) => (
              <option key={i} value={i}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="chart-ys">
          <legend className="small muted">y</legend>
          {numeric
            .filter((i) => i !== spec.x)
            .map((i) => (
              <label key={i} className="check">
                <input type="checkbox" checked={spec.ys.includes(i)} onChange={() => toggleY(i)} />{' '}
                {columns[i]!.name}
              </label>
            ))}
        </fieldset>
      </div>
      {spec.ys.length === 0 ? <p className="muted small">Pick at least one y column.</p> : null}
      <div ref={host} className="chart-canvas" data-chart-kind={spec.kind} data-series={spec.ys.length} />
    </div>
  );
}
