/** One key press (or a pasted text) decoded from terminal input in raw mode. */
export interface Key {
  /**
   * `char` for printable text (in `text`), `paste` for bracketed paste (in `text`), or a named key:
   * `enter`, `newline` (Ctrl-J / Alt-Enter), `tab`, `backspace`, `delete`, `escape`, `up`, `down`, `left`,
   * `right`, `home`, `end`, `pageup`, `pagedown`, or a letter with `ctrl`/`meta` set.
   */
  name: string;
  ctrl: boolean;
  meta: boolean;
  text?: string;
}

const CSI_NAMES: Record<string, string> = {
  A: 'up',
  B: 'down',
  C: 'right',
  D: 'left',
  H: 'home',
  F: 'end',
  Z: 'backtab',
};
const TILDE_NAMES: Record<string, string> = {
  '1': 'home',
  '2': 'insert',
  '3': 'delete',
  '4': 'end',
  '5': 'pageup',
  '6': 'pagedown',
  '7': 'home',
  '8': 'end',
};

const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';

function key(name: string, extra: Partial<Key> = {}): Key {
  return { name, ctrl: false, meta: false, ...extra };
}

/** Decodes control characters and printable text (no escape sequences). */
function plainKeys(text: string): Key[] {
  const keys: Key[] = [];
  let run = '';
  const flush = () => {
    if (run !== '') keys.push(key('char', { text: run }));
    run = '';
  };
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code >= 32 && code !== 127) {
      run += char;
      continue;
    }
    flush();
    if (char === '\r') keys.push(key('enter'));
    else if (char === '\n') keys.push(key('newline'));
    else if (char === '\t') keys.push(key('tab'));
    else if (code === 127 || code === 8) keys.push(key('backspace'));
    else if (code === 0) keys.push(key('space', { ctrl: true }));
    else if (code < 27) keys.push(key(String.fromCharCode(code + 96), { ctrl: true }));
  }
  flush();
  return keys;
}

/**
 * Decodes one chunk of raw terminal input into keys. A lone ESC at the end of a chunk is the Escape
 * key: terminals send escape sequences in one write, so nothing else would follow it.
 */
export function decodeKeys(chunk: string): Key[] {
  const keys: Key[] = [];
  let i = 0;
  while (i < chunk.length) {
    const esc = chunk.indexOf('\x1b', i);
    if (esc === -1) {
      keys.push(...plainKeys(chunk.slice(i)));
      break;
    }
    if (esc > i) keys.push(...plainKeys(chunk.slice(i, esc)));
    i = esc;
    if (chunk.startsWith(PASTE_START, i)) {
      const end = chunk.indexOf(PASTE_END, i + PASTE_START.length);
      const stop = end === -1 ? chunk.length : end;
      keys.push(key('paste', { text: chunk.slice(i + PASTE_START.length, stop).replace(/\r\n?/g, '\n') }));
      i = end === -1 ? chunk.length : end + PASTE_END.length;
      continue;
    }
    const next = chunk[i + 1];
    if (next === undefined) {
      keys.push(key('escape'));
      i += 1;
    } else if (next === '[') {
      const match = /^\x1b\[([0-9;]*)([A-Za-z~])/.exec(chunk.slice(i));
      if (!match) {
        keys.push(key('escape'));
        i += 1;
        continue;
      }
      const [whole, params = '', final = ''] = match;
      const parts = params.split(';');
      const modifier = Number(parts[1] ?? '1') - 1;
      const mods = { ctrl: (modifier & 4) !== 0, meta: (modifier & 2) !== 0 || (modifier & 8) !== 0 };
      const name = final === '~' ? TILDE_NAMES[parts[0] ?? ''] : CSI_NAMES[final];
      keys.push(key(name ?? 'unknown', mods));
      i += whole.length;
    } else if (next === 'O' && i + 2 < chunk.length) {
      keys.push(key(CSI_NAMES[chunk[i + 2]!] ?? 'unknown'));
      i += 3;
    } else if (next === '\x1b') {
      keys.push(key('escape'));
      i += 1;
    } else {
      // Alt (Meta) + key: ESC followed by the key.
      const [decoded] = plainKeys(next);
      if (decoded?.name === 'enter') keys.push(key('newline'));
      else if (decoded?.name === 'char') keys.push(key(next.toLowerCase(), { meta: true }));
      else if (decoded) keys.push({ ...decoded, meta: true });
      i += 2;
    }
  }
  return keys;
}
