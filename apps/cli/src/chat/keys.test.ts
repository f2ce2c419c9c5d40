import { describe, expect, it } from 'vitest';
import { decodeKeys } from './keys.js';

const names = (chunk: string) =>
  decodeKeys(chunk).map(
    (k) => `${k.ctrl ? 'C-' : ''}${k.meta ? 'M-' : ''}${k.name}${k.text !== undefined ? `:${k.text}` : ''}`,
  );

describe('decodeKeys', () => {
  it('keeps typed text together and names control keys', () => {
    expect(names('select 1\r')).toEqual(['char:select 1', 'enter']);
    expect(names('\x01\x05\x12\x7f\t\n')).toEqual(['C-a', 'C-e', 'C-r', 'backspace', 'tab', 'newline']);
    expect(names('é€😀')).toEqual(['char:é€😀']);
  });

  it('reads cursor and editing keys in their CSI and SS3 forms, with modifiers', () => {
    expect(names('\x1b[A\x1b[B\x1b[C\x1b[D\x1bOH\x1b[F\x1b[3~\x1b[1~\x1b[4~')).toEqual([
      'up',
      'down',
      'right',
      'left',
      'home',
      'end',
      'delete',
      'home',
      'end',
    ]);
    expect(names('\x1b[1;5C\x1b[1;3D')).toEqual(['C-right', 'M-left']);
  });

  it('tells a lone Escape from Alt combinations and escape sequences', () => {
    expect(names('\x1b')).toEqual(['escape']);
    expect(names('\x1bb\x1bf\x1b\x7f\x1b\r')).toEqual(['M-b', 'M-f', 'M-backspace', 'newline']);
    expect(names('\x1b\x1b')).toEqual(['escape', 'escape']);
  });

  it('returns a bracketed paste as one key, newlines kept', () => {
    expect(names('\x1b[200~SELECT 1\r\nFROM t\x1b[201~x')).toEqual(['paste:SELECT 1\nFROM t', 'char:x']);
  });
});
