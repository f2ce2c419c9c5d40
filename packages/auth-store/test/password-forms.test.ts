import { hash } from '@node-rs/bcrypt';
import { openSqlDatabase } from '@pgmcp/sql-store';
import { useStoreTestTargets } from '@pgmcp/sql-store/testing';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { freshStore, rawRows } from './helpers.js';

async function setRawHash(url: string, username: string, passwordHash: string): Promise<void> {
  const database = await openSqlDatabase({ url });
  try {
    await sql`update auth_users set password_hash = ${passwordHash} where username = ${username}`.execute(
      database.kysely,
    );
  } finally {
    await database.close();
  }
}

async function storedHash(url: string, username: string): Promise<unknown> {
  return (await rawRows(url, 'auth_users')).find((row) => row.username === username)?.password_hash;
}

describe.each(useStoreTestTargets('auth_password_forms'))('password forms on $dialect', (target) => {
  it('accepts the same password typed in another Unicode form (NFKC)', async () => {
    const { store } = await freshStore(target);
    // Composed "é" at creation, decomposed "e" + combining accent at login; full-width letters too.
    await store.createUser({ username: 'zoe', password: 'caf\u00e9 au lait mornings' });
    await expect(store.login('zoe', 'cafe\u0301 au lait mornings')).resolves.toBeDefined();
    await store.createUser({ username: 'yan', password: 'Ｈｅｒｏｎｓ wait by the mill' });
    await expect(store.login('yan', 'Herons wait by the mill')).resolves.toBeDefined();
    await expect(store.login('yan', 'herons wait by the mill')).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
  });

  it('still accepts a password hashed before normalisation, and rehashes it in the normalised form', async () => {
    const { store, url } = await freshStore(target);
    const typed = 'Ｈｅｒｏｎｓ wait by the mill';
    await store.createUser({ username: 'old', password: 'a placeholder passphrase' });
    // A hash from an earlier release, made of the password exactly as typed.
    const legacy = await hash(typed, { cost: 4 });
    await setRawHash(url, 'old', legacy);
    // The normalised form alone does not match the legacy hash...
    await expect(store.login('old', 'Herons wait by the mill')).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
    // ...the form as typed does, and the hash is replaced on the way.
    await expect(store.login('old', typed)).resolves.toBeDefined();
    const replaced = await storedHash(url, 'old');
    expect(replaced).not.toBe(legacy);
    expect(replaced).toMatch(/^\$2b\$04\$/);
    await expect(store.login('old', 'Herons wait by the mill')).resolves.toBeDefined();
    await expect(store.login('old', typed)).resolves.toBeDefined();
    // A wrong password does not count as a legacy match.
    await expect(store.login('old', 'Ｈｅｒｏｎｓ wait by the mil')).rejects.toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
  });

  it('refuses weak new passwords when creating users and setting passwords, saying what to do', async () => {
    const { store } = await freshStore(target);
    await expect(store.createUser({ username: 'w1', password: 'aaaaaaaaaaaa' })).rejects.toMatchObject({
      code: 'WEAK_PASSWORD',
      message: expect.stringMatching(/repeats a short pattern.*Choose a passphrase/),
    });
    await expect(store.createUser({ username: 'w2', password: ' '.repeat(12) })).rejects.toMatchObject({
      code: 'WEAK_PASSWORD',
    });
    const user = await store.createUser({ username: 'walter', password: 'a placeholder passphrase' });
    await expect(store.setPassword(user.id, 'qwertyuiop12')).rejects.toMatchObject({ code: 'WEAK_PASSWORD' });
    const empty = await freshStore(target);
    await expect(empty.store.ensureAdmin({ password: 'password1234' })).rejects.toMatchObject({
      code: 'WEAK_PASSWORD',
    });
  });
});
