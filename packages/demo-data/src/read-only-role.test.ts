import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createReadOnlyRole, scramSha256Verifier } from './read-only-role.js';

describe('scramSha256Verifier', () => {
  it('produces a verifier that answers the RFC 7677 example exchange', () => {
    // RFC 7677 section 3: user "user", password "pencil".
    const salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
    const verifier = scramSha256Verifier('pencil', salt);
    const match = /^SCRAM-SHA-256\$4096:([^$]+)\$([^:]+):(.+)$/.exec(verifier);
    expect(match?.[1]).toBe('W22ZaJ0SNY7soEsUEjb6gQ==');
    const storedKey = Buffer.from(match?.[2] ?? '', 'base64');
    const serverKey = Buffer.from(match?.[3] ?? '', 'base64');
    const nonce = 'rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
    const authMessage = `n=user,r=rOprNGfwEbeRWgbNEkqO,r=${nonce},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=${nonce}`;
    const serverSignature = createHmac('sha256', serverKey).update(authMessage).digest('base64');
    expect(serverSignature).toBe('6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
    // The client's proof from the RFC, checked against the stored key as the server does.
    const proof = Buffer.from('dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=', 'base64');
    const clientSignature = createHmac('sha256', storedKey).update(authMessage).digest();
    const clientKey = Buffer.from(proof.map((byte, i) => byte ^ (clientSignature[i] ?? 0)));
    expect(createHash('sha256').update(clientKey).digest()).toEqual(storedKey);
  });

  it('salts randomly by default', () => {
    expect(scramSha256Verifier('same')).not.toBe(scramSha256Verifier('same'));
  });
});

describe('createReadOnlyRole option checks', () => {
  // Checked before connecting: the URL points nowhere.
  const nowhere = 'postgres://nobody@127.0.0.1:1/none';

  it.each([
    [{ role: '', password: 'x' }, /non-empty string/],
    [{ role: 'a'.repeat(64), password: 'x' }, /63-byte/],
    [{ role: 'pg_reader', password: 'x' }, /reserves/],
    [{ role: 'reader', password: '' }, /password/],
    [{ role: 'reader', password: 'x', schemas: [] }, /schemas/],
  ])('rejects %j', async (options, message) => {
    await expect(createReadOnlyRole(nowhere, options)).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
      message: expect.stringMatching(message) as unknown,
    });
  });
});
