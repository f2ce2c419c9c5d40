import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeTempDir } from '@pgmcp/vitest-config/temp';
import { describe, expect, it } from 'vitest';
import { addKeyToFile, openKeyRing, pruneKeyFile, SecretsError } from './index.js';

function keyFile(): string {
  return path.join(makeTempDir('pgmcp-secrets-'), 'data', 'secret.key');
}

function failure(work: () => unknown): SecretsError {
  try {
    work();
  } catch (error) {
    if (error instanceof SecretsError) return error;
    throw error;
  }
  throw new Error('expected a SecretsError');
}

describe('openKeyRing', () => {
  it('creates a 0600 key file on request, says to back it up, and round-trips secrets', () => {
    const file = keyFile();
    const warnings: string[] = [];
    const ring = openKeyRing({ file, createIfMissing: true, onWarning: (m) => warnings.push(m) });
    expect(ring.created).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(warnings.join('\n')).toMatch(/BACK IT UP/);
    expect(warnings.join('\n')).toContain(file);

    const stored = ring.encrypt('pässwörd 1', 'connection:c1:password');
    expect(stored).not.toContain('pässwörd');
    expect(stored.split(':')[2]).toBe(ring.activeKeyId());
    expect(ring.decrypt(stored, 'connection:c1:password')).toBe('pässwörd 1');
    // A fresh nonce each time: equal secrets do not give equal ciphertexts.
    expect(ring.encrypt('pässwörd 1', 'connection:c1:password')).not.toBe(stored);
  });

  it('refuses a missing key file naming it, unless asked to create one', () => {
    const file = keyFile();
    const error = failure(() => openKeyRing({ file }));
    expect(error.code).toBe('KEY_FILE_MISSING');
    expect(error.message).toContain(file);
  });

  it('refuses a malformed key file naming the file and line', () => {
    const file = keyFile();
    openKeyRing({ file, createIfMissing: true });
    writeFileSync(file, '# comment\nk1 notbase64ofthirtytwobytes\n');
    const error = failure(() => openKeyRing({ file }));
    expect(error.code).toBe('KEY_FILE_INVALID');
    expect(error.message).toContain(`${file}, line 2`);
  });

  it('binds the context: a value moved to another row does not decrypt', () => {
    const ring = openKeyRing({ file: keyFile(), createIfMissing: true });
    const stored = ring.encrypt('secret', 'connection:c1:password');
    expect(failure(() => ring.decrypt(stored, 'connection:c2:password')).code).toBe('DECRYPT_FAILED');
  });

  it('a different key under the same file is a clear error naming the file, not garbage', () => {
    const file = keyFile();
    const stored = openKeyRing({ file, createIfMissing: true }).encrypt('secret', 'x');
    const id = stored.split(':')[2]!;
    writeFileSync(file, `${id} ${Buffer.alloc(32, 7).toString('base64')}\n`, { mode: 0o600 });
    const error = failure(() => openKeyRing({ file }).decrypt(stored, 'x'));
    expect(error.code).toBe('DECRYPT_FAILED');
    expect(error.message).toContain(file);
    expect(error.message).not.toContain('secret"');
  });

  it('rotation: a new key encrypts, old values stay readable, a ring opened before reads new values', () => {
    const file = keyFile();
    const before = openKeyRing({ file, createIfMissing: true });
    const old = before.encrypt('old secret', 'a');
    const added = addKeyToFile(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const after = openKeyRing({ file });
    expect(after.activeKeyId()).toBe(added.id);
    expect(after.decrypt(old, 'a')).toBe('old secret');
    const fresh = after.encrypt('new secret', 'b');
    expect(after.keyIdOf(fresh)).toBe(added.id);
    // Another replica opened the file before the rotation: it re-reads the file for the new key id.
    expect(before.decrypt(fresh, 'b')).toBe('new secret');

    // Once everything is re-encrypted the old key can go; values under it then name the missing key.
    expect(pruneKeyFile(file, new Set([added.id]))).toEqual([before.keyIds()[0]]);
    const error = failure(() => openKeyRing({ file }).decrypt(old, 'a'));
    expect(error.code).toBe('UNKNOWN_KEY');
    expect(error.message).toContain(file);
    expect(readFileSync(file, 'utf8')).toMatch(/BACK THIS FILE UP/);
  });

  it('refuses values it did not write', () => {
    const ring = openKeyRing({ file: keyFile(), createIfMissing: true });
    expect(failure(() => ring.decrypt('plain text', 'a')).code).toBe('INVALID_CIPHERTEXT');
  });
});
