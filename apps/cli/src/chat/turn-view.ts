import type { AgentEvent } from '@pgmcp/agent';
import type { Usage } from '@pgmcp/api-contract';
import { type Style, truncate } from './ansi.js';
import type { CompactionReport, TurnOutcome } from './chat-session.js';
import { createMarkdownStream, renderGrid } from './markdown.js';
import { highlightSql } from './sql-highlight.js';

const SPINNER_FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A one-line spinner; it draws only while nothing else is on its line. */
interface Spinner {
  start(label: string): void;
  stop(): void;
  readonly active: boolean;
}

/** Creates a {@link Spinner} that redraws every 80 ms. */
function createSpinner(write: (text: string) => void, style: Style): Spinner {
  let timer: NodeJS.Timeout | undefined;
  let frame = 0;
  let label = '';
  const draw = () => {
    frame = (frame + 1) % SPINNER_FRAMES.length;
    write(`\r${style.cyan(SPINNER_FRAMES[frame]!)} ${style.dim(label)}\x1b[K`);
  };
  return {
    start(text) {
      label = text;
      if (!timer) {
        draw();
        timer = setInterval(draw, 80);
      }
    },
    stop() {
      if (!timer) return;
      clearInterval(timer);
      timer = undefined;
      write('\r\x1b[K');
    },
    get active() {
      return timer !== undefined;
    },
  };
}

/** Thousands as "1.2k", for token counts. */
export function formatCount(value: number): string {
  if (value < 1000) return String(value);
  if (value < 100_000) return `${(value / 1000).toFixed(1).replace(/\.0$/, '')}k`;
  return `${Math.round(value / 1000)}k`;
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Token usage as one line: input, cached, output. */
export function formatUsage(usage: Usage): string {
  return `${usage.input_tokens.toLocaleString('en-US')} in${usage.cache_read_tokens ? ` (${usage.cache_read_tokens.toLocaleString('en-US')} cached)` : ''} · ${usage.output_tokens.toLocaleString('en-US')} out`;
}

/** The arguments of a tool call worth showing on its line (the SQL is shown below it). */
function describeArguments(input: Record<string, unknown>, sql: string | undefined): string {
  return Object.entries(input)
    .filter(([, value]) => value !== undefined && !(sql !== undefined && value === sql))
    .map(
      ([key, value]) => `${key}=${truncate(typeof value === 'string' ? value : JSON.stringify(value), 40)}`,
    )
    .join(' ');
}

function cellOf(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.replace(/\r?\n/g, '↵');
}

/** A few rows of a query_database result, as a small table. */
export function previewRows(
  structured: Record<string, unknown> | undefined,
  limit: number,
  options: { style: Style; width: () => number },
): string[] {
  if (!structured || limit <= 0) return [];
  const columns = structured.columns;
  const rows = structured.rows;
  if (!Array.isArray(columns) || !Array.isArray(rows) || columns.length === 0 || rows.length === 0) return [];
  const header = columns.map((c) =>
    typeof c === 'object' && c !== null && 'name' in c ? String((c as { name: unknown }).name) : String(c),
  );
  const body = rows.slice(0, limit).map((row) => (Array.isArray(row) ? row.map(cellOf) : [cellOf(row)]));
  const lines = renderGrid(header, body, {
    style: options.style,
    width: () => options.width() - 2,
    cellStyle: (text) => (text === 'NULL' ? options.style.dim(text) : text),
  });
  const total = typeof structured.row_count === 'number' ? structured.row_count : rows.length;
  const more = total - body.length;
  if (more > 0 || structured.truncated === true) {
    lines.push(
      options.style.dim(
        `… ${more > 0 ? `${more} more row${more === 1 ? '' : 's'}` : 'more rows'}${structured.truncated === true ? ' (the result was cut; the model can page with offset)' : ''}`,
      ),
    );
  }
  return lines.map((l) => `  ${l}`);
}

/** What a successful call produced: rows returned, or rows a write affected. */
function outcomeOf(structured: Record<string, unknown> | undefined, rowCount: number | undefined): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const affected = structured?.affected_rows;
  if (
    typeof affected === 'number' &&
    typeof structured?.command === 'string' &&
    structured.command !== 'SELECT'
  ) {
    return `${structured.command} · ${plural(affected, 'row')} affected`;
  }
  return rowCount !== undefined ? plural(rowCount, 'row') : 'done';
}

/** Options of {@link createTurnView}. */
export interface TurnViewOptions {
  write: (text: string) => void;
  style: Style;
  width: () => number;
  /** Redraw the line being streamed and show a spinner (a terminal); false prints plain lines only. */
  live: boolean;
  /** Rows of query results shown under a tool call (0: none). */
  previewRows: number;
  /** Show the assistant's text (false when only tool activity is wanted, e.g. one-shot --verbose on stderr). */
  showText?: boolean;
  /** Show how the turn ended (cancelled, failed); false when the caller reports that itself. */
  showErrors?: boolean;
}

/** Draws one turn in a terminal: streamed markdown, tool activity, notices. */
export interface TurnView {
  start(): void;
  onEvent(event: AgentEvent): void;
  onCompaction(report: CompactionReport): void;
  /** Stops the spinner and ends the current line, before a question is asked. */
  pause(): void;
  /** Shows a statement that needs confirmation (its tool line will not repeat it). */
  showConfirmation(
    id: string,
    tool: string,
    sql: string | undefined,
    input: Record<string, unknown>,
    database: string | undefined,
  ): void;
  finish(outcome: TurnOutcome): void;
}

/** Describes a compaction in one line. */
export function describeCompaction(report: CompactionReport): string {
  const by =
    report.by === 'server'
      ? 'by the server'
      : report.by === 'local'
        ? 'locally'
        : `by keeping the first and last messages (the compactor failed: ${report.reason ?? 'unknown'})`;
  return `History compacted ${by}: ${report.messagesBefore} → ${report.messagesAfter} messages, ~${formatCount(report.tokensBefore)} → ~${formatCount(report.tokensAfter)} tokens.`;
}

/** Creates a {@link TurnView}. */
export function createTurnView(options: TurnViewOptions): TurnView {
  const { write, style, live } = options;
  const showText = options.showText ?? true;
  const spinner = live ? createSpinner(write, style) : undefined;
  const markdown = createMarkdownStream({ write, style, width: options.width, live });
  const confirmed = new Set<string>();
  const announced = new Set<string>();
  let lastStarted: string | undefined;
  let wroteText = false;
  /** Tool lines were drawn since the last text: the next text starts after a blank line. */
  let afterTools = false;

  const settle = () => {
    spinner?.stop();
    if (showText) markdown.finish();
  };
  const line = (text: string) => {
    settle();
    write(`${text}\n`);
  };

  const sqlLines = (sql: string) =>
    highlightSql(sql.trim(), style)
      .split('\n')
      .map((l) => `    ${l}`)
      .join('\n');

  const header = (
    name: string,
    input: Record<string, unknown>,
    sql: string | undefined,
    withSql: boolean,
  ) => {
    const args = describeArguments(input, sql);
    line(`${style.cyan('⏺')} ${style.bold(name)}${args ? ` ${style.dim(args)}` : ''}`);
    if (withSql && sql) line(sqlLines(sql));
  };

  return {
    start() {
      spinner?.start('thinking…  (Esc to stop)');
    },
    onEvent(event) {
      switch (event.type) {
        case 'text':
          if (!showText) return;
          spinner?.stop();
          if ((!wroteText || afterTools) && event.text.trim() === '') return;
          if (afterTools) write('\n');
          wroteText = true;
          afterTools = false;
          markdown.push(event.text);
          return;
        case 'iteration_start':
          if (event.iteration > 1) {
            settle();
            spinner?.start('thinking…  (Esc to stop)');
          }
          return;
        case 'tool_call_started':
          if (!announced.has(event.id)) header(event.name, event.input, event.sql, !confirmed.has(event.id));
          announced.add(event.id);
          lastStarted = event.id;
          spinner?.start(`running ${event.name}…`);
          return;
        case 'tool_call_finished': {
          if (!announced.has(event.id)) header(event.name, {}, undefined, false);
          announced.add(event.id);
          // Name the tool when another call was started after this one, so parallel results stay readable.
          const who = lastStarted === undefined || lastStarted === event.id ? '' : `${event.name} · `;
          const took = event.durationMs > 0 ? ` · ${formatDuration(event.durationMs)}` : '';
          switch (event.status) {
            case 'ok': {
              line(
                `  ${style.green('✓')} ${style.dim(`${who}${outcomeOf(event.structuredContent, event.rowCount)}${took}`)}`,
              );
              for (const preview of previewRows(event.structuredContent, options.previewRows, options))
                line(preview);
              break;
            }
            case 'error':
              line(
                `  ${style.red('✗')} ${style.dim(who)}${style.red(truncate(event.text.split('\n')[0] ?? 'failed', Math.max(20, options.width() - 8)))}`,
              );
              break;
            case 'declined':
              line(`  ${style.yellow('⊘')} ${style.dim(`${who}declined — not run`)}`);
              break;
            case 'cancelled':
              line(`  ${style.yellow('⊘')} ${style.dim(`${who}cancelled`)}`);
              break;
            case 'not_run':
              line(`  ${style.yellow('⊘')} ${style.dim(`${who}not run (turn limit)`)}`);
              break;
          }
          afterTools = true;
          if (spinner && !spinner.active) spinner.start('thinking…  (Esc to stop)');
          return;
        }
        case 'compaction_failed':
          line(style.yellow(`! ${event.message} The full history was sent.`));
          return;
        case 'tool_call_requested':
        case 'compacted':
        case 'usage':
        case 'message':
        case 'error':
          return;
        case 'done':
          settle();
          return;
      }
    },
    onCompaction(report) {
      line(style.dim(`↻ ${describeCompaction(report)}`));
    },
    pause: settle,
    showConfirmation(id, tool, sql, input, database) {
      confirmed.add(id);
      announced.add(id);
      settle();
      const args = describeArguments(input, sql);
      write(
        `${style.yellow('⚠')} ${style.bold(tool)}${args ? ` ${style.dim(args)}` : ''} ${style.yellow(`may change data${database ? ` on ${database}` : ''}:`)}\n`,
      );
      if (sql) write(`${sqlLines(sql)}\n`);
    },
    finish(outcome) {
      settle();
      const { result } = outcome;
      if (options.showErrors !== false) {
        if (result.cancelled) write(style.dim('⏹ Stopped. What finished before is kept.\n'));
        else if (result.error) write(style.red(`✗ ${result.error.message}\n`));
        else if (result.notice) write(style.yellow(`${result.notice}\n`));
        if (outcome.saveError)
          write(style.yellow(`! The conversation was not saved: ${outcome.saveError}\n`));
      }
      if (showText) write('\n');
    },
  };
}
