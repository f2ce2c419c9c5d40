import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlDatabase } from '../src/index.js';

const scratch = await mkdtemp(path.join(tmpdir(), 'pgmcp-sql-store-modes-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

const modeOf = async (name: string) => (await stat(name)).mode & 0o7777;

describe.skipIf(process.platform === 'win32')('SQLite store files are private', () => {
  it('creates the directory 0700 and the database, WAL and shared-memory files 0600', async () => {
    const file = path.join(scratch, 'fresh', 'data', 'pgmcp.sqlite');
    const warnings: string[] = [];
    const database = await openSqlDatabase({ url: file, onWarning: (m) => warnings.push(m) });
    try {
      await sql`create table t (v text)`.execute(database.kysely);
      await sql`insert into t values ('secret')`.execute(database.kysely);
      expect(await modeOf(path.join(scratch, 'fresh'))).toBe(0o700);
      expect(await modeOf(path.dirname(file))).toBe(0o700);
      for (const name of [file, `${file}-wal`, `${file}-shm`]) expect(await modeOf(name)).toBe(0o600);
      expect(warnings).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it('repairs a looser directory and files at open, saying so through onWarning', async () => {
    const directory = path.join(scratch, 'loose');
    const file = path.join(directory, 'pgmcp.sqlite');
    await mkdir(directory);
    // Another process holds the store open, so its WAL and shared-memory files exist.
    const other = new Database(file);
    try {
      other.pragma('journal_mode = WAL');
      other.exec("create table t (v text); insert into t values ('secret')");
      for (const name of [file, `${file}-wal`, `${file}-shm`]) await chmod(name, 0o644);
      await chmod(directory, 0o755);

      const warnings: string[] = [];
      const database = await openSqlDatabase({ url: file, onWarning: (m) => warnings.push(m) });
      try {
        expect(await modeOf(directory)).toBe(0o700);
        for (const name of [file, `${file}-wal`, `${file}-shm`]) expect(await modeOf(name)).toBe(0o600);
        expect(warnings).toHaveLength(4);
        expect(warnings[0]).toBe(
          `Made the store directory ${directory} private (mode 0755 → 0700): it holds password and token hashes and conversations.`,
        );
        expect(
          warnings.slice(1).map((m) => /Made the store file (\S+) private \(mode 0644 → 0600\)/.exec(m)?.[1]),
        ).toEqual([file, `${file}-wal`, `${file}-shm`]);
        expect((await sql`select v from t`.execute(database.kysely)).rows).toEqual([{ v: 'secret' }]);
      } finally {
        await database.close();
      }
    } finally {
      other.close();
    }
  });

  it('leaves a shared (sticky) directory and, when asked, any directory as it is; the file is still made private', async () => {
    const shared = path.join(scratch, 'shared');
    await mkdir(shared);
    await chmod(shared, 0o1777);
    const warnings: string[] = [];
    const first = await openSqlDatabase({
      url: path.join(shared, 'a.sqlite'),
      onWarning: (m) => warnings.push(m),
    });
    await first.close();
    expect(await modeOf(shared)).toBe(0o1777);
    expect(await modeOf(path.join(shared, 'a.sqlite'))).toBe(0o600);
    expect(warnings).toEqual([expect.stringMatching(/is open to other users \(mode 1777\) and is shared/)]);

    const team = path.join(scratch, 'team');
    await mkdir(team);
    await chmod(team, 0o755);
    await writeFile(path.join(team, 'b.sqlite'), '', { mode: 0o644 });
    const quiet: string[] = [];
    const second = await openSqlDatabase({
      url: path.join(team, 'b.sqlite'),
      privateDirectory: false,
      onWarning: (m) => quiet.push(m),
    });
    await second.close();
    expect(await modeOf(team)).toBe(0o755);
    expect(await modeOf(path.join(team, 'b.sqlite'))).toBe(0o600);
    expect(quiet).toEqual([expect.stringContaining('Made the store file')]);
  });
});
