// A one-pass imitation of the pre-tokenizers of the BPE families the estimators model. BPE
// tokenizers first cut text into pieces (words with their leading space, digit groups,
// punctuation runs, whitespace runs) and then encode each piece on its own, so the count of a
// text is the sum of what its pieces cost; the estimators look the cost of a piece up by its
// shape (kind, length, case) in tables fitted against the real tokenizers.

/** Pre-tokenization rules: o200k (GPT-4o and later), cl100k (GPT-4, Llama 3), gpt2 (Claude's public tokenizer). */
export type PieceRules = 'o200k' | 'cl100k' | 'gpt2';

/** What a piece is. */
export const PIECE = {
  /** A run of letters; detail = prefix * 4 + letter case. */
  word: 0,
  /** A run of digits (gpt2) or a group of up to three (o200k, cl100k); detail = 1 with a leading space. */
  number: 1,
  /** A run of punctuation and symbols; detail = 1 with a leading space, + 2 when it ends in newlines. */
  punct: 2,
  /** A run of spaces and tabs without a newline; detail = 1 when it holds a tab. */
  space: 3,
  /** Whitespace ending in one or more newlines; detail = newline count. */
  newline: 4,
  /** An English contraction ('s, 't, 're, 've, 'm, 'll, 'd) cut off by cl100k and gpt2. */
  contraction: 5,
} as const;

/** Prefix of a word piece: none, a space, another whitespace character, or one punctuation mark. */
export const PREFIX = { none: 0, space: 1, whitespace: 2, punct: 3 } as const;
/** Letter case of a word piece. */
export const CASE = { lower: 0, capital: 1, upper: 2, mixed: 3 } as const;

/**
 * Receives one piece: its kind (PIECE), its length in characters (without a word's prefix), a
 * detail (see PIECE), how many of its characters are outside ASCII, and where it starts and ends in
 * the text (prefix included), for calibrating against a real tokenizer.
 */
export type PieceVisitor = (
  kind: number,
  length: number,
  detail: number,
  nonAscii: number,
  start: number,
  end: number,
) => void;

// Character classes.
const LOWER = 0;
const UPPER = 1;
const DIGIT = 2;
const SPACE = 3;
const TAB = 4;
const NEWLINE = 5;
const PUNCT = 6;

const ASCII_CLASS = new Uint8Array(128).fill(PUNCT);
for (let c = 97; c <= 122; c++) ASCII_CLASS[c] = LOWER;
for (let c = 65; c <= 90; c++) ASCII_CLASS[c] = UPPER;
for (let c = 48; c <= 57; c++) ASCII_CLASS[c] = DIGIT;
ASCII_CLASS[32] = SPACE;
ASCII_CLASS[9] = TAB;
ASCII_CLASS[11] = TAB;
ASCII_CLASS[12] = TAB;
ASCII_CLASS[10] = NEWLINE;
ASCII_CLASS[13] = NEWLINE;

const LETTER = /\p{L}|\p{M}/u;
const UPPER_LETTER = /\p{Lu}|\p{Lt}/u;
const WHITE = /\s/u;
const DIGIT_LIKE = /\p{N}/u;
const wideClasses = new Map<number, number>();

function wideClass(code: number): number {
  // Surrogate halves (emoji and other astral symbols) are symbols to every tokenizer here.
  if (code >= 0xd800 && code <= 0xdfff) return PUNCT;
  let cls = wideClasses.get(code);
  if (cls === undefined) {
    const ch = String.fromCharCode(code);
    if (LETTER.test(ch)) cls = UPPER_LETTER.test(ch) ? UPPER : LOWER;
    else if (DIGIT_LIKE.test(ch)) cls = DIGIT;
    else if (WHITE.test(ch)) cls = code === 0x2028 || code === 0x2029 || code === 0x85 ? NEWLINE : SPACE;
    else cls = PUNCT;
    wideClasses.set(code, cls);
  }
  return cls;
}

// The class of every character of the text being scanned, reused across calls: the scan reads a
// character's class several times, and a typed-array read is the cheapest way to do that.
let buffer = new Uint8Array(4096);

/** Fills `classes` for the text; says whether any character is outside ASCII. */
function classify(text: string): boolean {
  const n = text.length;
  if (buffer.length < n) buffer = new Uint8Array(Math.max(n, buffer.length * 2));
  const out = buffer;
  let wide = false;
  for (let i = 0; i < n; i++) {
    const code = text.charCodeAt(i);
    if (code < 128) out[i] = ASCII_CLASS[code] as number;
    else {
      out[i] = wideClass(code);
      wide = true;
    }
  }
  return wide;
}

function countWide(text: string, from: number, to: number): number {
  let count = 0;
  for (let k = from; k < to; k++) if (text.charCodeAt(k) >= 128) count++;
  return count;
}

function countClass(cls: number, from: number, to: number): number {
  let count = 0;
  for (let k = from; k < to; k++) if (buffer[k] === cls) count++;
  return count;
}

const isLetterAt = (k: number, n: number) => k < n && (buffer[k] as number) <= UPPER;

/** Length of an English contraction starting at i ("'s", "'ll", ...), or 0. */
function contractionAt(text: string, n: number, i: number): number {
  if (i + 1 >= n || text.charCodeAt(i) !== 39) return 0;
  const a = text.charCodeAt(i + 1) | 0x20;
  if ((a === 115 || a === 116 || a === 109 || a === 100) && !isLetterAt(i + 2, n)) return 2; // 's 't 'm 'd
  const b = i + 2 < n ? text.charCodeAt(i + 2) | 0x20 : 0;
  const three = (a === 114 && b === 101) || (a === 118 && b === 101) || (a === 108 && b === 108);
  return three && !isLetterAt(i + 3, n) ? 3 : 0; // 're 've 'll
}

/**
 * Cuts `text` into the pieces the given tokenizer family would, calling `visit` for each.
 *
 * @example
 *   scanPieces('SELECT 1;', 'o200k', (kind, length) => console.log(kind, length));
 */
export function scanPieces(text: string, rules: PieceRules, visit: PieceVisitor): void {
  const gpt2 = rules === 'gpt2';
  const splitCase = rules === 'o200k';
  const n = text.length;
  const anyWide = classify(text);
  const classes = buffer;
  let i = 0;
  let prefix: number = PREFIX.none;
  while (i < n) {
    const cls = classes[i] as number;
    if (cls <= UPPER) {
      // A word: o200k splits before an upper-case letter that follows lower-case ones.
      let j = i;
      let uppers = 0;
      if (splitCase) {
        while (j < n && classes[j] === UPPER) j++;
        uppers = j - i;
        while (j < n && classes[j] === LOWER) j++;
        if (j < n && text.charCodeAt(j) === 39) j += contractionAt(text, n, j);
      } else {
        let c = cls;
        while (c <= UPPER) {
          uppers += c;
          if (++j >= n) break;
          c = classes[j] as number;
        }
      }
      const length = j - i;
      const letterCase =
        uppers === 0
          ? CASE.lower
          : uppers === length
            ? length === 1
              ? CASE.capital
              : CASE.upper
            : uppers === 1 && cls === UPPER
              ? CASE.capital
              : CASE.mixed;
      const start = prefix === PREFIX.none ? i : i - 1;
      visit(PIECE.word, length, prefix * 4 + letterCase, anyWide ? countWide(text, i, j) : 0, start, j);
      prefix = PREFIX.none;
      i = j;
      continue;
    }
    if (cls === DIGIT) {
      let j = i + 1;
      if (gpt2) while (j < n && classes[j] === DIGIT) j++;
      else while (j < n && j - i < 3 && classes[j] === DIGIT) j++;
      const spaced = prefix === PREFIX.space;
      visit(PIECE.number, j - i, spaced ? 1 : 0, 0, spaced ? i - 1 : i, j);
      prefix = PREFIX.none;
      i = j;
      continue;
    }
    if (cls === PUNCT) {
      // cl100k and gpt2 cut contractions off first; o200k keeps them with the word.
      const contraction = splitCase ? 0 : contractionAt(text, n, i);
      if (contraction > 0 && (gpt2 || prefix === PREFIX.none)) {
        if (prefix === PREFIX.space) visit(PIECE.space, 1, 0, 0, i - 1, i);
        visit(PIECE.contraction, contraction, 0, 0, i, i + contraction);
        prefix = PREFIX.none;
        i += contraction;
        continue;
      }
      // One mark right before a letter leads the word (o200k, cl100k) unless a space already does.
      if (!gpt2 && prefix === PREFIX.none && isLetterAt(i + 1, n)) {
        prefix = PREFIX.punct;
        i++;
        continue;
      }
      let j = i + 1;
      while (j < n && classes[j] === PUNCT) j++;
      const wide = anyWide ? countWide(text, i, j) : 0;
      let detail = prefix === PREFIX.space ? 1 : 0;
      if (!gpt2) {
        let k = j;
        while (k < n && (classes[k] === NEWLINE || (splitCase && text.charCodeAt(k) === 47))) k++;
        if (k > j) {
          detail += 2;
          j = k;
        }
      }
      visit(PIECE.punct, j - i, detail, wide, detail % 2 === 1 ? i - 1 : i, j);
      prefix = PREFIX.none;
      i = j;
      continue;
    }
    // Whitespace.
    let j = i;
    let lastNewline = -1;
    let tab = false;
    while (j < n) {
      const c = classes[j] as number;
      if (c === NEWLINE) lastNewline = j;
      else if (c === TAB) tab = true;
      else if (c !== SPACE) break;
      j++;
    }
    if (!gpt2 && lastNewline >= 0) {
      visit(
        PIECE.newline,
        lastNewline + 1 - i,
        countClass(NEWLINE, i, lastNewline + 1),
        0,
        i,
        lastNewline + 1,
      );
      i = lastNewline + 1;
      continue;
    }
    if (j >= n) {
      if (lastNewline >= 0) visit(PIECE.newline, j - i, countClass(NEWLINE, i, j), 0, i, j);
      else visit(PIECE.space, j - i, tab ? 1 : 0, 0, i, j);
      i = j;
      continue;
    }
    // The last whitespace character may lead what follows; the run before it is a piece.
    const last = classes[j - 1] as number;
    const next = classes[j] as number;
    const leads = gpt2
      ? last === SPACE
      : (last === SPACE || last === TAB) && (next <= UPPER || (last === SPACE && next === PUNCT));
    const runEnd = j - 1;
    if (runEnd > i) {
      const newlines = gpt2 ? countClass(NEWLINE, i, runEnd) : 0;
      if (newlines > 0) visit(PIECE.newline, runEnd - i, newlines, 0, i, runEnd);
      else visit(PIECE.space, runEnd - i, countClass(TAB, i, runEnd) > 0 ? 1 : 0, 0, i, runEnd);
    }
    if (leads) {
      prefix = last === SPACE ? PREFIX.space : PREFIX.whitespace;
    } else if (last === NEWLINE) {
      visit(PIECE.newline, 1, 1, 0, j - 1, j);
    } else {
      visit(PIECE.space, 1, last === TAB ? 1 : 0, 0, j - 1, j);
    }
    i = j;
  }
  if (prefix !== PREFIX.none) visit(PIECE.space, 1, 0, 0, n - 1, n);
}
