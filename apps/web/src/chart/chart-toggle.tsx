import { lazy, Suspense } from 'react';
import { ChartIcon } from '../ui/icons.js';

const ResultChart = lazy(() => import('./result-chart.js').then((m) => ({ default: m.ResultChart })));

/** The "Chart" button of a result's toolbar; its parent keeps whether the chart shows. */
export function ChartButton({ open, onToggle }: { open: boolean; onToggle: () => void }) {
  return (
    <button type="button" className="button small" aria-pressed={open} onClick={onToggle}>
      <ChartIcon /> {open ? 'Hide chart' : 'Chart'}
    </button>
  );
}

/** A chart of the rows; the chart code (uPlot) loads the first time one is shown. */
export function ChartPanel(props: {
  columns: readonly { name: string; type?: string }[];
  rows: readonly (readonly unknown[])[];
}) {
  return (
    <div className="chart-slot">
      <Suspense fallback={<p className="muted small">Loading the chart…</p>}>
        <ResultChart columns={props.columns} rows={props.rows} />
      </Suspense>
    </div>
  );
}
