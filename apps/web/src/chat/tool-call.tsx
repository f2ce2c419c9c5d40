import { rowCountOf } from '@pgmcp/agent';
import { memo, useEffect, useState } from 'react';
import { errorMessage } from '../api/error-message.js';
import type { McpSession } from '../mcp/mcp-session.js';
import { AlertIcon, CheckIcon, ChevronIcon, ToolIcon } from '../ui/icons.js';
import { ResultGrid } from '../ui/result-grid.js';
import { SqlCode } from '../ui/sql-code.js';
import { CopyButton } from '../ui/copy-button.js';
import { ChartButton, ChartPanel } from '../chart/chart-toggle.js';
import { openInConsole } from '../console/open-in-console.js';
import { exactResult } from '../console/result-values.js';
import type { ToolRuntime } from './chat-session.js';
import { parseQueryText, type QueryResult } from './query-result.js';
import type { TranscriptItem } from './transcript.js';

type ToolItem = Extract<TranscriptItem, { kind: 'tool' }>;

/** Props of {@link ToolCall}. */
export interface ToolCallProps {
  item: ToolItem;
  runtime: ToolRuntime | undefined;
  /** For "more rows": calls query_database directly. */
  callTool: McpSession['callTool'] | undefined;
  /** Remembered open/closed state, so scrolling away and back keeps it. */
  open: boolean;
  onToggle: (id: string, open: boolean) => void;
}

type Status = ToolRuntime['status'];

/** How a call stands: the live status during a turn, else read from the stored result. */
export function statusOf(item: ToolItem, runtime: ToolRuntime | undefined): Status {
  if (runtime) return runtime.status;
  if (!item.result) return 'not_run';
  if (!item.result.isError) return 'ok';
  if (/^The user declined/.test(item.result.text)) return 'declined';
  if (/^Not run\b/.test(item.result.text)) return 'not_run';
  if (/cancel/i.test(item.result.text)) return 'cancelled';
  return 'error';
}

const STATUS_LABEL: Record<Status, string> = {
  awaiting_confirmation: 'waiting for your confirmation',
  pending: 'queued',
  running: 'running',
  ok: 'done',
  error: 'failed',
  declined: 'declined',
  cancelled: 'cancelled',
  not_run: 'not run',
};

function firstLine(sql: string): string {
  const line = sql.trim().replace(/\s+/g, ' ');
  return line.length > 90 ? `${line.slice(0, 87)}…` : line;
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString()} ${word}${n === 1 ? '' : 's'}`;
}

/** query_database rows with "More rows" paging: the next page comes straight from MCP, not the model. */
function QueryRows({
  initial,
  item,
  callTool,
}: {
  initial: QueryResult;
  item: ToolItem;
  callTool: ToolCallProps['callTool'];
}) {
  const [result, setResult] = useState(initial);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string>();
  const [chart, setChart] = useState(false);
  const more = result.nextOffset !== undefined && item.sql !== undefined && callTool !== undefined;

  const loadMore = async () => {
    if (!more || !callTool) return;
    setLoading(true);
    setError(undefined);
    try {
      const { query: _q, offset: _o, ...rest } = item.input;
      const page = await callTool('query_database', { ...rest, query: item.sql, offset: result.nextOffset });
      const next = page.isError
        ? undefined
        : (exactResult(page.structured, page.text) ?? parseQueryText(page.text));
      if (!next) setError(page.text);
      else {
        setResult((current) => ({
          ...next,
          offset: current.offset,
          rows: [...current.rows, ...next.rows],
        }));
      }
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  };

  if (result.columns.length === 0) {
    return (
      <p className="tool-summary-line">
        {result.command ?? 'Statement'} completed
        {result.affectedRows !== undefined ? `, ${plural(result.affectedRows, 'row')} affected` : ''}.
      </p>
    );
  }
  return (
    <div className="tool-rows">
      <ResultGrid
        columns={result.columns}
        rows={result.rows}
        firstRowNumber={result.offset + 1}
        label={`Result of ${item.name}`}
        className="in-chat"
      />
      <div className="tool-rows-bar">
        <span>
          {plural(result.rows.length, 'row')}
          {more ? ' shown, more available' : ''}
        </span>
        {more ? (
          <button type="button" className="button small" onClick={() => void loadMore()} disabled={loading}>
            {loading ? 'Loading…' : 'More rows'}
          </button>
        ) : null}
        <ChartButton open={chart} onToggle={() => setChart((c) => !c)} />
      </div>
      {chart ? <ChartPanel columns={result.columns} rows={result.rows} /> : null}
      {error ? (
        <p className="tool-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function ResultBody({ item, runtime, callTool, status }: ToolCallProps & { status: Status }) {
  if (status === 'awaiting_confirmation')
    return <p className="tool-summary-line">Waiting for your answer…</p>;
  if (status === 'pending' || status === 'running') return <p className="tool-summary-line">Running…</p>;
  if (status === 'declined') return <p className="tool-summary-line">You declined; nothing ran.</p>;
  const result = item.result;
  if (!result) return <p className="tool-summary-line">Not run.</p>;
  if (result.isError) {
    return <pre className="tool-error">{result.text}</pre>;
  }
  if (item.name === 'query_database') {
    const structured = runtime?.structured ?? result.display?.structured;
    const rows = exactResult(structured, result.text) ?? parseQueryText(result.text);
    if (rows) return <QueryRows initial={rows} item={item} callTool={callTool} />;
  }
  return <pre className="tool-text">{result.text}</pre>;
}

/** One tool call inline in the chat: tool, arguments, SQL, and its result table or error; collapsible. */
export const ToolCall = memo(function ToolCall(props: ToolCallProps) {
  const { item, runtime, onToggle } = props;
  const [open, setOpen] = useState(props.open);
  // The default (open for queries and failures) can change while the call runs.
  useEffect(() => setOpen(props.open), [props.open]);
  const status = statusOf(item, runtime);
  const args = Object.entries(item.input).filter(([key]) => key !== 'query' || item.sql === undefined);
  const stored = item.result?.display;
  const rows = runtime ? runtime.rowCount : rowCountOf(stored?.structured);
  const durationMs = runtime ? runtime.durationMs : stored?.duration_ms;
  const meta = [
    rows !== undefined && status === 'ok' ? plural(rows, 'row') : undefined,
    durationMs ? `${Math.round(durationMs)} ms` : undefined,
  ].filter(Boolean);
  const failed = status === 'error';
  return (
    <details
      className={`tool-call status-${status}`}
      open={open}
      onToggle={(event) => {
        const now = event.currentTarget.open;
        if (now !== open) {
          setOpen(now);
          onToggle(item.id, now);
        }
      }}
    >
      <summary>
        <ChevronIcon />
        <span className="tool-icon">
          {failed ? <AlertIcon /> : status === 'ok' ? <CheckIcon /> : <ToolIcon />}
        </span>
        <span className="tool-name">{item.name}</span>
        <span className="tool-brief">{item.sql ? firstLine(item.sql) : ''}</span>
        <span className="tool-meta">
          {meta.join(' · ')}
          <span className={`tool-status ${status}`}>{STATUS_LABEL[status]}</span>
        </span>
      </summary>
      <div className="tool-body">
        {item.sql ? (
          <div className="tool-sql">
            <SqlCode sql={item.sql} />
            <CopyButton text={item.sql} label="Copy SQL" />
            <button
              type="button"
              className="button small ghost open-console"
              onClick={() => openInConsole(item.sql ?? '')}
            >
              Open in console
            </button>
          </div>
        ) : null}
        {args.length > 0 ? (
          <dl className="tool-args">
            {args.map(([key, value]) => (
              <div key={key}>
                <dt>{key}</dt>
                <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
              </div>
            ))}
          </dl>
        ) : null}
        {open ? <ResultBody {...props} status={status} /> : null}
      </div>
    </details>
  );
});
