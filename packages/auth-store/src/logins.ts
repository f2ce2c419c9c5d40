import { toDbTime } from '@pgmcp/sql-store';
import type { AuthStore, LoginContext, Principal } from './auth-store-api.js';
import { loadAccess } from './access-loader.js';
import { AuthStoreError } from './errors.js';
import { checkUserPassword, invalidCredentials, verifyAgainstDummy } from './password-check.js';
import { requireUserRow, userRow, userRowByName } from './queries.js';
import { toApiToken, toSession, toUser } from './rows.js';
import type { ApiTokensTable, SessionsTable } from './schema.js';
import { asEnded, emitRevoked, type StoreContext } from './store-context.js';
import { credentialKindOfToken, hashToken, newId, newSessionToken } from './tokens.js';
import type { CurrentConnection } from './types.js';
import { checkText } from './validation.js';

const MAX_TOKEN_LENGTH = 512;

/** The login part of the AuthStore. */
export type LoginMethods = Pick<AuthStore, 'login' | 'authenticate' | 'logout'>;

/** Password logins, resolving tokens to principals (cached), and logout. */
export function createLoginMethods(ctx: StoreContext): LoginMethods {
  const { db, settings } = ctx;

  async function createSession(userId: string, context: LoginContext, now: Date) {
    const token = newSessionToken();
    const row: SessionsTable = {
      id: newId('session'),
      token_hash: hashToken(token),
      user_id: userId,
      created_at: toDbTime(now),
      expires_at: toDbTime(now) + settings.sessionTtlMs,
      last_used_at: null,
      user_agent: checkText('user agent', context.userAgent?.slice(0, 500), 500),
      ip: checkText('ip', context.ip?.slice(0, 100), 100),
      current_connection: null,
      current_database: null,
    };
    await db.insertInto('auth_sessions').values(row).execute();
    return { token, session: toSession(row) };
  }

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
    const lastUsed = await touch('auth_sessions', row.id, row.last_used_at, now);
    return {
      kind: 'session',
      credentialId: row.id,
      user: toUser(user),
      session: toSession({ ...row, last_used_at: lastUsed }),
      currentConnection: currentConnectionOf(row),
      access: await loadAccess(db, user, undefined),
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
    const lastUsed = await touch('auth_api_tokens', row.id, row.last_used_at, now);
    const apiToken = toApiToken({ ...row, last_used_at: lastUsed });
    return {
      kind: 'api_token',
      credentialId: row.id,
      user: toUser(user),
      apiToken,
      currentConnection: currentConnectionOf(row),
      access: await loadAccess(db, user, apiToken.scope),
    };
  }

  return {
    async login(username, password, context = {}) {
      const now = settings.now();
      const { ip } = context;
      if (ip !== undefined) {
        const waitMs = ctx.ipLimiter.retryAfterMs(ip, now.getTime());
        if (waitMs !== undefined) {
          const retryAfterSeconds = Math.ceil(waitMs / 1000);
          throw new AuthStoreError(
            'RATE_LIMITED',
            `Too many failed logins from this address; try again in ${retryAfterSeconds} s.`,
            { retryAfterSeconds },
          );
        }
      }
      try {
        const row = typeof username === 'string' ? await userRowByName(db, username) : undefined;
        if (!row || row.password_hash === null) {
          await verifyAgainstDummy(ctx, password);
          throw invalidCredentials();
        }
        await checkUserPassword(ctx, row, password, now);
        if (row.enabled !== 1) throw new AuthStoreError('ACCOUNT_DISABLED', 'This account is disabled.');
        await db
          .updateTable('auth_users')
          .set({ failed_attempts: 0, locked_until: null, last_login_at: toDbTime(now) })
          .where('id', '=', row.id)
          .execute();
        const user = toUser(await requireUserRow(db, row.id));
        const { token, session } = await createSession(user.id, context, now);
        return { token, expiresAt: session.expiresAt, user, session };
      } catch (error) {
        if (ip !== undefined && error instanceof AuthStoreError && error.code !== 'ACCOUNT_DISABLED') {
          ctx.ipLimiter.recordFailure(ip, now.getTime());
        }
        throw error;
      }
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
