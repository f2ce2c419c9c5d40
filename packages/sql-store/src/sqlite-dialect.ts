import {
  CompiledQuery,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type SqliteDatabase,
  type SqliteDialectConfig,
  type SqliteStatement,
} from 'kysely';

/** Statements kept prepared per connection, least recently used dropped first. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Keeps prepared statements by SQL text: kysely prepares every query afresh, and for the store's
 * small point lookups preparing costs about as much as running. A statement still busy (an open
 * iterator) is not shared; a fresh one is prepared for that call.
 */
export function cacheStatements(
  database: SqliteDatabase & { prepare(sql: string): SqliteStatement & { readonly busy?: boolean } },
): SqliteDatabase {
  const cache = new Map<string, SqliteStatement & { readonly busy?: boolean }>();
  return {
    prepare(sql) {
      const cached = cache.get(sql);
      if (cached && !cached.busy) {
        // Re-insert to mark it most recently used.
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      if (!cached) {
        cache.set(sql, statement);
        if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      return statement;
    },
    close() {
      cache.clear();
      database.close();
    },
  };
}

/**
 * kysely's SQLite dialect with two changes for stores that several processes open at once:
 * transactions start with BEGIN IMMEDIATE, so a transaction that reads and then writes waits for
 * the write lock up front (busy timeout) instead of failing with SQLITE_BUSY halfway; and DDL runs
 * in transactions (SQLite supports it), so a batch of migrations applies all or nothing and the
 * immediate lock serialises concurrent migration runs.
 */
export class StoreSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }

  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}
