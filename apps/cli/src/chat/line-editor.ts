import { displayWidth, padEnd } from './ansi.js';
import type { Key } from './keys.js';
import type { Terminal } from './terminal.js';

/** Completions for the text before the cursor: `candidates` replace the text from index `from` on. */
export interface Completion {
  from: number;
  candidates: string[];
}

/** What {@link LineEditor.read} returns. */
export type ReadResult =
  | { kind: 'line'; text: string }
  /** Ctrl-D on an empty line. */
  | { kind: 'eof' }
  /** Ctrl-C on an empty line. */
  | { kind: 'interrupt' };

/** Options of {@link createLineEditor}. */
export interface LineEditorOptions {
  terminal: Terminal;
  /** Earlier entries, oldest first. */
  history?: string[];
  /** Most entries kept (default 1000). */
  historySize?: number;
  /** Tab completion. */
  complete?: (textBeforeCursor: string) => Completion;
}

/** A line editor: Emacs keys, history (Up/Down, Ctrl-R search), Tab completion, bracketed paste. */
export interface LineEditor {
  /** Reads one line. `mask` hides what is typed (passwords) and keeps it out of history. */
  read(prompt: string, options?: { mask?: boolean }): Promise<ReadResult>;
  /** Adds an entry to the history (consecutive duplicates are kept once). */
  addHistory(entry: string): void;
  readonly history: readonly string[];
}

const NEWLINE_MARK = '↵';

function commonPrefix(values: string[]): string {
  if (values.length === 0) return '';
  let prefix = values[0]!;
  for (const value of values.slice(1)) {
    while (!value.startsWith(prefix)) prefix = prefix.slice(0, -1);
  }
  return prefix;
}

function previousWordStart(text: string, from: number): number {
  let i = from;
  while (i > 0 && /\s/.test(text[i - 1]!)) i--;
  while (i > 0 && !/\s/.test(text[i - 1]!)) i--;
  return i;
}

function nextWordEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  while (i < text.length && !/\s/.test(text[i]!)) i++;
  return i;
}

/** Creates a {@link LineEditor} on a raw-mode {@link Terminal}. */
export function createLineEditor(options: LineEditorOptions): LineEditor {
  const { terminal } = options;
  const history: string[] = [...(options.history ?? [])];
  const historySize = options.historySize ?? 1000;

  const addHistory = (entry: string) => {
    if (entry.trim() === '' || history[history.length - 1] === entry) return;
    history.push(entry);
    if (history.length > historySize) history.splice(0, history.length - historySize);
  };

  function read(prompt: string, readOptions: { mask?: boolean } = {}): Promise<ReadResult> {
    const mask = readOptions.mask === true;
    let buffer = '';
    let cursor = 0;
    let historyIndex = history.length;
    let draft = '';
    let cursorRow = 0;
    let endRow = 0;
    let lastKeyWasTab = false;
    let search: { query: string; index: number; failed: boolean; original: string } | undefined;

    const display = (text: string) => (mask ? '' : text.replace(/\n/g, NEWLINE_MARK));

    const render = () => {
      const columns = terminal.columns();
      let head = prompt;
      let body = buffer;
      let at = cursor;
      if (search) {
        head = `(${search.failed ? 'failed ' : ''}reverse-i-search)'${search.query}': `;
        body = search.index >= 0 ? history[search.index]! : '';
        at = Math.max(0, body.lastIndexOf(search.query));
      }
      const shown = display(body);
      const total = displayWidth(head) + displayWidth(shown);
      const before = displayWidth(head) + displayWidth(display(body.slice(0, at)));
      let out = cursorRow > 0 ? `\x1b[${cursorRow}A` : '';
      out += `\r\x1b[J${head}${shown}`;
      // At the right margin the cursor waits for the next character; move it to the next row now.
      if (total > 0 && total % columns === 0) out += '\n';
      endRow = Math.floor(total / columns);
      const row = Math.floor(before / columns);
      const column = before % columns;
      if (endRow > row) out += `\x1b[${endRow - row}A`;
      out += '\r' + (column > 0 ? `\x1b[${column}C` : '');
      cursorRow = row;
      terminal.write(out);
    };

    const insert = (text: string) => {
      buffer = buffer.slice(0, cursor) + text + buffer.slice(cursor);
      cursor += text.length;
    };

    const setBuffer = (text: string) => {
      buffer = text;
      cursor = text.length;
    };

    const findMatch = (query: string, startBelow: number): number => {
      for (let i = Math.min(startBelow, history.length) - 1; i >= 0; i--) {
        if (history[i]!.includes(query)) return i;
      }
      return -1;
    };

    /** Moves to the start of the row below the drawn line. */
    const leaveLine = () => {
      const down = endRow - cursorRow;
      terminal.write(`${down > 0 ? `\x1b[${down}B` : ''}\r\n`);
      cursorRow = 0;
    };

    const complete = (repeated: boolean) => {
      if (!options.complete || mask) return;
      const result = options.complete(buffer.slice(0, cursor));
      if (result.candidates.length === 0) return;
      const typed = buffer.slice(result.from, cursor);
      if (result.candidates.length === 1) {
        const [only] = result.candidates;
        buffer = buffer.slice(0, result.from) + only! + ' ' + buffer.slice(cursor);
        cursor = result.from + only!.length + 1;
        return;
      }
      const prefix = commonPrefix(result.candidates);
      if (prefix.length > typed.length) {
        buffer = buffer.slice(0, result.from) + prefix + buffer.slice(cursor);
        cursor = result.from + prefix.length;
        return;
      }
      if (!repeated) return;
      // Second Tab: list the candidates below the line, then draw the prompt again.
      const width = Math.max(...result.candidates.map((c) => displayWidth(c))) + 2;
      const perRow = Math.max(1, Math.floor(terminal.columns() / width));
      let list = '';
      result.candidates.forEach((candidate, i) => {
        list += padEnd(candidate, width);
        if ((i + 1) % perRow === 0 || i === result.candidates.length - 1) list = `${list.trimEnd()}\n`;
      });
      leaveLine();
      terminal.write(list);
    };

    return new Promise<ReadResult>((resolve) => {
      const finish = (result: ReadResult) => {
        search = undefined;
        cursor = buffer.length;
        render();
        terminal.write('\x1b[?2004l\n');
        cursorRow = 0;
        release();
        unresize();
        resolve(result);
      };

      /** Keys while searching the history; returns true when the key was used up. */
      const searchKey = (key: Key): boolean => {
        const s = search!;
        if (key.name === 'char' || key.name === 'paste') {
          s.query += key.text ?? '';
          const found = findMatch(s.query, s.index >= 0 ? s.index + 1 : history.length);
          s.failed = found === -1;
          if (!s.failed) s.index = found;
          return true;
        }
        if (key.name === 'backspace') {
          s.query = s.query.slice(0, -1);
          const found = findMatch(s.query, history.length);
          s.failed = found === -1;
          s.index = found;
          return true;
        }
        if (key.ctrl && key.name === 'r') {
          const found = findMatch(s.query, s.index >= 0 ? s.index : history.length);
          if (found === -1) s.failed = true;
          else {
            s.failed = false;
            s.index = found;
          }
          return true;
        }
        if (key.ctrl && (key.name === 'g' || key.name === 'c')) {
          setBuffer(s.original);
          search = undefined;
          return true;
        }
        // Anything else accepts the match into the line and then acts as usual.
        setBuffer(s.index >= 0 ? history[s.index]! : s.original);
        search = undefined;
        return key.name === 'escape';
      };

      const onKey = (key: Key) => {
        if (search && searchKey(key)) {
          render();
          return;
        }
        const wasTab = lastKeyWasTab;
        lastKeyWasTab = false;
        if (key.ctrl) {
          switch (key.name) {
            case 'c':
              if (buffer === '') return finish({ kind: 'interrupt' });
              cursor = buffer.length;
              render();
              terminal.write('^C\n');
              cursorRow = 0;
              setBuffer('');
              break;
            case 'd':
              if (buffer === '') return finish({ kind: 'eof' });
              buffer = buffer.slice(0, cursor) + buffer.slice(cursor + 1);
              break;
            case 'a':
              cursor = 0;
              break;
            case 'e':
              cursor = buffer.length;
              break;
            case 'b':
              cursor = Math.max(0, cursor - 1);
              break;
            case 'f':
              cursor = Math.min(buffer.length, cursor + 1);
              break;
            case 'u':
              buffer = buffer.slice(cursor);
              cursor = 0;
              break;
            case 'k':
              buffer = buffer.slice(0, cursor);
              break;
            case 'w': {
              const start = previousWordStart(buffer, cursor);
              buffer = buffer.slice(0, start) + buffer.slice(cursor);
              cursor = start;
              break;
            }
            case 'l':
              terminal.write('\x1b[H\x1b[2J');
              cursorRow = 0;
              break;
            case 'r':
              if (mask) break;
              search = { query: '', index: -1, failed: false, original: buffer };
              break;
            case 'p':
              return onKey({ name: 'up', ctrl: false, meta: false });
            case 'n':
              return onKey({ name: 'down', ctrl: false, meta: false });
            case 'left':
              cursor = previousWordStart(buffer, cursor);
              break;
            case 'right':
              cursor = nextWordEnd(buffer, cursor);
              break;
            default:
              return;
          }
          render();
          return;
        }
        if (key.meta) {
          if (key.name === 'b' || key.name === 'left') cursor = previousWordStart(buffer, cursor);
          else if (key.name === 'f' || key.name === 'right') cursor = nextWordEnd(buffer, cursor);
          else if (key.name === 'd')
            buffer = buffer.slice(0, cursor) + buffer.slice(nextWordEnd(buffer, cursor));
          else if (key.name === 'backspace') {
            const start = previousWordStart(buffer, cursor);
            buffer = buffer.slice(0, start) + buffer.slice(cursor);
            cursor = start;
          } else return;
          render();
          return;
        }
        switch (key.name) {
          case 'enter':
            return finish({ kind: 'line', text: buffer });
          case 'char':
            insert(key.text ?? '');
            break;
          case 'paste':
          case 'newline':
            if (mask && key.name === 'newline') return finish({ kind: 'line', text: buffer });
            insert(key.name === 'newline' ? '\n' : (key.text ?? ''));
            break;
          case 'backspace':
            if (cursor > 0) {
              buffer = buffer.slice(0, cursor - 1) + buffer.slice(cursor);
              cursor--;
            }
            break;
          case 'delete':
            buffer = buffer.slice(0, cursor) + buffer.slice(cursor + 1);
            break;
          case 'left':
            cursor = Math.max(0, cursor - 1);
            break;
          case 'right':
            cursor = Math.min(buffer.length, cursor + 1);
            break;
          case 'home':
            cursor = 0;
            break;
          case 'end':
            cursor = buffer.length;
            break;
          case 'up':
            if (mask || historyIndex === 0) break;
            if (historyIndex === history.length) draft = buffer;
            historyIndex--;
            setBuffer(history[historyIndex]!);
            break;
          case 'down':
            if (mask || historyIndex >= history.length) break;
            historyIndex++;
            setBuffer(historyIndex === history.length ? draft : history[historyIndex]!);
            break;
          case 'tab':
            complete(wasTab);
            lastKeyWasTab = true;
            break;
          default:
            return;
        }
        render();
      };

      const release = terminal.onKeys(onKey);
      const unresize = terminal.onResize(render);
      terminal.write('\x1b[?2004h');
      render();
    });
  }

  return {
    read,
    addHistory,
    get history() {
      return history;
    },
  };
}
