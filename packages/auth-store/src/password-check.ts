import type { RateLimitHit } from '@pgmcp/rate-limiter';
import { accountKey, lockoutRule } from './account-lockout.js';
import { AuthStoreError } from './errors.js';
import type { UsersTable } from './schema.js';
import type { StoreContext } from './store-context.js';

/** What checking a password against an account came to. */
export type PasswordCheck =
  | { readonly outcome: 'success' }
  /** The password was verified and is wrong (the attempt stays counted). */
  | { readonly outcome: 'wrong_password' }
  /** Too many attempts on the account: not verified (dummy work was done). */
  | { readonly outcome: 'locked'; readonly retryAfterMs: number }
  /** No such user, or one without a password (a service account): dummy work was done. */
  | { readonly outcome: 'unknown_user' | 'no_password' };

/**
 * The one answer to a failed login — unknown user, wrong password, locked account, service account
 * — so that the answer does not tell which names exist or are locked.
 */
export function invalidCredentials(): AuthStoreError {
  return new AuthStoreError(
    'INVALID_CREDENTIALS',
    'Wrong username or password, or the account is locked after too many failed logins: try again later or ask an administrator.',
  );
}

/**
 * Checks a password against an account (or its absence) with the same bcrypt work in every case.
 * The attempt is counted in the store before the password is verified — in-flight attempts
 * included, atomically, so replicas agree — and released again only if it was never verified; a
 * right password clears the count. A hash made before passwords were normalised is replaced.
 * Callers serialise checks per account name. BUSY (nothing counted) when the bcrypt queue is full.
 */
export async function checkAccountPassword(
  ctx: StoreContext,
  row: UsersTable | undefined,
  password: string,
): Promise<PasswordCheck> {
  if (!row || row.password_hash === null) {
    await ctx.hasher.verify(password, null);
    return { outcome: row ? 'no_password' : 'unknown_user' };
  }
  const rule = lockoutRule(ctx.settings);
  let attempt: RateLimitHit | undefined;
  if (rule) {
    attempt = await ctx.limiter.hit(accountKey(row.id), rule);
    if (!attempt.allowed) {
      await ctx.hasher.verify(password, null);
      return { outcome: 'locked', retryAfterMs: attempt.retryAfterMs };
    }
  }
  let match;
  try {
    match = await ctx.hasher.verify(password, row.password_hash);
  } catch (error) {
    await attempt?.release();
    throw error;
  }
  if (match === 'mismatch') return { outcome: 'wrong_password' };
  if (rule) await ctx.limiter.reset(accountKey(row.id));
  if (match === 'legacy') await rehash(ctx, row, password);
  return { outcome: 'success' };
}

/** Replaces a pre-normalisation hash with one of the NFKC form; left for next time when bcrypt is busy. */
async function rehash(ctx: StoreContext, row: UsersTable, password: string): Promise<void> {
  let passwordHash: string;
  try {
    passwordHash = await ctx.hasher.hash(password);
  } catch (error) {
    if (error instanceof AuthStoreError && error.code === 'BUSY') return;
    throw error;
  }
  // Only if the password was not changed meanwhile.
  await ctx.db
    .updateTable('auth_users')
    .set({ password_hash: passwordHash })
    .where('id', '=', row.id)
    .where('password_hash', '=', row.password_hash)
    .execute();
}
