import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/bcrypt';

/** bcrypt reads at most this many bytes of a password. */
export const MAX_PASSWORD_BYTES = 72;

/**
 * The form of a password that is checked and hashed: Unicode NFKC, so the same password typed on
 * another keyboard or input method (full-width letters, composed accents, ligatures) matches.
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/** bcrypt hash of a password (as given: normalise first) with the given cost (4–31). */
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
