import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import './postgres-global-setup.js';

/** A database of its own for one test file, on the harness's PostgreSQL. */
export interface TestDatabase {
  /** Database name, unique per call. */
  readonly name: string;
  /** Superuser URL of this database. */
  readonly url: string;
  /** Superuser URL of the maintenance database (`postgres`), for checks from outside. */
  readonly adminUrl: string;
  /** Major version of the server, e.g. 18. */
  readonly major: number;
  /** Drops the database, disconnecting whoever is still connected. */
  drop(): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/**
 * Runs SQL on a connection of its own (opened and closed around it) and returns the rows: for
 * setting up fixtures and for checking, from outside the code under test, what really happened.
 */
export async function adminQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Creates a fresh, empty database; the caller drops it. */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const adminUrl = inject('pgAdminUrl');
  const safeLabel = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 40);
  const name = `t_${safeLabel}_${randomBytes(4).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
  return {
    name,
    url: withDatabase(adminUrl, name),
    adminUrl,
    major: inject('pgMajor'),
    drop: async () => {
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/**
 * Gives the calling test file its own database, created before its tests and dropped after.
 * Read the fields inside tests or hooks (they are set in `beforeAll`).
 *
 * @example
 *   const db = useTestDatabase('pool-manager');
 *   it('connects', async () => { const client = new pg.Client(db.url); ... });
 */
export function useTestDatabase(label?: string): TestDatabase {
  let current: TestDatabase | undefined;
  const get = (): TestDatabase => {
    if (!current) throw new Error('useTestDatabase(): the database exists only inside tests and hooks.');
    return current;
  };
  beforeAll(async () => {
    current = await createTestDatabase(label);
  });
  afterAll(async () => {
    await current?.drop();
  });
  return {
    get name() {
      return get().name;
    },
    get url() {
      return get().url;
    },
    get adminUrl() {
      return get().adminUrl;
    },
    get major() {
      return get().major;
    },
    drop: () => get().drop(),
  };
}
