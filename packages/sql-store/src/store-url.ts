import { fileURLToPath } from 'node:url';
import { SqlStoreError } from './errors.js';

/** Where a store lives, as parsed from its URL. */
export type StoreLocation =
  | { readonly dialect: 'sqlite'; readonly filename: string }
  | { readonly dialect: 'postgres'; readonly connectionString: string };

const SCHEME = /^([a-z][a-z0-9+.-]+):/i;

/**
 * Parses a store URL: a SQLite file path, `:memory:`, `sqlite:PATH` / `sqlite://PATH` /
 * `sqlite::memory:`, a `file:` URL, or a `postgres://` / `postgresql://` URL.
 *
 * @example
 *   parseStoreUrl('/var/lib/pgmcp/store.db'); // { dialect: 'sqlite', filename: '/var/lib/pgmcp/store.db' }
 *   parseStoreUrl('postgres://pgmcp@db/pgmcp'); // { dialect: 'postgres', connectionString: '...' }
 */
export function parseStoreUrl(url: string): StoreLocation {
  const trimmed = url.trim();
  if (trimmed === '') {
    throw new SqlStoreError(
      'INVALID_URL',
      'The store URL is empty: give a SQLite file path or a postgres:// URL.',
    );
  }
  if (trimmed === ':memory:') return { dialect: 'sqlite', filename: ':memory:' };
  // A one-letter "scheme" is a Windows drive letter (C:\data\store.db), i.e. a plain path.
  const scheme = SCHEME.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === undefined) return { dialect: 'sqlite', filename: trimmed };
  switch (scheme) {
    case 'postgres':
    case 'postgresql':
      return { dialect: 'postgres', connectionString: trimmed };
    case 'sqlite': {
      let filename = trimmed.slice('sqlite:'.length);
      if (filename.startsWith('//')) filename = filename.slice(2);
      if (filename === '') {
        throw new SqlStoreError(
          'INVALID_URL',
          "The store URL 'sqlite:' names no file: use sqlite:PATH or sqlite::memory:.",
        );
      }
      return { dialect: 'sqlite', filename };
    }
    case 'file':
      try {
        return { dialect: 'sqlite', filename: fileURLToPath(trimmed) };
      } catch (error) {
        throw new SqlStoreError('INVALID_URL', 'The store URL is not a valid file: URL.', { cause: error });
      }
    default:
      throw new SqlStoreError(
        'INVALID_URL',
        `Unsupported store URL scheme '${scheme}:': use a SQLite file path, ':memory:', 'sqlite:PATH' or a postgres:// URL.`,
      );
  }
}

/** The location without secrets, safe to log: the SQLite file name or the PostgreSQL URL without its password. */
export function describeStoreLocation(location: StoreLocation): string {
  if (location.dialect === 'sqlite') return `sqlite:${location.filename}`;
  try {
    const parsed = new URL(location.connectionString);
    parsed.password = '';
    parsed.search = '';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}
