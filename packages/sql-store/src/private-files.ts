import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import path from 'node:path';

/** Options of {@link makeStoreFilesPrivate}. */
export interface PrivateFilesOptions {
  /** Also make the directory 0700 (created so, repaired when looser). */
  readonly privateDirectory: boolean;
  /** Told about every repair, and about looseness it will not repair. */
  readonly onWarning: ((message: string) => void) | undefined;
}

// SQLite writes the database, its WAL and shared memory, and (outside WAL mode) a rollback journal.
const COMPANIONS = ['-wal', '-shm', '-journal'];
const GROUP_OR_OTHER = 0o077;
const STICKY = 0o1000;

/**
 * Makes a SQLite store's files readable by their owner only — they hold password hashes, token
 * hashes and conversations. The directory is created 0700 (and repaired when looser, unless it is a
 * shared one: sticky, like /tmp, or someone else's); the database file is created 0600 before
 * SQLite opens it, so the WAL and shared-memory files SQLite derives from it are 0600 too; existing
 * files that are looser are repaired. Nothing here fails the open: what cannot be changed is
 * reported through `onWarning`. No-op on Windows (no POSIX modes).
 */
export function makeStoreFilesPrivate(filename: string, options: PrivateFilesOptions): void {
  if (process.platform === 'win32') return;
  const file = path.resolve(filename);
  const directory = path.dirname(file);
  const warn = (message: string) => options.onWarning?.(message);

  if (!existsSync(directory)) {
    mkdirSync(directory, { recursive: true, mode: options.privateDirectory ? 0o700 : 0o755 });
  } else if (options.privateDirectory) {
    const { mode, uid } = statSync(directory);
    if ((mode & GROUP_OR_OTHER) !== 0) {
      if ((mode & STICKY) !== 0 || uid !== process.getuid?.()) {
        warn(
          `The store directory ${directory} is open to other users (mode ${octal(mode)}) and is shared, so it ` +
            'was left as it is: keep the store in a directory of its own (the data directory is one).',
        );
      } else {
        repair(directory, mode, 0o700, 'directory', warn);
      }
    }
  }

  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  for (const name of [file, ...COMPANIONS.map((suffix) => file + suffix)]) {
    if (!existsSync(name)) continue;
    const { mode } = statSync(name);
    if ((mode & GROUP_OR_OTHER) !== 0) repair(name, mode, 0o600, 'file', warn);
  }
}

function repair(
  name: string,
  mode: number,
  wanted: number,
  what: 'directory' | 'file',
  warn: (message: string) => void,
): void {
  try {
    chmodSync(name, wanted);
    warn(
      `Made the store ${what} ${name} private (mode ${octal(mode)} → ${octal(wanted)}): it holds password and ` +
        'token hashes and conversations.',
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    warn(
      `The store ${what} ${name} is open to other users (mode ${octal(mode)}) and could not be made private ` +
        `(${reason}): run chmod ${octal(wanted)} on it.`,
    );
  }
}

function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}
