import { generatePassword, hashPassword, normalizePassword, verifyPassword } from './passwords.js';
import type { WorkQueue } from './work-queue.js';

/** How a password compared with a hash. */
export type PasswordMatch =
  /** It matches (its NFKC form, the form hashed since passwords are normalised). */
  | 'match'
  /** Only its raw form matches: a hash made before normalisation, to be replaced. */
  | 'legacy'
  | 'mismatch';

/** bcrypt through the store's work queue, on NFKC-normalised passwords. */
export interface PasswordHasher {
  /** The hash of a password's NFKC form. BUSY when the queue is full. */
  hash(password: string): Promise<string>;
  /**
   * Compares a password with a hash; with no hash, does the same work against a dummy one and
   * answers 'mismatch', so a missing account costs what a wrong password costs. BUSY when the queue
   * is full.
   */
  verify(password: string, passwordHash: string | null): Promise<PasswordMatch>;
}

/** A hasher with the given bcrypt cost, running its work through `queue`. */
export function createPasswordHasher(cost: number, queue: WorkQueue): PasswordHasher {
  // Made up front, so the first unknown name does not cost an extra hash (and show in the timing).
  const dummyHash = hashPassword(generatePassword(), cost);
  dummyHash.catch(() => undefined); // awaited (and so reported) where it is used
  return {
    hash(password) {
      return queue.run(() => hashPassword(normalizePassword(password), cost));
    },
    verify(password, passwordHash) {
      const raw = String(password);
      const normalized = normalizePassword(raw);
      return queue.run(async () => {
        const target = passwordHash ?? (await dummyHash);
        if (await verifyPassword(normalized, target)) return passwordHash === null ? 'mismatch' : 'match';
        // Hashes made before passwords were normalised: try the form as typed (the same second
        // check runs against the dummy, so timing depends on the input only).
        if (normalized !== raw && (await verifyPassword(raw, target))) {
          return passwordHash === null ? 'mismatch' : 'legacy';
        }
        return 'mismatch';
      });
    },
  };
}
