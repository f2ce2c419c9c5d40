import { Tiktoken } from 'js-tiktoken/lite';
import cl100k from 'js-tiktoken/ranks/cl100k_base';
import gpt2 from 'js-tiktoken/ranks/gpt2';
import o200k from 'js-tiktoken/ranks/o200k_base';
import { describe, expect, it } from 'vitest';
import { PIECE, scanPieces, type PieceRules } from './token-pieces.js';

// The scanner must cut text exactly where the real pre-tokenizers do: then the tokens of the
// pieces, each encoded alone, add up to the tokens of the whole text.

const TOKENIZERS: Array<[PieceRules, Tiktoken]> = [
  ['o200k', new Tiktoken(o200k)],
  ['cl100k', new Tiktoken(cl100k)],
  ['gpt2', new Tiktoken(gpt2)],
];

const TEXTS = [
  "It's the user's table; they'll say we've re-run it, I'm sure. DON'T drop it!",
  'getHTTPResponse parses JSONData into camelCase and snake_case and CONSTANT_CASE names.',
  "SELECT o.id, sum(li.qty * li.price) AS total\nFROM orders o\n  JOIN line_items li ON li.order_id = o.id\nWHERE o.created_at >= now() - interval '30 days'\nGROUP BY 1 ORDER BY 2 DESC;",
  JSON.stringify({ rows: [[1, 'Ana Silva', 125.32, null]], next: 'abc123', nested: { ok: true } }, null, 2),
  'id\tcustomer\ttotal\n48213\tAna Silva\t125.32\n48214\t\t-7.5\n',
  'function total(items) {\n    return items.reduce((sum, item) => sum + item.price, 0);\n}\n\n\n// done  \n',
  '| table    | rows      | size   |\n|----------|----------:|--------|\n| orders   | 1,204,331 | 1.2 GB |\n',
  'Numbers: 1234567890 3.14159 -42 2025-06-11T13:46:15+00:00 0x1F 1e-9 $100.00 (12)',
  'Gdańsk → Kraków ✓ naïve café 😀 — “quoted” ½ 日本語のテキスト',
  'trailing spaces   \r\nwindows lines\r\n\ttabbed\t\tcells  \n   \n',
  '  leading spaces, "quotes", (parens), [brackets], {braces}, <angles>, a/b/c, ~/.config',
];

function pieces(text: string, rules: PieceRules) {
  const out: Array<{ kind: number; start: number; end: number }> = [];
  scanPieces(text, rules, (kind, _length, _detail, _wide, start, end) => out.push({ kind, start, end }));
  return out;
}

describe('scanPieces', () => {
  for (const [rules, tokenizer] of TOKENIZERS) {
    it(`cuts like the ${rules} pre-tokenizer: pieces cover the text and their tokens add up`, () => {
      for (const text of TEXTS) {
        const cut = pieces(text, rules);
        let at = 0;
        for (const piece of cut) {
          expect(piece.start, text).toBe(at);
          expect(piece.end, text).toBeGreaterThan(piece.start);
          at = piece.end;
        }
        expect(at, text).toBe(text.length);
        const sum = cut.reduce(
          (total, p) => total + tokenizer.encode(text.slice(p.start, p.end), [], []).length,
          0,
        );
        expect(sum, `${rules}: ${text}`).toBe(tokenizer.encode(text, [], []).length);
      }
    });
  }

  it('splits camelCase words for o200k only, and digits in threes except for gpt2', () => {
    const words = (text: string, rules: PieceRules) =>
      pieces(text, rules).map((p) => text.slice(p.start, p.end));
    expect(words('fooBar', 'o200k')).toEqual(['foo', 'Bar']);
    expect(words('fooBar', 'cl100k')).toEqual(['fooBar']);
    expect(words('1234567', 'cl100k')).toEqual(['123', '456', '7']);
    expect(words('a 1234567', 'gpt2')).toEqual(['a', ' 1234567']);
    expect(pieces('a 1234567', 'gpt2').map((p) => p.kind)).toEqual([PIECE.word, PIECE.number]);
  });
});
