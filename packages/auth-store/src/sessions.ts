import { toDbTime } from '@pgmcp/sql-store';
import type { AuthStore } from './auth-store-api.js';
import { deleteUserSessions, requireUserRow } from './queries.js';
import { toSession } from './rows.js';
import { asEnded, emitRevoked, type StoreContext } from './store-context.js';

/** The session-listing part of the AuthStore. */
export type SessionMethods = Pick<AuthStore, 'listSessions' | 'revokeSession' | 'revokeUserSessions'>;

/** A user's login sessions: listing and ending them. */
export function createSessionMethods(ctx: StoreContext): SessionMethods {
  const { db, settings } = ctx;
  return {
    async listSessions(userId) {
      await requireUserRow(db, userId);
      const rows = await db
        .selectFrom('auth_sessions')
        .selectAll()
        .where('user_id', '=', userId)
        .where('expires_at', '>', toDbTime(settings.now()))
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .execute();
      return rows.map(toSession);
    },

    async revokeSession(sessionId, options = {}) {
      let query = db.deleteFrom('auth_sessions').where('id', '=', sessionId);
      if (options.userId !== undefined) query = query.where('user_id', '=', options.userId);
      const ended = await query.returning(['id', 'user_id']).execute();
      emitRevoked(ctx, ended.map(asEnded('session')), 'revoked');
      return ended.length > 0;
    },

    async revokeUserSessions(userId, options = {}) {
      await requireUserRow(db, userId);
      const ended = await deleteUserSessions(db, userId, options.exceptSessionId);
      emitRevoked(ctx, ended.map(asEnded('session')), 'revoked');
      return ended.length;
    },
  };
}
