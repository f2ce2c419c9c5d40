import { toDbTime } from '@pgmcp/sql-store';
import { loadAccess } from './access-loader.js';
import { ipKey, ipRule, userOf } from './account-lockout.js';
import type { AuthStore, LoginContext, LoginOutcome, Principal } from './auth-store-api.js';
import { AuthStoreError } from './errors.js';
import { checkAccountPassword, invalidCredentials } from './password-check.js';
import { requireUserRow, userRow, userRowByName } from './queries.js';
import { toApiToken, toSession } from './rows.js';
import type { ApiTokensTable, SessionsTable } from './schema.js';
import { asEnded, emitRevoked, reportLoginAttempt, type StoreContext } from './store-context.js';
import { credentialKindOfToken, hashToken, newId, newSessionToken } from './tokens.js';
import type { CurrentConnection } from './types.js';
import { checkText, nameKey } from './validation.js';

const MAX_TOKEN_LENGTH = 512;

/** Opens a login session for a user (the password or the identity provider was checked). */
export async function openSession(ctx: StoreContext, userId: string, context: LoginContext, now: Date) {
  const token = newSessionToken();
  const row: SessionsTable = {
    id: newId('session'),
    token_hash: hashToken(token),
    user_id: userId,
    created_at: toDbTime(now),
    expires_at: toDbTime(now) + ctx.settings.sessionTtlMs,
    last_used_at: null,
    user_agent: checkText('user agent', context.userAgent?.slice(0, 500), 500),
    ip: checkText('ip', context.ip?.slice(0, 100), 100),
    current_connection: null,
    current_database: null,
  };
  await ctx.db.insertInto('auth_sessions').values(row).execute();
  return { token, session: toSession(row) };
}

/** The login part of the AuthStore. */
export type LoginMethods = Pick<AuthStore, 'login' | 'authenticate' | 'logout'>;

/** Password logins, resolving tokens to principals (cached), and logout. */
export function createLoginMethods(ctx: StoreContext): LoginMethods {
  const { db, settings } = ctx;

  /** Writes last_used_at when it is older than the resolution; returns the value now stored. */
  async function touch(
    table: 'auth_sessions' | 'auth_api_tokens',
    id: string,
    lastUsedAt: number | null,
    now: Date,
  ): Promise<number | null> {
    const nowMs = now.getTime();
    if (lastUsedAt !== null && nowMs - lastUsedAt < settings.lastUsedResolutionMs) return lastUsedAt;
    await db.updateTable(table).set({ last_used_at: nowMs }).where('id', '=', id).execute();
    return nowMs;
  }

  async function sessionPrincipal(tokenHash: string, now: Date): Promise<Principal | undefined> {
    const row = await db
      .selectFrom('auth_sessions')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!row || row.expires_at <= now.getTime()) return undefined;
    const user = await userRow(db, row.user_id);
    if (!user || user.enabled !== 1) return undefined;
    const [lastUsed, principalUser, access] = await Promise.all([
      touch('auth_sessions', row.id, row.last_used_at, now),
      userOf(ctx, user),
      loadAccess(db, user, undefined),
    ]);
    return {
      kind: 'session',
      credentialId: row.id,
      user: principalUser,
      session: toSession({ ...row, last_used_at: lastUsed }),
      currentConnection: currentConnectionOf(row),
      access,
    };
  }

  async function apiTokenPrincipal(tokenHash: string, now: Date): Promise<Principal | undefined> {
    const row = await db
      .selectFrom('auth_api_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!row || (row.expires_at !== null && row.expires_at <= now.getTime())) return undefined;
    const user = await userRow(db, row.user_id);
    if (!user || user.enabled !== 1) return undefined;
    const scope = toApiToken(row).scope;
    const [lastUsed, principalUser, access] = await Promise.all([
      touch('auth_api_tokens', row.id, row.last_used_at, now),
      userOf(ctx, user),
      loadAccess(db, user, scope),
    ]);
    return {
      kind: 'api_token',
      credentialId: row.id,
      user: principalUser,
      apiToken: toApiToken({ ...row, last_used_at: lastUsed }),
      currentConnection: currentConnectionOf(row),
      access,
    };
  }

  return {
    login(username, password, context = {}) {
      const name = typeof username === 'string' ? username.slice(0, 64) : '';
      const { ip } = context;
      const report = (outcome: LoginOutcome, userId?: string) =>
        reportLoginAttempt(ctx, { username: name, userId, ip, outcome });
      let hadTurn = false;
      // Joining the username's line happens before the first await, so calls take turns in the
      // order they were made.
      const turn = ctx.loginLine.run(nameKey(name), async () => {
        hadTurn = true;
        const rule = ipRule(settings);
        // Counted before the password is checked, so attempts in flight count too; a right password
        // gives it back (only failures count against an address).
        const fromIp = ip !== undefined && rule ? await ctx.limiter.hit(ipKey(ip), rule) : undefined;
        if (fromIp && !fromIp.allowed) {
          report('rate_limited');
          const retryAfterSeconds = Math.ceil(fromIp.retryAfterMs / 1000);
          throw new AuthStoreError(
            'RATE_LIMITED',
            `Too many failed logins from this address; try again in ${retryAfterSeconds} s.`,
            { retryAfterSeconds },
          );
        }
        const row = await userRowByName(db, username);
        let check;
        try {
          check = await checkAccountPassword(ctx, row, password);
        } catch (error) {
          if (error instanceof AuthStoreError && error.code === 'BUSY') {
            await fromIp?.release();
            report('busy', row?.id);
          }
          throw error;
        }
        if (check.outcome !== 'success' || !row) {
          report(check.outcome, row?.id);
          throw invalidCredentials();
        }
        await fromIp?.release();
        if (row.enabled !== 1) {
          report('disabled', row.id);
          throw new AuthStoreError('ACCOUNT_DISABLED', 'This account is disabled.');
        }
        const now = settings.now();
        await db
          .updateTable('auth_users')
          .set({ last_login_at: toDbTime(now) })
          .where('id', '=', row.id)
          .execute();
        const user = await userOf(ctx, await requireUserRow(db, row.id));
        const { token, session } = await openSession(ctx, user.id, context, now);
        report('success', row.id);
        return { token, expiresAt: session.expiresAt, user, session };
      });
      return turn.catch((error: unknown) => {
        // Refused a place in the line (BUSY): nothing was checked or counted.
        if (!hadTurn) report('busy');
        throw error;
      });
    },

    async authenticate(token) {
      if (typeof token !== 'string' || token.length < 16 || token.length > MAX_TOKEN_LENGTH) return undefined;
      const tokenHash = hashToken(token);
      const now = settings.now();
      const nowMs = now.getTime();
      const cached = ctx.cache.get(tokenHash, nowMs);
      if (cached) {
        if (!isExpired(cached, nowMs)) return cached;
        ctx.cache.delete(tokenHash);
        return undefined;
      }
      const generation = ctx.generation;
      const principal =
        credentialKindOfToken(token) === 'api_token'
          ? await apiTokenPrincipal(tokenHash, now)
          : await sessionPrincipal(tokenHash, now);
      if (principal && generation === ctx.generation) ctx.cache.set(tokenHash, principal, nowMs);
      return principal;
    },

    async logout(token) {
      if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return false;
      const tokenHash = hashToken(token);
      const ended = await db
        .deleteFrom('auth_sessions')
        .where('token_hash', '=', tokenHash)
        .returning(['id', 'user_id'])
        .execute();
      ctx.cache.delete(tokenHash);
      emitRevoked(ctx, ended.map(asEnded('session')), 'logout');
      return ended.length > 0;
    },
  };
}

function currentConnectionOf(row: SessionsTable | ApiTokensTable): CurrentConnection | undefined {
  if (!row.current_connection) return undefined;
  return { connection: row.current_connection, database: row.current_database ?? undefined };
}

function isExpired(principal: Principal, nowMs: number): boolean {
  const expiresAt = principal.kind === 'session' ? principal.session.expiresAt : principal.apiToken.expiresAt;
  return expiresAt !== undefined && expiresAt.getTime() <= nowMs;
}
