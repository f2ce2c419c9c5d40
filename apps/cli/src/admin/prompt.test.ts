import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Cancelled, CliError } from './cli-error.js';
import { confirm, obtainNewPassword, readHidden } from './prompt.js';

/** A stand-in for a terminal's stdin: records raw-mode switches (the real one is driven in test/admin-tty.test.ts). */
function fakeTerminal() {
  const input = Object.assign(new PassThrough(), {
    isTTY: true,
    rawModes: [] as boolean[],
    setRawMode(mode: boolean) {
      input.rawModes.push(mode);
      return input;
    },
  });
  const output = new PassThrough();
  let written = '';
  output.on('data', (chunk: Buffer) => (written += chunk.toString()));
  return { input, output, written: () => written };
}

describe('readHidden', () => {
  it('reads each answer in raw mode, echoes nothing, and handles editing keys and escape sequences', async () => {
    const tty = fakeTerminal();
    const answers = readHidden(tty.input, tty.output, ['First: ', 'Second: ']);
    // Backspace, an arrow key (ESC [ D), Ctrl-U, and a second line in the same chunk (a paste).
    tty.input.write('secrex\u007ft\u001b[D!\r\n');
    tty.input.write('junk\u0015pässwörd\rignored');
    await expect(answers).resolves.toEqual(['secret!', 'pässwörd']);
    expect(tty.written()).toBe('First: \nSecond: \n');
    expect(tty.input.rawModes).toEqual([true, false]);
  });

  it('cancels on Ctrl-C and on Ctrl-D at an empty line, leaving raw mode', async () => {
    const tty = fakeTerminal();
    const cancelled = readHidden(tty.input, tty.output, ['Password: ']);
    tty.input.write('abc\u0003');
    await expect(cancelled).rejects.toBeInstanceOf(Cancelled);
    expect(tty.input.rawModes).toEqual([true, false]);

    const eof = fakeTerminal();
    const ended = readHidden(eof.input, eof.output, ['Password: ']);
    eof.input.write('\u0004');
    await expect(ended).rejects.toBeInstanceOf(Cancelled);
  });
});

describe('obtainNewPassword', () => {
  it('asks twice on a terminal and refuses answers that differ', async () => {
    const tty = fakeTerminal();
    const password = obtainNewPassword(tty.input, tty.output, {}, 'ann');
    tty.input.write('a long passphrase\ra long passphrase\r');
    await expect(password).resolves.toBe('a long passphrase');
    expect(tty.written()).toBe('New password for ann: \nRepeat it: \n');

    const other = fakeTerminal();
    const differing = obtainNewPassword(other.input, other.output, {}, 'ann');
    other.input.write('a long passphrase\ra long passphrasf\r');
    await expect(differing).rejects.toThrow('The two passwords differ; nothing was changed.');
  });

  it('reads one line from a pipe with --password-stdin, and never prompts without a terminal', async () => {
    const pipe = new PassThrough();
    const err = new PassThrough();
    const fromPipe = obtainNewPassword(pipe, err, { passwordStdin: true }, 'ann');
    pipe.end('correct horse battery\r\n');
    await expect(fromPipe).resolves.toBe('correct horse battery');

    const twoLines = new PassThrough();
    const rejected = obtainNewPassword(twoLines, err, { passwordStdin: true }, 'ann');
    twoLines.end('one\ntwo\n');
    await expect(rejected).rejects.toThrow('spans several lines');

    await expect(obtainNewPassword(new PassThrough(), err, {}, 'ann')).rejects.toThrow(
      'stdin is not a terminal, so pgmcp cannot ask for the password of ann',
    );
  });

  it('takes --password with a warning about the process list', async () => {
    const err = new PassThrough();
    let warning = '';
    err.on('data', (chunk: Buffer) => (warning += chunk.toString()));
    await expect(obtainNewPassword(new PassThrough(), err, { password: 'from argv' }, 'ann')).resolves.toBe(
      'from argv',
    );
    expect(warning).toContain('visible to other users of this machine (ps)');
  });
});

describe('confirm', () => {
  it('goes ahead on y/yes, refuses anything else, and needs --yes without a terminal', async () => {
    const yes = fakeTerminal();
    const accepted = confirm(yes.input, yes.output, 'Delete ann?', undefined);
    yes.input.write('Yes\n');
    await expect(accepted).resolves.toBeUndefined();
    expect(yes.written()).toBe('Delete ann? [y/N] ');

    const no = fakeTerminal();
    const declined = confirm(no.input, no.output, 'Delete ann?', undefined);
    no.input.write('\n');
    await expect(declined).rejects.toThrow(new CliError('Not confirmed; nothing was changed.', 'failure'));

    await expect(confirm(new PassThrough(), new PassThrough(), 'Delete?', undefined)).rejects.toThrow(
      'add --yes',
    );
    await expect(confirm(new PassThrough(), new PassThrough(), 'Delete?', true)).resolves.toBeUndefined();
  });
});
