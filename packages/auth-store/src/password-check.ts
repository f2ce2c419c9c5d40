import { AuthStoreError } from './errors.js';
import { generatePassword, hashPassword, verifyPassword } from './passwords.js';
import type { UsersTable } from './schema.js';
import type { StoreContext } from './store-context.js';

/** The one answer to a wrong username or password. */
export function invalidCredentials(): AuthStoreError {
  return new AuthStoreError('INVALID_CREDENTIALS', 'Wrong username or password.');
}

/** Does the work of a password check without a real hash, so timing does not tell which names exist. */
export async function verifyAgainstDummy(ctx: StoreContext, password: string): Promise<void> {
  ctx.dummyHash ??= hashPassword(generatePassword(), ctx.settings.bcryptCost);
  await verifyPassword(String(password), await ctx.dummyHash);
}

/** Verifies a password against a user, applying and updating the lockout; throws on failure. */
export async function checkUserPassword(
  ctx: StoreContext,
  row: UsersTable,
  password: string,
  now: Date,
): Promise<void> {
  const { lockout } = ctx.settings;
  const nowMs = now.getTime();
  if (row.locked_until !== null && row.locked_until > nowMs) {
    const retryAfterSeconds = Math.ceil((row.locked_until - nowMs) / 1000);
    throw new AuthStoreError(
      'ACCOUNT_LOCKED',
      `This account is locked after too many failed logins; try again in ${retryAfterSeconds} s or ask an administrator to unlock it.`,
      { retryAfterSeconds },
    );
  }
  if (row.password_hash !== null && (await verifyPassword(String(password), row.password_hash))) return;
  // A lock that has run out starts the count afresh.
  const lockExpired = row.locked_until !== null;
  const updated = await ctx.db
    .updateTable('auth_users')
    .set((eb) => ({
      failed_attempts: lockExpired ? 1 : eb('failed_attempts', '+', 1),
      locked_until: null,
    }))
    .where('id', '=', row.id)
    .returning('failed_attempts')
    .executeTakeFirst();
  if (lockout.maxFailures > 0 && updated && updated.failed_attempts >= lockout.maxFailures) {
    await ctx.db
      .updateTable('auth_users')
      .set({ locked_until: nowMs + lockout.durationMs })
      .where('id', '=', row.id)
      .execute();
  }
  throw invalidCredentials();
}
