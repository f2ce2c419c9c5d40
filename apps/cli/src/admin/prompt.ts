import { Cancelled, CliError } from './cli-error.js';

/** Where prompts read from: process.stdin, a terminal or a pipe. */
export interface PromptInput extends NodeJS.ReadableStream {
  readonly isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const CTRL_U = '\u0015';
const ESC = '\u001b';
const BACKSPACES = new Set(['\u007f', '\b']);

/**
 * Asks each prompt in turn on a terminal and reads the answers without echoing them: the terminal
 * is switched to raw mode, so this code sees every key and prints nothing of what is typed.
 * Backspace and Ctrl-U edit, arrow keys are ignored, Ctrl-C (or Ctrl-D on an empty line) cancels.
 */
export function readHidden(
  input: PromptInput,
  output: NodeJS.WritableStream,
  prompts: readonly string[],
): Promise<string[]> {
  const setRawMode = input.setRawMode?.bind(input);
  if (!input.isTTY || !setRawMode) return Promise.reject(new Error('readHidden needs a terminal.'));
  return new Promise((resolve, reject) => {
    const answers: string[] = [];
    let line = '';
    // Escape sequences (arrow keys, function keys) are skipped: ESC, then '[' or 'O', up to a final byte.
    let escape: 'none' | 'start' | 'sequence' = 'none';
    let afterCr = false;

    const finish = (error?: Error) => {
      input.removeListener('data', onData);
      setRawMode(false);
      input.pause();
      if (error) reject(error);
      else resolve(answers);
    };
    const onData = (chunk: string | Buffer) => {
      for (const ch of String(chunk)) {
        if (escape === 'start') {
          escape = ch === '[' || ch === 'O' ? 'sequence' : 'none';
          continue;
        }
        if (escape === 'sequence') {
          if (ch >= '@' && ch <= '~') escape = 'none';
          continue;
        }
        const lf = ch === '\n' && afterCr;
        afterCr = ch === '\r';
        if (lf) continue;
        if (ch === '\r' || ch === '\n') {
          output.write('\n');
          answers.push(line);
          line = '';
          if (answers.length === prompts.length) return finish();
          output.write(prompts[answers.length] ?? '');
        } else if (ch === CTRL_C || (ch === CTRL_D && line === '')) {
          output.write('\n');
          return finish(new Cancelled());
        } else if (BACKSPACES.has(ch)) {
          line = Array.from(line).slice(0, -1).join('');
        } else if (ch === CTRL_U) {
          line = '';
        } else if (ch === ESC) {
          escape = 'start';
        } else if (ch >= ' ') {
          line += ch;
        }
      }
    };

    // Echo goes off before the prompt appears, so nothing typed after it can be echoed.
    setRawMode(true);
    output.write(prompts[0] ?? '');
    input.setEncoding('utf8');
    input.on('data', onData);
    input.resume();
  });
}

/** All of the input up to its end (a pipe). */
export function readAll(input: PromptInput): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    input.setEncoding('utf8');
    input.on('data', (chunk: string) => (text += chunk));
    input.once('end', () => resolve(text));
    input.once('error', reject);
    input.resume();
  });
}

/** One line of input (echoed by the terminal as usual); undefined at end of input. */
function readLine(input: PromptInput): Promise<string | undefined> {
  return new Promise((resolve) => {
    let text = '';
    const done = (line: string | undefined) => {
      input.removeListener('data', onData);
      input.removeListener('end', onEnd);
      input.pause();
      resolve(line);
    };
    const onData = (chunk: string) => {
      text += chunk;
      const end = text.indexOf('\n');
      if (end >= 0) done(text.slice(0, end).replace(/\r$/, ''));
    };
    const onEnd = () => done(text === '' ? undefined : text);
    input.setEncoding('utf8');
    input.on('data', onData);
    input.once('end', onEnd);
    input.resume();
  });
}

/** How a command got a new password: flags of `user add` and `user passwd`. */
export interface PasswordOptions {
  password?: string;
  passwordStdin?: boolean;
}

/**
 * A new password for `who`: prompted twice without echo on a terminal, read from a pipe with
 * --password-stdin, or (with a warning) taken from --password.
 */
export async function obtainNewPassword(
  input: PromptInput,
  err: NodeJS.WritableStream,
  options: PasswordOptions,
  who: string,
): Promise<string> {
  if (options.password !== undefined) {
    if (options.passwordStdin) {
      throw new CliError('Give the password one way: --password-stdin or --password, not both.');
    }
    err.write(
      'pgmcp: warning: a password given with --password is visible to other users of this machine (ps) ' +
        'and stays in the shell history. Prefer the prompt or --password-stdin.\n',
    );
    return options.password;
  }
  if (options.passwordStdin) {
    const text = (await readAll(input)).replace(/\r?\n$/, '');
    if (text === '') {
      throw new CliError(
        `No password arrived on stdin. Pipe it in: printf '%s\\n' "$PASSWORD" | pgmcp ... --password-stdin`,
      );
    }
    if (/[\r\n]/.test(text)) throw new CliError('The password on stdin spans several lines: give one line.');
    return text;
  }
  if (input.isTTY && input.setRawMode) {
    const [first, second] = await readHidden(input, err, [`New password for ${who}: `, 'Repeat it: ']);
    if (!first) throw new CliError('No password was entered; nothing was changed.');
    if (first !== second) {
      throw new CliError('The two passwords differ; nothing was changed. Run the command again.');
    }
    return first;
  }
  throw new CliError(
    `stdin is not a terminal, so pgmcp cannot ask for the password of ${who}. ` +
      `Pipe it in with --password-stdin: printf '%s\\n' "$PASSWORD" | pgmcp ... --password-stdin`,
  );
}

/** Asks "question [y/N]" on a terminal unless `yes`; refuses without a terminal to ask on. */
export async function confirm(
  input: PromptInput,
  err: NodeJS.WritableStream,
  question: string,
  yes: boolean | undefined,
): Promise<void> {
  if (yes) return;
  if (!input.isTTY) {
    throw new CliError(
      'stdin is not a terminal, so pgmcp cannot ask for confirmation: add --yes to go ahead.',
    );
  }
  err.write(`${question} [y/N] `);
  const answer = await readLine(input);
  if (answer === undefined) throw new Cancelled();
  if (!/^\s*y(es)?\s*$/i.test(answer)) throw new CliError('Not confirmed; nothing was changed.', 'failure');
}
