import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  constraintError,
  fromDbBool,
  fromDbJson,
  fromDbTime,
  isUniqueViolation,
  openSqlDatabase,
  runMigrations,
  SqlStoreError,
  toDbBool,
  toDbJson,
  toDbTime,
  typedKysely,
  type SqlDatabase,
} from '../src/index.js';
import { useStoreTestTargets } from '../src/testing.js';

interface Tables {
  parents: { id: string; name: string };
  children: { id: string; parent_id: string; at: number; flag: number; doc: string };
}

describe.each(useStoreTestTargets('sql_store_values'))(
  'values and constraint errors on $dialect',
  (target) => {
    let database: SqlDatabase;
    let db: Kysely<Tables>;

    beforeAll(async () => {
      database = await openSqlDatabase({ url: await target.newUrl() });
      await runMigrations(database, {
        name: 'demo',
        migrations: {
          '2026-01-01-01-initial': {
            async up(kysely) {
              await kysely.schema
                .createTable('parents')
                .addColumn('id', 'text', (c) => c.primaryKey())
                .addColumn('name', 'text', (c) => c.notNull().unique())
                .execute();
              await kysely.schema
                .createTable('children')
                .addColumn('id', 'text', (c) => c.primaryKey())
                .addColumn('parent_id', 'text', (c) =>
                  c.notNull().references('parents.id').onDelete('cascade'),
                )
                .addColumn('at', 'bigint', (c) => c.notNull())
                .addColumn('flag', 'integer', (c) => c.notNull().check(sql`flag in (0, 1)`))
                .addColumn('doc', 'text', (c) => c.notNull())
                .execute();
            },
          },
        },
      });
      db = typedKysely<Tables>(database);
    });
    afterAll(() => database.close());

    it('round-trips times, booleans and JSON the same way', async () => {
      const at = new Date('2026-11-21T10:59:25.123Z');
      await db.insertInto('parents').values({ id: 'p1', name: 'one' }).execute();
      await db
        .insertInto('children')
        .values({
          id: 'c1',
          parent_id: 'p1',
          at: toDbTime(at),
          flag: toDbBool(true),
          doc: toDbJson({ x: [1, 'é'] }),
        })
        .execute();
      const row = await db
        .selectFrom('children')
        .selectAll()
        .where('id', '=', 'c1')
        .executeTakeFirstOrThrow();
      expect(fromDbTime(row.at)).toEqual(at);
      expect(fromDbBool(row.flag)).toBe(true);
      expect(fromDbJson(row.doc)).toEqual({ x: [1, 'é'] });
      const later = await db
        .selectFrom('children')
        .select('id')
        .where('at', '>', toDbTime(new Date(at.getTime() - 1)))
        .execute();
      expect(later).toEqual([{ id: 'c1' }]);
    });

    it('recognises a unique violation', async () => {
      await db.insertInto('parents').values({ id: 'p2', name: 'two' }).execute();
      const error = await db
        .insertInto('parents')
        .values({ id: 'p3', name: 'two' })
        .execute()
        .catch((caught: unknown) => caught);
      expect(isUniqueViolation(error)).toBe(true);
      const typed = constraintError(error);
      expect(typed).toBeInstanceOf(SqlStoreError);
      expect(typed?.code).toBe('UNIQUE_VIOLATION');
      expect(typed?.constraint).toMatch(/name/);
      expect(typed?.cause).toBe(error);
    });

    it('recognises a primary-key collision as a unique violation', async () => {
      const error = await db
        .insertInto('parents')
        .values({ id: 'p2', name: 'other' })
        .execute()
        .catch((caught: unknown) => caught);
      expect(isUniqueViolation(error)).toBe(true);
    });

    it('recognises foreign-key, check and not-null violations', async () => {
      const insert = (values: Record<string, unknown>) =>
        db
          .insertInto('children')
          .values({ id: 'cx', parent_id: 'p1', at: 1, flag: 0, doc: '{}', ...values })
          .execute()
          .catch((caught: unknown) => caught);
      expect(constraintError(await insert({ parent_id: 'missing' }))?.code).toBe('FOREIGN_KEY_VIOLATION');
      expect(constraintError(await insert({ flag: 7 }))?.code).toBe('CHECK_VIOLATION');
      expect(constraintError(await insert({ doc: null }))?.code).toBe('NOT_NULL_VIOLATION');
      expect(isUniqueViolation(await insert({ flag: 7 }))).toBe(false);
    });

    it('returns undefined for errors that are not constraint violations', async () => {
      const syntax = await sql`selec 1`.execute(db).catch((caught: unknown) => caught);
      expect(constraintError(syntax)).toBeUndefined();
      expect(constraintError(new Error('x'))).toBeUndefined();
      expect(constraintError('text')).toBeUndefined();
    });

    it('cascades deletes through foreign keys', async () => {
      await db.deleteFrom('parents').where('id', '=', 'p1').execute();
      expect(await db.selectFrom('children').select('id').execute()).toEqual([]);
    });
  },
);
