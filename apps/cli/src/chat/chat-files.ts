import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { defaultDataDir } from '@pgmcp/config';
import { z } from 'zod';

type Env = Record<string, string | undefined>;

/** Where `pgmcp chat` keeps the session tokens: `$XDG_CONFIG_HOME/pgmcp` (`%APPDATA%\pgmcp` on Windows). */
export function chatConfigDir(env: Env): string {
  if (process.platform === 'win32' && env.APPDATA) return path.join(env.APPDATA, 'pgmcp');
  return path.join(env.XDG_CONFIG_HOME || path.join(env.HOME || homedir(), '.config'), 'pgmcp');
}

/** Where `pgmcp chat` keeps history, remembered settings and local conversations: `<data dir>/chat`. */
export function chatDataDir(env: Env): string {
  return path.join(env.PGMCP_DATA_DIR || defaultDataDir(env), 'chat');
}

/** Reads a JSON file checked by `schema`; a missing or unreadable file gives `fallback`. */
function readJsonFile<T>(file: string, schema: z.ZodType<T>, fallback: T): T {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : fallback;
  } catch {
    return fallback;
  }
}

/** Writes a JSON file atomically (temporary file, then rename); `secret` makes it and its folder private. */
export function writeJsonFile(file: string, value: unknown, { secret = false } = {}): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: secret ? 0o700 : 0o755 });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: secret ? 0o600 : 0o644 });
  if (secret) chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}

/** The key a server's entries are stored under: its URL without a trailing slash. */
function serverKey(url: string): string {
  return url.replace(/\/+$/, '');
}

const StoredCredentialSchema = z.object({
  token: z.string().min(1),
  expires_at: z.string().nullable(),
  username: z.string().optional(),
});
/** A session token kept for one server. */
export type StoredCredential = z.infer<typeof StoredCredentialSchema>;
const CredentialsFileSchema = z.object({ servers: z.record(z.string(), StoredCredentialSchema) });

/** The session tokens of `pgmcp chat`, one per server, in a file only the user can read (0600). */
export interface CredentialStore {
  readonly file: string;
  /** The stored credential for `server`, unless it has expired. */
  find(server: string): StoredCredential | undefined;
  /** The username last used on `server`, even if its session expired. */
  findUsername(server: string): string | undefined;
  save(server: string, credential: StoredCredential): void;
  remove(server: string): boolean;
}

/** Opens the credentials file `<config dir>/credentials.json`. */
export function createCredentialStore(configDir: string, now: () => number = Date.now): CredentialStore {
  const file = path.join(configDir, 'credentials.json');
  const load = () => readJsonFile(file, CredentialsFileSchema, { servers: {} });
  return {
    file,
    find(server) {
      const entry = load().servers[serverKey(server)];
      if (!entry) return undefined;
      if (entry.expires_at && Date.parse(entry.expires_at) <= now()) return undefined;
      return entry;
    },
    findUsername: (server) => load().servers[serverKey(server)]?.username,
    save(server, credential) {
      const data = load();
      data.servers[serverKey(server)] = credential;
      writeJsonFile(file, data, { secret: true });
    },
    remove(server) {
      const data = load();
      if (!data.servers[serverKey(server)]) return false;
      delete data.servers[serverKey(server)];
      writeJsonFile(file, data, { secret: true });
      return true;
    },
  };
}

const RememberedSchema = z.object({
  provider: z.string().optional(),
  model: z.string().optional(),
  database: z.string().optional(),
});
/** The provider, model and database last chosen with /set on one server (or in local mode). */
export type Remembered = z.infer<typeof RememberedSchema>;
const StateFileSchema = z.object({ servers: z.record(z.string(), RememberedSchema) });

/** Remembered settings per server, in `<data dir>/state.json`. */
export interface RememberedSettings {
  get(key: string): Remembered;
  update(key: string, change: Remembered): void;
}

/** Opens `<data dir>/state.json`. */
export function createRememberedSettings(dataDir: string): RememberedSettings {
  const file = path.join(dataDir, 'state.json');
  const load = () => readJsonFile(file, StateFileSchema, { servers: {} });
  return {
    get: (key) => load().servers[key] ?? {},
    update(key, change) {
      const data = load();
      data.servers[key] = { ...data.servers[key], ...change };
      writeJsonFile(file, data);
    },
  };
}

/** The line-editor history, one JSON string per line in `<data dir>/history.jsonl`, across runs. */
export interface HistoryFile {
  load(): string[];
  append(entry: string): void;
}

/** Opens the history file, keeping at most `limit` entries. */
export function createHistoryFile(dataDir: string, limit = 1000): HistoryFile {
  const file = path.join(dataDir, 'history.jsonl');
  const load = (): string[] => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return [];
    }
    const entries: string[] = [];
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        const value: unknown = JSON.parse(line);
        if (typeof value === 'string') entries.push(value);
      } catch {
        // A torn line (two sessions writing at once) is skipped, not fatal.
      }
    }
    return entries.slice(-limit);
  };
  return {
    load,
    append(entry) {
      const entries = [...load(), entry].slice(-limit);
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(file, entries.map((e) => JSON.stringify(e)).join('\n') + '\n', { mode: 0o600 });
    },
  };
}
