import { describe, expect, it } from 'vitest';
import { SqlStoreError } from './errors.js';
import { describeStoreLocation, parseStoreUrl } from './store-url.js';

describe('parseStoreUrl', () => {
  it.each([
    ['/var/lib/pgmcp/store.db', '/var/lib/pgmcp/store.db'],
    ['data/store.db', 'data/store.db'],
    [':memory:', ':memory:'],
    ['sqlite::memory:', ':memory:'],
    ['sqlite:data/store.db', 'data/store.db'],
    ['sqlite:///var/lib/store.db', '/var/lib/store.db'],
    ['SQLITE://rel/store.db', 'rel/store.db'],
    ['file:///tmp/store.db', '/tmp/store.db'],
    ['C:\\data\\store.db', 'C:\\data\\store.db'],
  ])('reads %s as the SQLite file %s', (url, filename) => {
    expect(parseStoreUrl(url)).toEqual({ dialect: 'sqlite', filename });
  });

  it.each(['postgres://u:p@db:5432/pgmcp', 'postgresql://db/pgmcp?sslmode=require'])(
    'reads %s as PostgreSQL',
    (url) => {
      expect(parseStoreUrl(url)).toEqual({ dialect: 'postgres', connectionString: url });
    },
  );

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['sqlite:', /names no file/],
    ['mysql://db/x', /Unsupported store URL scheme 'mysql:'/],
  ])('refuses %j with INVALID_URL', (url, message) => {
    const error = catchError(() => parseStoreUrl(url));
    expect(error).toBeInstanceOf(SqlStoreError);
    expect(error).toMatchObject({ code: 'INVALID_URL', message: expect.stringMatching(message) });
  });

  it('does not repeat the URL, which may hold a password, in its error', () => {
    const error = catchError(() => parseStoreUrl('mysql://root:hunter2@db/x'));
    expect((error as Error).message).not.toContain('hunter2');
  });
});

describe('describeStoreLocation', () => {
  it('drops the password and query of a PostgreSQL URL', () => {
    const text = describeStoreLocation(parseStoreUrl('postgres://app:s3cret@db:5433/pgmcp?password=x'));
    expect(text).toBe('postgres://app@db:5433/pgmcp');
  });

  it('names the SQLite file', () => {
    expect(describeStoreLocation(parseStoreUrl('/tmp/a.db'))).toBe('sqlite:/tmp/a.db');
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
