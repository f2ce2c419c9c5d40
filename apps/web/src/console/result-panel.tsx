import { useState } from 'react';
import { ChartButton, ChartPanel } from '../chart/chart-toggle.js';
import type { QueryResult } from '../chat/query-result.js';
import { errorMessage } from '../api/error-message.js';
import type { McpSession } from '../mcp/mcp-session.js';
import { DownloadIcon } from '../ui/icons.js';
import { type GridCell, ResultGrid } from '../ui/result-grid.js';
import { download, EXPORTS, type ExportFormat } from './export-result.js';
import { EXPORT_MAX_ROWS, fetchAllRows } from './fetch-all.js';
import { plainValue } from './result-values.js';

/** Props of {@link ResultPanel}. */
export interface ResultPanelProps {
  sql: string;
  result: QueryResult;
  limit: number;
  callTool: McpSession['callTool'];
  busy: boolean;
  onMore: () => void;
  /** Total rows, when counted. */
  total?: number;
  onCount: () => void;
}

async function copy(text: string): Promise<void> {
  await navigator.clipboard.writeText(text);
}

/** A result in the console: the grid, its row count, copy, export (all pages) and a chart. */
export function ResultPanel({
  sql,
  result,
  limit,
  callTool,
  busy,
  onMore,
  total,
  onCount,
}: ResultPanelProps) {
  const [cell, setCell] = useState<GridCell>();
  const [chart, setChart] = useState(false);
  const [exporting, setExporting] = useState<string>();
  const [note, setNote] = useState<string>();
  const more = result.nextOffset !== undefined;
  const known = more ? total : result.offset + result.rows.length;

  if (result.columns.length === 0) {
    return (
      <div className="result-meta">
        <span>
          {result.command ?? 'Statement'} completed
          {result.affectedRows !== undefined ? `, ${result.affectedRows} rows affected` : ''}
        </span>
      </div>
    );
  }

  const exportAs = async (format: ExportFormat) => {
    setExporting(format);
    setNote(undefined);
    try {
      const all = more ? await fetchAllRows(callTool, sql, result) : { ...result, capped: false };
      const spec = EXPORTS[format];
      download(`result.${format}`, spec.render(all), spec.mime);
      setNote(
        `Exported ${all.rows.length.toLocaleString()} rows as ${spec.label}` +
          (all.capped ? ` (stopped at ${EXPORT_MAX_ROWS.toLocaleString()} rows)` : ''),
      );
    } catch (e) {
      setNote(`Export failed: ${errorMessage(e)}`);
    } finally {
      setExporting(undefined);
    }
  };

  const copyWhat = async (what: 'cell' | 'row' | 'column') => {
    if (!cell) return;
    const text =
      what === 'cell'
        ? plainValue(cell.row[cell.column])
        : what === 'row'
          ? cell.row.map(plainValue).join('\t')
          : [result.columns[cell.column]!.name, ...result.rows.map((r) => plainValue(r[cell.column]))].join(
              '\n',
            );
    try {
      await copy(text);
      setNote(`Copied the ${what}.`);
    } catch (e) {
      setNote(`Could not copy: ${errorMessage(e)}`);
    }
  };

  return (
    <div className="result-panel">
      <div className="result-meta">
        <span data-testid="result-count">
          {result.rows.length.toLocaleString()} rows
          {known !== undefined ? ` of ${known.toLocaleString()}` : more ? ', more available' : ''}
          {result.durationMs !== undefined ? ` · ${Math.round(result.durationMs)} ms for the last page` : ''}
        </span>
        <div className="result-actions">
          {more ? (
            <>
              <button type="button" className="button small" onClick={onMore} disabled={busy}>
                Next {limit} rows
              </button>
              {total === undefined ? (
                <button type="button" className="button small ghost" onClick={onCount} disabled={busy}>
                  Count all
                </button>
              ) : null}
            </>
          ) : null}
          <span className="button-group" role="group" aria-label="Copy">
            {(['cell', 'row', 'column'] as const).map((what) => (
              <button
                key={what}
                type="button"
                className="button small ghost"
                disabled={!cell}
                title={cell ? undefined : 'Click a cell first'}
                onClick={() => void copyWhat(what)}
              >
                Copy {what}
              </button>
            ))}
          </span>
          <span className="button-group" role="group" aria-label="Export">
            {(Object.keys(EXPORTS) as ExportFormat[]).map((format) => (
              <button
                key={format}
                type="button"
                className="button small"
                disabled={!!exporting}
                onClick={() => void exportAs(format)}
              >
                <DownloadIcon /> {exporting === format ? 'Exporting…' : EXPORTS[format].label}
              </button>
            ))}
          </span>
          <ChartButton open={chart} onToggle={() => setChart((c) => !c)} />
        </div>
      </div>
      {note ? (
        <p className="muted small result-note" role="status">
          {note}
        </p>
      ) : null}
      {chart ? <ChartPanel columns={result.columns} rows={result.rows} /> : null}
      <ResultGrid
        columns={result.columns}
        rows={result.rows}
        firstRowNumber={result.offset + 1}
        label="Query result"
        className="console-grid"
        interactive
        onSelect={setCell}
        {...(cell ? { selected: { rowIndex: cell.rowIndex, column: cell.column } } : {})}
      />
    </div>
  );
}
