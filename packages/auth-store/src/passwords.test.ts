import { describe, expect, it } from 'vitest';
import { AuthStoreError } from './errors.js';
import { checkPasswordPolicy } from './password-policy.js';
import { generatePassword, hashPassword, verifyPassword } from './passwords.js';

describe('password policy', () => {
  it('counts characters, not bytes, for the minimum', () => {
    expect(() => checkPasswordPolicy('ünïcödé-ok!!', 12)).not.toThrow();
    expect(() => checkPasswordPolicy('short', 12)).toThrow(AuthStoreError);
  });

  it('counts bytes for the bcrypt maximum and says why', () => {
    expect(() =>
      checkPasswordPolicy('Four pale moths circle a lantern near the jetty; the tide slips out slow', 12),
    ).not.toThrow();
    const emoji = '🔑'.repeat(19); // 19 characters, 76 bytes
    expect(() => checkPasswordPolicy(emoji, 12)).toThrow(/at most 72 bytes.*bcrypt ignores/);
  });
});

describe('hashing', () => {
  it('verifies the right password only, and never one bcrypt would truncate', async () => {
    const password = 'b'.repeat(72);
    const hash = await hashPassword(password, 4);
    expect(hash).toMatch(/^\$2b\$04\$/);
    expect(await verifyPassword(password, hash)).toBe(true);
    expect(await verifyPassword('c'.repeat(72), hash)).toBe(false);
    expect(await verifyPassword(`${password}tail`, hash)).toBe(false);
  });

  it('generates distinct 24-character passwords that pass the policy', () => {
    const a = generatePassword();
    expect(a).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(generatePassword()).not.toBe(a);
    expect(() => checkPasswordPolicy(a, 12)).not.toThrow();
  });
});
