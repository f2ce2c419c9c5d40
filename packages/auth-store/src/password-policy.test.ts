import { describe, expect, it } from 'vitest';
import { AuthStoreError } from './errors.js';
import { checkPasswordPolicy } from './password-policy.js';

function problem(password: string): string | undefined {
  try {
    checkPasswordPolicy(password, 12);
    return undefined;
  } catch (error) {
    if (!(error instanceof AuthStoreError)) throw error;
    expect(error.code).toBe('WEAK_PASSWORD');
    return error.message;
  }
}

describe('password policy (NIST 800-63B)', () => {
  it('accepts passphrases and other passwords that are not on a list or a pattern', () => {
    for (const password of [
      'correct horse battery',
      'a long passphrase',
      'ünïcödé-ok!!',
      'Tr0ub4dor&3 mango',
      'ilovemydog and my cat',
      'mary had a little lamb',
    ]) {
      expect(problem(password), password).toBeUndefined();
    }
  });

  it('refuses common passwords, also with digits or symbols around them, ignoring case', () => {
    expect(problem('1qaz2wsx3edc')).toMatch(/most commonly used passwords.*Choose a passphrase/);
    expect(problem('QAZWSXEDCRFV')).toMatch(/most commonly used/);
    expect(problem('iloveyou2024!')).toMatch(/commonly used password with digits or symbols added/);
    expect(problem('!!Password1234')).toMatch(/with digits or symbols added/);
  });

  it('refuses repeats, sequences and keyboard walks, saying why and what to choose instead', () => {
    expect(problem('aaaaaaaaaaaa')).toMatch(
      /repeats a short pattern.*Choose a passphrase of several unrelated words/,
    );
    expect(problem(' '.repeat(12))).toMatch(/repeats a short pattern/);
    expect(problem('abcabcabcabc')).toMatch(/repeats a short pattern/);
    expect(problem('xyzzy-xyzzy-xyzzy-')).toMatch(/repeats a short pattern/);
    expect(problem('aaaabbbbabab')).toMatch(/only 2 different characters/);
    expect(problem('123456789012')).toMatch(/sequences or keyboard patterns/);
    expect(problem('abcdefghijkl')).toMatch(/sequences or keyboard patterns/);
    expect(problem('zyxwvu987654')).toMatch(/sequences or keyboard patterns/);
    expect(problem('abc123def456')).toMatch(/sequences or keyboard patterns/);
    expect(problem('asdfghjkl;lk')).toMatch(/sequences or keyboard patterns/);
    expect(problem('poiuytrewq!x')).toMatch(/sequences or keyboard patterns/);
    expect(problem('1qaz2wsx3edc4rfvZ')).toMatch(/sequences or keyboard patterns|commonly used/);
  });

  it('checks the NFKC form, the one that is hashed', () => {
    // Full-width letters and digits are "password1234" once normalised.
    expect(problem('ｐａｓｓｗｏｒｄ１２３４')).toMatch(/commonly used password/);
    // The ligature "ﬀ" is two characters once normalised: 12 as typed, 13 as hashed.
    expect(() => checkPasswordPolicy('giraﬀe sings', 13)).not.toThrow();
    expect(() => checkPasswordPolicy('giraﬀe sings', 14)).toThrow(
      /at least 14 characters long \(it has 13\)/,
    );
  });
});
