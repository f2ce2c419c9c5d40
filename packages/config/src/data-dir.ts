import { homedir } from 'node:os';
import path from 'node:path';

/** The default data directory: $XDG_DATA_HOME/pgmcp or ~/.local/share/pgmcp. */
export function defaultDataDir(env: Record<string, string | undefined>): string {
  const base = env.XDG_DATA_HOME || path.join(env.HOME || homedir(), '.local', 'share');
  return path.join(base, 'pgmcp');
}
