import { describe, expect, it } from 'vitest';
import { createStyle, displayWidth, stripAnsi } from './ansi.js';
import { createMarkdownStream, renderGrid, renderInline, renderMarkdown } from './markdown.js';

const plain = { style: createStyle(false), width: () => 60 };
const colour = { style: createStyle(true), width: () => 60 };

const ANSWER = `# Orders

Delivered orders **dominate**; see \`sales.orders\`.

| status | orders |
|:-------|-------:|
| delivered | 36860 |
| *paid* | 43 |

- first
  - nested
1. one
- [x] done

> a quote

\`\`\`sql
SELECT 1; -- one
\`\`\`
---`;

describe('renderMarkdown', () => {
  it('draws headings, paragraphs, tables, lists, quotes, code and rules without markup', () => {
    expect(renderMarkdown(ANSWER, plain).split('\n')).toEqual([
      'Orders',
      '',
      'Delivered orders dominate; see sales.orders.',
      '',
      '┌───────────┬────────┐',
      '│ status    │ orders │',
      '├───────────┼────────┤',
      '│ delivered │  36860 │',
      '│ paid      │     43 │',
      '└───────────┴────────┘',
      '',
      '• first',
      '  ◦ nested',
      '1. one',
      '• ☑ done',
      '',
      '│ a quote',
      '',
      '  SELECT 1; -- one',
      '────────────────────────────────────────',
    ]);
  });

  it('colours the same layout', () => {
    const coloured = renderMarkdown(ANSWER, colour);
    expect(coloured).not.toBe(stripAnsi(coloured));
    expect(stripAnsi(coloured)).toBe(renderMarkdown(ANSWER, plain));
  });

  it('leaves pipes that do not start a table alone', () => {
    expect(renderMarkdown('a | b\nno separator', plain)).toBe('a | b\nno separator');
  });

  it('keeps inline code literal and links readable', () => {
    expect(
      renderInline('`**x**` and [docs](https://x.dev) and **b** _i_ ~~s~~ \\*', createStyle(false)),
    ).toBe('**x** and docs (https://x.dev) and b i s *');
  });

  it('fits wide tables to the terminal by cutting cells', () => {
    const lines = renderGrid(['name', 'text'], [['a', 'x'.repeat(200)]], {
      style: createStyle(false),
      width: () => 40,
    });
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(40);
    expect(lines[3]).toMatch(/x…/);
  });
});

describe('createMarkdownStream', () => {
  it('ends with the same text as rendering the whole answer, however it was chunked', () => {
    let written = '';
    const stream = createMarkdownStream({ ...plain, write: (t) => (written += t), live: false });
    for (let i = 0; i < ANSWER.length; i += 3) stream.push(ANSWER.slice(i, i + 3));
    stream.finish();
    expect(written).toBe(`${renderMarkdown(ANSWER, plain)}\n`);
  });

  it('shows the current line as it grows and redraws only that line', () => {
    const writes: string[] = [];
    const stream = createMarkdownStream({ ...plain, write: (t) => writes.push(t), live: true });
    stream.push('Hello **wor');
    stream.push('ld**');
    expect(writes).toEqual(['Hello **wor', 'ld**']);
    expect(stream.atLineStart).toBe(false);
    stream.push('\nnext');
    // The raw line is erased (\r, clear) and replaced by its rendering; the next line starts live.
    expect(writes.slice(2)).toEqual(['\r\x1b[J', 'Hello world\n', 'next']);
  });

  it('writes about as much as the answer itself, not the whole answer again per token', () => {
    const text = Array.from(
      { length: 200 },
      (_, i) => `Line ${i} of a long answer with **bold** words.`,
    ).join('\n');
    let bytes = 0;
    const stream = createMarkdownStream({ ...plain, write: (t) => (bytes += t.length), live: true });
    for (const char of text) stream.push(char);
    stream.finish();
    // Each line is shown raw once and drawn rendered once: about twice the text, never the square of it.
    expect(bytes).toBeLessThan(text.length * 2.5);
  });

  it('erases a wrapped live line on every row it took', () => {
    const writes: string[] = [];
    const stream = createMarkdownStream({
      style: createStyle(false),
      width: () => 10,
      write: (t) => writes.push(t),
      live: true,
    });
    stream.push('x'.repeat(25));
    stream.push('\n');
    expect(writes).toEqual(['x'.repeat(25), '\x1b[2A\r\x1b[J', `${'x'.repeat(25)}\n`]);
  });
});
