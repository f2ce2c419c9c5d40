import { createStyle, displayWidth, padEnd, padStart, rowsOf, type Style, truncate } from './ansi.js';
import { highlightSqlLine, isSqlLanguage, type SqlHighlightState } from './sql-highlight.js';

/** How markdown is drawn: styles and the terminal width (read at each use, so resizes apply). */
export interface MarkdownOptions {
  style: Style;
  width: () => number;
}

const PLAIN = createStyle(false);
const BULLETS = ['•', '◦', '▪'];

/** Inline markdown: `code`, **bold**, *italic*, ~~strike~~ and [links](url). */
export function renderInline(text: string, style: Style): string {
  const parts = text.split(/(`+[^`]+?`+)/);
  return parts
    .map((part, index) => {
      if (index % 2 === 1) return style.cyan(part.replace(/^`+\s?|\s?`+$/g, ''));
      return part
        .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (_m, label: string, url: string) =>
          label === url ? style.underline(url) : `${style.underline(label)}${style.dim(` (${url})`)}`,
        )
        .replace(/\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__/g, (_m, a?: string, b?: string) =>
          style.bold(a ?? b ?? ''),
        )
        .replace(/(?<![*\w])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?!\*)/g, (_m, a: string) => style.italic(a))
        .replace(/(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])/g, (_m, a: string) => style.italic(a))
        .replace(/~~(?=\S)(.+?)(?<=\S)~~/g, (_m, a: string) => style.strike(a))
        .replace(/\\([\\`*_{}[\]()#+\-.!|~>])/g, '$1');
    })
    .join('');
}

/** The cells of a table row: split on pipes that are not escaped or inside `code`. */
function splitRow(line: string): string[] {
  const trimmed = line
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '');
  const cells: string[] = [];
  let cell = '';
  let inCode = false;
  for (let i = 0; i < trimmed.length; i++) {
    const char = trimmed[i]!;
    if (char === '\\' && trimmed[i + 1] === '|') {
      cell += '|';
      i++;
    } else if (char === '`') {
      inCode = !inCode;
      cell += char;
    } else if (char === '|' && !inCode) {
      cells.push(cell.trim());
      cell = '';
    } else cell += char;
  }
  cells.push(cell.trim());
  return cells;
}

function isSeparatorRow(line: string): boolean {
  return /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/.test(line) && line.includes('-');
}

type Align = 'left' | 'right' | 'center';

/** Cells and how to draw them: `markdown` cells get inline formatting, others are shown as they are. */
export interface GridOptions extends MarkdownOptions {
  markdown?: boolean;
  aligns?: (Align | undefined)[];
  /** Style of the cell at (row, column) of the body, e.g. to dim NULLs. */
  cellStyle?: (text: string) => string;
}

/** Draws a table with box-drawing borders, fitted to the terminal width (long cells are cut with "…"). */
export function renderGrid(header: string[], body: string[][], options: GridOptions): string[] {
  const { style } = options;
  const markdown = options.markdown ?? false;
  const columns = Math.max(header.length, ...body.map((r) => r.length));
  const all = [header, ...body].map((row) => Array.from({ length: columns }, (_, i) => row[i] ?? ''));
  const plain = all.map((row) => row.map((cell) => (markdown ? renderInline(cell, PLAIN) : cell)));
  const widths = Array.from({ length: columns }, (_, c) =>
    Math.max(1, ...plain.map((row) => displayWidth(row[c]!))),
  );
  // Numbers line up on the right unless the table says otherwise.
  const resolved: Align[] = widths.map(
    (_, c) =>
      options.aligns?.[c] ??
      (body.length > 0 && body.every((row) => /^-?[\d,.]+%?$|^$/.test((row[c] ?? '').trim()))
        ? 'right'
        : 'left'),
  );

  const available = Math.max(columns * 4, options.width() - 1) - (3 * columns + 1);
  while (widths.reduce((a, b) => a + b, 0) > available) {
    const widest = widths.indexOf(Math.max(...widths));
    if (widths[widest]! <= 3) break;
    widths[widest] = widths[widest]! - 1;
  }

  const cellText = (row: number, c: number): string => {
    const width = widths[c]!;
    const raw = plain[row]![c]!;
    const fits = displayWidth(raw) <= width;
    let text = fits ? (markdown ? renderInline(all[row]![c]!, style) : raw) : truncate(raw, width);
    if (row === 0) text = style.bold(text);
    else if (options.cellStyle) text = options.cellStyle(text);
    const align = resolved[c]!;
    if (align === 'right') return padStart(text, width);
    if (align === 'center') {
      const left = Math.floor((width - displayWidth(text)) / 2);
      return padEnd(' '.repeat(Math.max(0, left)) + text, width);
    }
    return padEnd(text, width);
  };
  const border = (left: string, middle: string, right: string) =>
    style.dim(left + widths.map((w) => '─'.repeat(w + 2)).join(middle) + right);
  const row = (index: number) =>
    style.dim('│ ') + widths.map((_, c) => cellText(index, c)).join(style.dim(' │ ')) + style.dim(' │');

  return [
    border('┌', '┬', '┐'),
    row(0),
    border('├', '┼', '┤'),
    ...body.map((_, i) => row(i + 1)),
    border('└', '┴', '┘'),
  ];
}

function renderTable(lines: string[], options: MarkdownOptions): string[] {
  const aligns: (Align | undefined)[] = splitRow(lines[1]!).map((spec) =>
    spec.startsWith(':') && spec.endsWith(':')
      ? 'center'
      : spec.endsWith(':')
        ? 'right'
        : spec.startsWith(':')
          ? 'left'
          : undefined,
  );
  return renderGrid(splitRow(lines[0]!), lines.slice(2).map(splitRow), {
    ...options,
    markdown: true,
    aligns,
  });
}

/** Renders markdown a line at a time: feed complete lines, get terminal lines back (none while a table is still coming). */
export interface BlockRenderer {
  line(raw: string): string[];
  /** Ends open blocks (a table still being collected, an unclosed code fence). */
  end(): string[];
  /** True while table rows are being collected: the current line should not be shown raw. */
  readonly collecting: boolean;
}

/** Creates a {@link BlockRenderer}. */
export function createBlockRenderer(options: MarkdownOptions): BlockRenderer {
  const { style } = options;
  let fence: { marker: string; indent: number; sql: boolean; state: SqlHighlightState } | undefined;
  let held: string[] = [];
  let lastBlank = true;

  const flushHeld = (): string[] => {
    const lines = held;
    held = [];
    if (lines.length >= 2 && isSeparatorRow(lines[1]!)) {
      lastBlank = false;
      return renderTable(lines, options);
    }
    return lines.flatMap((l) => block(l));
  };

  const block = (raw: string): string[] => {
    if (raw.trim() === '') {
      if (lastBlank) return [];
      lastBlank = true;
      return [''];
    }
    lastBlank = false;
    const open = /^(\s*)(`{3,}|~{3,})\s*([^`\s]*)/.exec(raw);
    if (open) {
      fence = {
        marker: open[2]!,
        indent: open[1]!.length,
        sql: isSqlLanguage(open[3] ?? ''),
        state: { mode: 'code' },
      };
      return [];
    }
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(raw);
    if (heading) {
      const text = renderInline(heading[2]!, style);
      const level = heading[1]!.length;
      return [
        level === 1
          ? style.bold(style.underline(style.cyan(text)))
          : level === 2
            ? style.bold(style.cyan(text))
            : style.bold(text),
      ];
    }
    if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(raw)) {
      return [style.dim('─'.repeat(Math.min(40, Math.max(3, options.width() - 1))))];
    }
    const quote = /^\s{0,3}>\s?(.*)$/.exec(raw);
    if (quote) return [style.dim('│ ') + style.italic(renderInline(quote[1]!, style))];
    const item = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/.exec(raw);
    if (item) {
      const depth = Math.floor(item[1]!.replace(/\t/g, '    ').length / 2);
      const marker = /\d/.test(item[2]!) ? item[2]! : BULLETS[Math.min(depth, BULLETS.length - 1)]!;
      const task = /^\[([ xX])\]\s+(.*)$/.exec(item[3]!);
      const body = task ? `${task[1] === ' ' ? '☐' : '☑'} ${task[2]!}` : item[3]!;
      return [`${'  '.repeat(depth)}${style.yellow(marker)} ${renderInline(body, style)}`];
    }
    return [renderInline(raw.replace(/\t/g, '    '), style)];
  };

  return {
    get collecting() {
      return held.length > 0;
    },
    line(raw) {
      if (fence) {
        const close = new RegExp(`^\\s*${fence.marker[0] === '`' ? '`' : '~'}{${fence.marker.length},}\\s*$`);
        if (close.test(raw)) {
          fence = undefined;
          lastBlank = false;
          return [];
        }
        const code = raw
          .slice(Math.min(fence.indent, raw.length - raw.trimStart().length))
          .replace(/\t/g, '    ');
        if (!fence.sql) return [`  ${code}`];
        const highlighted = highlightSqlLine(code, style, fence.state);
        fence.state = highlighted.state;
        return [`  ${highlighted.text}`];
      }
      const isRow = raw.includes('|') && raw.trim() !== '';
      if (held.length > 0) {
        if (isRow && (held.length > 1 || isSeparatorRow(raw))) {
          held.push(raw);
          return [];
        }
        const out = flushHeld();
        return [...out, ...this.line(raw)];
      }
      if (isRow && !/^\s*(`{3,}|~{3,})/.test(raw)) {
        held = [raw];
        return [];
      }
      return block(raw);
    },
    end() {
      fence = undefined;
      const out = held.length > 0 ? flushHeld() : [];
      lastBlank = true;
      return out;
    },
  };
}

/** Renders a whole markdown text for the terminal. */
export function renderMarkdown(text: string, options: MarkdownOptions): string {
  const renderer = createBlockRenderer(options);
  const lines = text.split('\n').flatMap((line) => renderer.line(line));
  lines.push(...renderer.end());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}

/** Streams markdown to a terminal as it arrives. */
export interface MarkdownStream {
  /** Adds streamed text: complete lines are rendered, the current line is shown as it grows. */
  push(text: string): void;
  /** Renders what is left and closes open blocks; the stream can be used again afterwards. */
  finish(): void;
  /** True when the cursor is at the start of an empty line (nothing shown of a current line). */
  readonly atLineStart: boolean;
}

/**
 * A markdown stream for a terminal. Each completed line is rendered once; only the line still being
 * streamed is redrawn (its raw text is replaced by the rendered line when its newline arrives), so the
 * cost per token does not grow with the answer. Tables are collected and drawn when complete.
 */
export function createMarkdownStream(
  options: MarkdownOptions & { write: (text: string) => void; live?: boolean },
): MarkdownStream {
  const renderer = createBlockRenderer(options);
  const live = options.live ?? true;
  let partial = '';
  let shown = '';

  const erase = () => {
    if (shown === '') return;
    const rows = rowsOf(displayWidth(shown), options.width());
    options.write(`${rows > 1 ? `\x1b[${rows - 1}A` : ''}\r\x1b[J`);
    shown = '';
  };
  const emit = (lines: string[]) => {
    for (const line of lines) options.write(`${line}\n`);
  };

  return {
    get atLineStart() {
      return shown === '';
    },
    push(text) {
      partial += text.replace(/\r\n?/g, '\n');
      let newline = partial.indexOf('\n');
      while (newline !== -1) {
        const line = partial.slice(0, newline);
        partial = partial.slice(newline + 1);
        erase();
        emit(renderer.line(line));
        newline = partial.indexOf('\n');
      }
      if (live && partial !== '' && !renderer.collecting) {
        const visible = partial.replace(/\t/g, '    ').replace(/[\x00-\x1f\x7f]/g, '');
        if (visible.startsWith(shown)) options.write(visible.slice(shown.length));
        else {
          erase();
          options.write(visible);
        }
        shown = visible;
      }
    },
    finish() {
      erase();
      if (partial !== '') emit(renderer.line(partial));
      partial = '';
      emit(renderer.end());
    },
  };
}
