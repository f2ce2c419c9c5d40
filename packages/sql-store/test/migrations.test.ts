import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openSqlDatabase, runMigrations, type SqlDatabase, type StoreMigration } from '../src/index.js';
import { useStoreTestTargets } from '../src/testing.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

const createTable = (table: string): StoreMigration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable(table)
      .addColumn('id', 'text', (c) => c.primaryKey())
      .execute();
  },
});

async function tableNames(database: SqlDatabase): Promise<string[]> {
  const tables = await database.kysely.introspection.getTables();
  return tables.map((table) => table.name).sort();
}

async function applied(database: SqlDatabase, name: string): Promise<string[]> {
  const { rows } = await sql<{
    name: string;
  }>`select name from ${sql.table(`${name}_migrations`)} order by name`.execute(database.kysely);
  return rows.map((row) => row.name);
}

describe.each(useStoreTestTargets('sql_store_migrations'))('runMigrations on $dialect', (target) => {
  it('applies pending migrations once, recording them in the package table', async () => {
    const database = await openSqlDatabase({ url: await target.newUrl() });
    try {
      const set = { name: 'alpha', migrations: { '2026-01-01-01-a': createTable('alpha_a') } };
      expect(await runMigrations(database, set)).toEqual(['2026-01-01-01-a']);
      expect(await runMigrations(database, set)).toEqual([]);
      expect(await applied(database, 'alpha')).toEqual(['2026-01-01-01-a']);

      const later = { ...set, migrations: { ...set.migrations, '2026-02-01-01-b': createTable('alpha_b') } };
      expect(await runMigrations(database, later)).toEqual(['2026-02-01-01-b']);
      expect(await tableNames(database)).toEqual(
        expect.arrayContaining(['alpha_a', 'alpha_b', 'alpha_migrations', 'alpha_migrations_lock']),
      );
    } finally {
      await database.close();
    }
  });

  it('lets two packages share one database with their own migration tables', async () => {
    const database = await openSqlDatabase({ url: await target.newUrl() });
    try {
      await runMigrations(database, { name: 'one', migrations: { '2026-01-01-01-x': createTable('one_x') } });
      await runMigrations(database, { name: 'two', migrations: { '2026-01-01-01-x': createTable('two_x') } });
      expect(await applied(database, 'one')).toEqual(['2026-01-01-01-x']);
      expect(await applied(database, 'two')).toEqual(['2026-01-01-01-x']);
      expect(await tableNames(database)).toEqual(expect.arrayContaining(['one_x', 'two_x']));
    } finally {
      await database.close();
    }
  });

  it('passes the dialect to each migration', async () => {
    const database = await openSqlDatabase({ url: await target.newUrl() });
    const seen: string[] = [];
    try {
      await runMigrations(database, {
        name: 'd',
        migrations: { '2026-01-01-01-x': { up: (_db, dialect) => Promise.resolve(void seen.push(dialect)) } },
      });
      expect(seen).toEqual([target.dialect]);
    } finally {
      await database.close();
    }
  });

  it('fails with MIGRATION_FAILED naming the migration, applying none of that run', async () => {
    const database = await openSqlDatabase({ url: await target.newUrl() });
    try {
      const earlier = { '2026-01-01-01-earlier': createTable('beta_earlier') };
      await runMigrations(database, { name: 'beta', migrations: earlier });
      const failing = runMigrations(database, {
        name: 'beta',
        migrations: {
          ...earlier,
          '2026-01-02-01-good': createTable('beta_good'),
          '2026-01-03-01-bad': { up: (db) => sql`create table broken (`.execute(db).then(() => undefined) },
        },
      });
      await expect(failing).rejects.toMatchObject({
        code: 'MIGRATION_FAILED',
        message: expect.stringContaining('migration 2026-01-03-01-bad'),
      });
      expect(await applied(database, 'beta')).toEqual(['2026-01-01-01-earlier']);
      expect(await tableNames(database)).not.toContain('beta_good');
    } finally {
      await database.close();
    }
  });

  it('refuses a database migrated by a newer release (a migration this code does not know)', async () => {
    const database = await openSqlDatabase({ url: await target.newUrl() });
    try {
      const newer = { '2026-01-01-01-a': createTable('g_a'), '2026-03-01-01-b': createTable('g_b') };
      await runMigrations(database, { name: 'gamma', migrations: newer });
      await expect(
        runMigrations(database, {
          name: 'gamma',
          migrations: { '2026-01-01-01-a': newer['2026-01-01-01-a'] },
        }),
      ).rejects.toMatchObject({
        code: 'MIGRATION_FAILED',
        message: expect.stringContaining('2026-03-01-01-b'),
      });
    } finally {
      await database.close();
    }
  });

  it('serialises concurrent starts in one process (shared SQLite connection, pg advisory lock)', async () => {
    const url = await target.newUrl();
    const handles = await Promise.all([openSqlDatabase({ url }), openSqlDatabase({ url })]);
    try {
      const set = {
        name: 'delta',
        migrations: { '2026-01-01-01-a': createTable('delta_a'), '2026-01-02-01-b': createTable('delta_b') },
      };
      const results = await Promise.all(handles.map((database) => runMigrations(database, set)));
      expect(results.flat().sort()).toEqual(['2026-01-01-01-a', '2026-01-02-01-b']);
      expect(await applied(handles[0], 'delta')).toEqual(['2026-01-01-01-a', '2026-01-02-01-b']);
    } finally {
      await Promise.all(handles.map((database) => database.close()));
    }
  });

  it('refuses a migration set name that is not a plain identifier', async () => {
    const database = await openSqlDatabase({ url: await target.newUrl() });
    try {
      await expect(runMigrations(database, { name: 'Bad-Name', migrations: {} })).rejects.toMatchObject({
        code: 'MIGRATION_FAILED',
      });
    } finally {
      await database.close();
    }
  });
});

describe('runMigrations on SQLite beside another process', () => {
  const [sqlite] = useStoreTestTargets('sql_store_processes');

  it('waits for a write lock another process holds instead of failing', async () => {
    const url = await sqlite!.newUrl();
    // Another process (say `pgmcp user create` while the server starts) holds the write lock for 400 ms.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const db = new (require('better-sqlite3'))(process.argv[1]);
         db.pragma('journal_mode = WAL');
         db.exec('begin immediate; create table holder (x)');
         process.stdout.write('locked\\n');
         setTimeout(() => { db.exec('commit'); db.close(); }, 400);`,
        url,
      ],
      { cwd: packageDir, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await once(holder.stdout, 'data');
    const database = await openSqlDatabase({ url });
    try {
      const started = Date.now();
      expect(
        await runMigrations(database, {
          name: 'eps',
          migrations: { '2026-01-01-01-a': createTable('eps_a') },
        }),
      ).toEqual(['2026-01-01-01-a']);
      expect(Date.now() - started).toBeGreaterThan(100);
      expect(await tableNames(database)).toEqual(expect.arrayContaining(['eps_a', 'holder']));
    } finally {
      await database.close();
      await once(holder, 'exit');
    }
  });
});
