import { COMMON_PASSWORDS_TEXT } from './common-passwords.js';
import { AuthStoreError } from './errors.js';
import { MAX_PASSWORD_BYTES, normalizePassword } from './passwords.js';

// NIST SP 800-63B §5.1.1.2: besides a minimum length, refuse passwords from lists of commonly used
// or compromised ones, and repetitive or sequential characters.

const ADVICE = 'Choose a passphrase of several unrelated words instead.';
// Keyboard rows and columns (US layout, shifted rows too), walked in either direction.
const KEYBOARD_LINES = [
  '`1234567890-=',
  '~!@#$%^&*()_+',
  'qwertyuiop[]\\',
  'qwertyuiop{}|',
  "asdfghjkl;'",
  'asdfghjkl:"',
  'zxcvbnm,./',
  'zxcvbnm<>?',
  ...['1qaz', '2wsx', '3edc', '4rfv', '5tgb', '6yhn', '7ujm', '8ik,', '9ol.', '0p;/'],
];
// A pattern run this long or longer counts as trivial (two characters in a row happen in any word).
const MIN_RUN = 3;
// Fewer characters than this outside trivial runs and the password is "mostly a pattern".
const MIN_FREE_CHARACTERS = 4;

let commonPasswords: Set<string> | undefined;

/**
 * Throws WEAK_PASSWORD or PASSWORD_TOO_LONG saying which rule the password breaks and what to
 * choose instead. Checks the NFKC form, the one that is hashed.
 */
export function checkPasswordPolicy(password: string, minLength: number): void {
  if (typeof password !== 'string') throw weak('The password must be text.');
  const normalized = normalizePassword(password);
  const characters = [...normalized].length;
  if (characters < minLength) {
    throw weak(`The password must be at least ${minLength} characters long (it has ${characters}).`);
  }
  const bytes = Buffer.byteLength(normalized, 'utf8');
  if (bytes > MAX_PASSWORD_BYTES) {
    throw new AuthStoreError(
      'PASSWORD_TOO_LONG',
      `The password must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8 (it has ${bytes}): bcrypt ignores anything ` +
        'beyond that, so a longer password is refused rather than silently cut.',
    );
  }
  const problem = weakness(normalized.toLowerCase());
  if (problem) throw weak(`${problem} ${ADVICE}`);
}

/** Why a (normalised, lower-case) password is too easy to guess, or undefined. */
function weakness(password: string): string | undefined {
  commonPasswords ??= new Set(COMMON_PASSWORDS_TEXT.split('\n'));
  if (commonPasswords.has(password)) {
    return 'This password is one of the most commonly used passwords, which attackers try first.';
  }
  // "monkey123!", "!!password2024": a common password with digits or symbols around it.
  const core = password.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
  if (core.length >= 4 && core !== password && commonPasswords.has(core)) {
    return 'This password is a commonly used password with digits or symbols added, which attackers try first.';
  }
  const chars = [...password];
  if (repeatsAPattern(chars)) {
    return "This password repeats a short pattern (like 'aaaa…' or 'abcabc…').";
  }
  const distinct = new Set(chars).size;
  if (distinct < 4) {
    return `This password uses only ${distinct} different character${distinct === 1 ? '' : 's'}.`;
  }
  if (chars.length - trivialCharacters(chars) < MIN_FREE_CHARACTERS) {
    return "This password is mostly sequences or keyboard patterns (like '123456', 'abcdef' or 'qwerty'), which attackers try first.";
  }
  return undefined;
}

/** Whether the password is one unit written out at least twice ("abcabc", "passwordpassword"). */
function repeatsAPattern(chars: readonly string[]): boolean {
  for (let period = 1; period <= chars.length / 2; period += 1) {
    let repeats = true;
    for (let i = period; i < chars.length && repeats; i += 1) repeats = chars[i] === chars[i - period];
    if (repeats) return true;
  }
  return false;
}

/**
 * How many characters belong to runs of at least MIN_RUN that repeat one character, count up or
 * down ("abcd", "9876") or walk along a keyboard row or column ("qwerty", "1qaz").
 */
function trivialCharacters(chars: readonly string[]): number {
  let covered = 0;
  for (let i = 0; i < chars.length;) {
    const length = longestRunAt(chars, i);
    if (length >= MIN_RUN) {
      covered += length;
      i += length;
    } else {
      i += 1;
    }
  }
  return covered;
}

function longestRunAt(chars: readonly string[], start: number): number {
  let best = 1;
  let same = start + 1;
  while (same < chars.length && chars[same] === chars[start]) same += 1;
  best = Math.max(best, same - start);
  for (const step of [1, -1]) {
    // Letters and digits counting up or down.
    let end = start + 1;
    while (
      end < chars.length &&
      isAlnum(chars[end]!) &&
      codeOf(chars[end]!) - codeOf(chars[end - 1]!) === step
    )
      end += 1;
    if (isAlnum(chars[start]!)) best = Math.max(best, end - start);
    // Keyboard walks.
    for (const line of KEYBOARD_LINES) {
      let walk = start;
      while (walk + 1 < chars.length) {
        const here = line.indexOf(chars[walk]!);
        if (here < 0 || line[here + step] !== chars[walk + 1]) break;
        walk += 1;
      }
      best = Math.max(best, walk - start + 1);
    }
  }
  return best;
}

function isAlnum(char: string): boolean {
  return /^[a-z0-9]$/.test(char);
}

function codeOf(char: string): number {
  return char.codePointAt(0) ?? 0;
}

function weak(message: string): AuthStoreError {
  return new AuthStoreError('WEAK_PASSWORD', message);
}
