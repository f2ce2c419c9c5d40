import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

// Real `pgmcp serve` child processes for tests that need a process of its own (signals, replicas).

/** The server's entry point, run from source. */
export const SERVER_MAIN = path.join(import.meta.dirname, '../src/main.ts');
/**
 * tsx as a loader of this node process (not the tsx CLI, which runs a second process and does not
 * pass SIGHUP on), so signals reach the server itself.
 */
export const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** A loopback port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** A running child process with everything it wrote so far. */
export interface Proc {
  child: ChildProcess;
  out: string[];
}

export function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Proc {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: string[] = [];
  const collect = (chunk: Buffer) => out.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  return { child, out };
}

export async function stop(proc: Proc | undefined): Promise<void> {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.child.once('exit', resolve));
  proc.child.kill('SIGTERM');
  await exited;
}

/** Resolves once the process has written a line matching `pattern`; rejects if it exits first. */
export function waitForLine(proc: Proc, pattern: RegExp, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (proc.out.some((line) => pattern.test(line))) {
        proc.child.stdout!.off('data', check);
        proc.child.stderr!.off('data', check);
        resolve();
      }
    };
    proc.child.stdout!.on('data', check);
    proc.child.stderr!.on('data', check);
    proc.child.once('exit', (code) => reject(new Error(`${what} exited (${code}):\n${proc.out.join('\n')}`)));
    check();
  });
}

/** Starts `pgmcp serve` (src/main.ts through tsx) in `cwd` with only the given environment and PATH. */
export function startServeProcess(cwd: string, env: Record<string, string>): Proc {
  return run(process.execPath, ['--import', TSX_LOADER, '--conditions=@pgmcp/source', SERVER_MAIN], {
    cwd,
    env: { PATH: process.env.PATH ?? '', TSX_DISABLE_CACHE: '1', ...env },
  });
}

/**
 * Node arguments that run `startStdioServer()` from source in a process of its own (what
 * `pgmcp serve --stdio` runs), for an SDK StdioClientTransport.
 */
export function stdioServerArgs(): string[] {
  const start = pathToFileURL(path.join(import.meta.dirname, '../src/start.ts')).href;
  return [
    '--import',
    TSX_LOADER,
    '--conditions=@pgmcp/source',
    '--input-type=module',
    '-e',
    `import { startStdioServer } from ${JSON.stringify(start)}; await startStdioServer();`,
  ];
}
