import path from 'node:path';
import { openSqlDatabase } from '@pgmcp/sql-store';
import { schemaSnapshot, useStoreTestTargets } from '@pgmcp/sql-store/testing';
import { makeTempDir } from '@pgmcp/vitest-config/temp';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createConnectionStore } from '../src/index.js';

describe.each(useStoreTestTargets('conn_migrations'))('connection migrations on $dialect', (target) => {
  it('creates the schema the snapshot froze (a shipped migration must never change)', async () => {
    const url = await target.newUrl();
    const keyFile = path.join(makeTempDir('pgmcp-conn-mig-'), 'secret.key');
    await (await createConnectionStore({ url, keyFile, createKeyFile: true })).close();
    const database = await openSqlDatabase({ url });
    try {
      expect(await schemaSnapshot(database, 'conn_')).toMatchSnapshot();
      const applied = await sql<{ name: string }>`select name from conn_migrations`.execute(database.kysely);
      expect(applied.rows.map((row) => row.name)).toEqual(['2026-12-06-01-connections']);
    } finally {
      await database.close();
    }
  });
});
