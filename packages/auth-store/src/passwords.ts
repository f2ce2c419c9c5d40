import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/bcrypt';
import { AuthStoreError } from './errors.js';

/** bcrypt reads at most this many bytes of a password. */
export const MAX_PASSWORD_BYTES = 72;

/** Throws WEAK_PASSWORD or PASSWORD_TOO_LONG naming the rule the password breaks. */
export function checkPasswordPolicy(password: string, minLength: number): void {
  const characters = [...password].length;
  if (characters < minLength) {
    throw new AuthStoreError(
      'WEAK_PASSWORD',
      `The password must be at least ${minLength} characters long (it has ${characters}).`,
    );
  }
  const bytes = Buffer.byteLength(password, 'utf8');
  if (bytes > MAX_PASSWORD_BYTES) {
    throw new AuthStoreError(
      'PASSWORD_TOO_LONG',
      `The password must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8 (it has ${bytes}): bcrypt ignores anything ` +
        'beyond that, so a longer password is refused rather than silently cut.',
    );
  }
}

/** bcrypt hash of a password with the given cost (4–31). */
export function hashPassword(password: string, cost: number): Promise<string> {
  return hash(password, { cost });
}

/** Whether a password matches a bcrypt hash; passwords over 72 bytes never match (bcrypt would ignore the excess). */
export async function verifyPassword(password: string, passwordHash: string): Promise<boolean> {
  const matches = await verify(password, passwordHash);
  return matches && Buffer.byteLength(password, 'utf8') <= MAX_PASSWORD_BYTES;
}

/** A random password for generated accounts: 24 URL-safe characters (144 bits). */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
