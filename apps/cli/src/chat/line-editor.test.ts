import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type Completion, createLineEditor } from './line-editor.js';
import { createTerminal, type TerminalOutput } from './terminal.js';

/** A line editor on in-memory streams; `keys` feeds raw terminal input, `output` is what was drawn. */
function setup(
  options: { history?: string[]; complete?: (before: string) => Completion; columns?: number } = {},
) {
  const input = new PassThrough();
  const stream = new PassThrough();
  let output = '';
  stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const out = Object.assign(stream, { columns: options.columns ?? 80 }) as unknown as TerminalOutput;
  const terminal = createTerminal(input, out);
  terminal.start();
  const editor = createLineEditor({ terminal, ...options });
  const keys = async (...chunks: string[]) => {
    for (const chunk of chunks) {
      input.write(chunk);
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { editor, keys, output: () => output };
}

describe('createLineEditor', () => {
  it('edits with the usual keys', async () => {
    const { editor, keys } = setup();
    const line = editor.read('> ');
    // Type, go home, insert, go to the end, delete a word, retype it, move left and delete.
    await keys('world', '\x01', 'hello ', '\x05', '\x17', 'there!', '\x1b[D', '\x7f', '\r');
    expect(await line).toEqual({ kind: 'line', text: 'hello ther!' });
  });

  it('kills to the end and to the start of the line', async () => {
    const { editor, keys } = setup();
    const line = editor.read('> ');
    await keys('abc def', '\x1b[D', '\x1b[D', '\x0b', '\x01', '\x1b[C', '\x15', '\r');
    expect(await line).toEqual({ kind: 'line', text: 'bc d' });
  });

  it('goes through the history with Up and Down, keeping the draft', async () => {
    const { editor, keys } = setup({ history: ['first', 'second'] });
    const line = editor.read('> ');
    await keys('draft', '\x1b[A', '\x1b[A', '\x1b[A', '\x1b[B', '\x1b[B', '\r');
    expect(await line).toEqual({ kind: 'line', text: 'draft' });
    const again = editor.read('> ');
    await keys('\x1b[A', '\x1b[A', '\r');
    expect(await again).toEqual({ kind: 'line', text: 'first' });
  });

  it('searches the history backwards with Ctrl-R', async () => {
    const { editor, keys, output } = setup({ history: ['select 1', 'show orders', 'select orders', 'quit'] });
    const line = editor.read('> ');
    await keys('\x12', 'ord');
    expect(output()).toContain("(reverse-i-search)'ord': select orders");
    await keys('\x12');
    expect(output()).toContain("(reverse-i-search)'ord': show orders");
    await keys('\x12');
    expect(output()).toContain("(failed reverse-i-search)'ord': show orders");
    await keys('\r');
    expect(await line).toEqual({ kind: 'line', text: 'show orders' });

    const cancelled = editor.read('> ');
    await keys('kept', '\x12', 'select', '\x07', '\r');
    expect(await cancelled).toEqual({ kind: 'line', text: 'kept' });
  });

  it('completes with Tab: one candidate at once, several to their common prefix, then lists them', async () => {
    const words = ['/list', '/load', '/help'];
    const complete = (before: string): Completion => ({
      from: 0,
      candidates: words.filter((w) => w.startsWith(before)),
    });
    const { editor, keys, output } = setup({ complete });
    const line = editor.read('> ');
    await keys('/h', '\t');
    await keys('\r');
    expect(await line).toEqual({ kind: 'line', text: '/help ' });

    const listed = editor.read('> ');
    await keys('/', '\t', '\t');
    expect(output()).toContain('/list  /load  /help\n');
    await keys('li', '\t', '\r');
    expect(await listed).toEqual({ kind: 'line', text: '/list ' });
  });

  it('ends with interrupt on Ctrl-C and eof on Ctrl-D only when the line is empty', async () => {
    const { editor, keys, output } = setup();
    const first = editor.read('> ');
    await keys('typed', '\x03');
    expect(output()).toContain('> typed\r\x1b[7C^C\n');
    await keys('\x04');
    expect(await first).toEqual({ kind: 'eof' });
    const second = editor.read('> ');
    await keys('\x03');
    expect(await second).toEqual({ kind: 'interrupt' });
  });

  it('hides a masked answer and keeps it out of history', async () => {
    const { editor, keys, output } = setup({ history: ['old'] });
    const secret = editor.read('Password: ', { mask: true });
    await keys('s3cret', '\x1b[A', '\r');
    expect(await secret).toEqual({ kind: 'line', text: 's3cret' });
    expect(output()).not.toContain('s3cret');
    expect(output()).not.toContain('old');
  });

  it('takes pasted lines as one entry and Alt-Enter as a new line', async () => {
    const { editor, keys, output } = setup();
    const line = editor.read('> ');
    await keys('\x1b[200~SELECT 1\r\nFROM t\x1b[201~', '\x1b\r', 'LIMIT 1', '\r');
    expect(await line).toEqual({ kind: 'line', text: 'SELECT 1\nFROM t\nLIMIT 1' });
    expect(output()).toContain('SELECT 1↵FROM t↵LIMIT 1');
  });

  it('keeps the cursor right on a line that wraps', async () => {
    const { editor, keys, output } = setup({ columns: 10 });
    const line = editor.read('> ');
    await keys('x'.repeat(18));
    // 20 columns fill two rows exactly: the cursor moves to the third row instead of waiting at the margin.
    expect(output().endsWith(`> ${'x'.repeat(18)}\n\r`)).toBe(true);
    await keys('\x01');
    expect(output().endsWith('\x1b[2A\r\x1b[J> xxxxxxxxxxxxxxxxxx\n\x1b[2A\r\x1b[2C')).toBe(true);
    await keys('\r');
    expect(await line).toEqual({ kind: 'line', text: 'x'.repeat(18) });
  });
});
