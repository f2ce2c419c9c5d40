import { typedKysely, type SqlDatabase } from '@pgmcp/sql-store';
import type { Kysely } from 'kysely';
import type { Principal } from './auth-store-api.js';
import type { Settings } from './config.js';
import { LoginLimiter } from './login-limiter.js';
import { PrincipalCache } from './principal-cache.js';
import type { AuthTables } from './schema.js';
import type { CredentialKind, RevokeEvent, RevokeReason } from './types.js';

/** The auth tables, typed. */
export type Db = Kysely<AuthTables>;

/** A credential that ended, before it gets its reason. */
export interface EndedCredential {
  readonly credentialId: string;
  readonly kind: CredentialKind;
  readonly userId: string;
}

/**
 * What the store's modules share: the database, the resolved settings, the principal cache and the
 * revocation listeners. One per store instance.
 */
export interface StoreContext {
  readonly database: SqlDatabase;
  /** Whether the store opened the database (and so closes it). */
  readonly owned: boolean;
  readonly db: Db;
  readonly settings: Settings;
  readonly ipLimiter: LoginLimiter;
  readonly cache: PrincipalCache<Principal>;
  readonly listeners: Set<(event: RevokeEvent) => void>;
  /**
   * Bumped by every change that can affect a principal, so an `authenticate` that raced one does
   * not cache what it read before the change.
   */
  generation: number;
  /** A hash of a random password, verified against when there is no real hash (same work either way). */
  dummyHash: Promise<string> | undefined;
}

/** A context for a store on `database`. */
export function createStoreContext(database: SqlDatabase, owned: boolean, settings: Settings): StoreContext {
  return {
    database,
    owned,
    db: typedKysely<AuthTables>(database),
    settings,
    ipLimiter: new LoginLimiter(settings.ipRateLimit),
    cache: new PrincipalCache(settings.cache.ttlMs, settings.cache.maxEntries),
    listeners: new Set(),
    generation: 0,
    dummyHash: undefined,
  };
}

/** Drops the cached principals of a user (their rights or state changed). */
export function forgetUser(ctx: StoreContext, userId: string): void {
  ctx.generation += 1;
  ctx.cache.deleteWhere((principal) => principal.user.id === userId);
}

/** Drops every cached principal (a group, grant or public flag changed). */
export function forgetAll(ctx: StoreContext): void {
  ctx.generation += 1;
  ctx.cache.clear();
}

/** Forgets ended credentials and tells the `onRevoke` listeners; returns the events. */
export function emitRevoked(
  ctx: StoreContext,
  credentials: readonly EndedCredential[],
  reason: RevokeReason,
): RevokeEvent[] {
  if (credentials.length === 0) return [];
  ctx.generation += 1;
  const ids = new Set(credentials.map((c) => c.credentialId));
  ctx.cache.deleteWhere((principal) => ids.has(principal.credentialId));
  const events = credentials.map((c): RevokeEvent => ({ ...c, reason }));
  for (const event of events) {
    for (const listener of ctx.listeners) {
      try {
        listener(event);
      } catch (error) {
        ctx.settings.onListenerError?.(error);
      }
    }
  }
  return events;
}

/** Maps `{ id, user_id }` rows of a credential table to ended credentials. */
export function asEnded(kind: CredentialKind) {
  return (row: { id: string; user_id: string }): EndedCredential => ({
    credentialId: row.id,
    kind,
    userId: row.user_id,
  });
}
