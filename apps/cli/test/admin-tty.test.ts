import { spawn, spawnSync } from 'node:child_process';
import { createAuthStore } from '@pgmcp/auth-store';
import { describe, expect, it } from 'vitest';
import { BIN, PASSWORD, pgmcp, workspace, type Workspace } from './admin-helpers.js';

/** util-linux `script` runs a command on a pseudo-terminal: the CLI sees a real TTY on stdin. */
const hasScript = spawnSync('script', ['--version']).status === 0;

const shellQuote = (arg: string) => `'${arg.replace(/'/g, `'\\''`)}'`;

/**
 * Runs `pgmcp ...args` on a pseudo-terminal and types each answer once its prompt has appeared.
 * Returns what the terminal showed (prompts, echo, output) and the exit code.
 */
function onTerminal(
  ws: Workspace,
  args: string[],
  answers: [prompt: string, typed: string][],
): Promise<{ screen: string; code: number | null }> {
  const command = [process.execPath, BIN, ...args].map(shellQuote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], {
      cwd: ws.dir,
      env: ws.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    let screen = '';
    let from = 0;
    const pending = [...answers];
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString();
      const at = pending[0] ? screen.indexOf(pending[0][0], from) : -1;
      if (at < 0) return;
      const [prompt, typed] = pending.shift()!;
      from = at + prompt.length;
      child.stdin.write(typed);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ screen: screen.replace(/\r\n/g, '\n'), code }));
  });
}

describe.skipIf(!hasScript)('pgmcp admin prompts on a terminal', { timeout: 120_000 }, () => {
  it('asks for a new password twice without echoing it', async () => {
    const ws = workspace();
    const secret = 'typed on a terminal';
    const added = await onTerminal(
      ws,
      ['user', 'add', 'ann'],
      [
        ['New password for ann: ', `${secret}\r`],
        ['Repeat it: ', `${secret}\r`],
      ],
    );
    expect(added.code).toBe(0);
    expect(added.screen).toContain('New password for ann: \nRepeat it: \n');
    expect(added.screen).toContain('Created user ann.');
    expect(added.screen).not.toContain(secret);

    const store = await createAuthStore({ url: ws.storeUrl, bcryptCost: 4 });
    try {
      expect((await store.login('ann', secret)).user.username).toBe('ann');
    } finally {
      await store.close();
    }

    const differing = await onTerminal(
      ws,
      ['user', 'passwd', 'ann'],
      [
        ['New password for ann: ', `${PASSWORD}\r`],
        ['Repeat it: ', `${PASSWORD}!\r`],
      ],
    );
    expect(differing.code).toBe(2);
    expect(differing.screen).toContain('pgmcp: The two passwords differ; nothing was changed.');
    expect(differing.screen).not.toContain(PASSWORD);

    const cancelled = await onTerminal(
      ws,
      ['user', 'passwd', 'ann'],
      [['New password for ann: ', 'abc\u0003']],
    );
    expect(cancelled.code).toBe(130);
    expect(cancelled.screen).toContain('pgmcp: cancelled; nothing was changed.');
  });

  it('asks before deleting and deletes only on yes', async () => {
    const ws = workspace();
    expect((await pgmcp(ws, ['user', 'add', 'root', '--superuser', '--password-stdin'], PASSWORD)).code).toBe(
      0,
    );
    expect((await pgmcp(ws, ['user', 'add', 'ann', '--password-stdin'], PASSWORD)).code).toBe(0);
    const question =
      'Delete user ann with 0 API tokens and their group memberships? This cannot be undone. [y/N] ';

    const declined = await onTerminal(ws, ['user', 'delete', 'ann'], [[question, 'n\r']]);
    expect(declined.code).toBe(1);
    expect(declined.screen).toContain('pgmcp: Not confirmed; nothing was changed.');
    expect((await pgmcp(ws, ['user', 'show', 'ann'])).code).toBe(0);

    const accepted = await onTerminal(ws, ['user', 'delete', 'ann'], [[question, 'yes\r']]);
    expect(accepted.code).toBe(0);
    expect(accepted.screen).toContain('Deleted user ann with 0 API tokens and their group memberships.');
    expect((await pgmcp(ws, ['user', 'show', 'ann'])).code).toBe(2);
  });
});
