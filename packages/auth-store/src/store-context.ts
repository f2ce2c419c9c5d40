import type { RateLimiter } from '@pgmcp/rate-limiter';
import { typedKysely, type SqlDatabase } from '@pgmcp/sql-store';
import type { Kysely } from 'kysely';
import type { LoginAttempt, Principal } from './auth-store-api.js';
import type { Settings } from './config.js';
import { createKeyedSerializer, type KeyedSerializer } from './keyed-serializer.js';
import { createPasswordHasher, type PasswordHasher } from './password-hasher.js';
import { PrincipalCache } from './principal-cache.js';
import { createWorkQueue } from './work-queue.js';
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
 * What the store's modules share: the database, the resolved settings, the login counters, bcrypt
 * behind its queue, the principal cache and the revocation listeners. One per store instance.
 */
export interface StoreContext {
  readonly database: SqlDatabase;
  /** Whether the store opened the database (and so closes it). */
  readonly owned: boolean;
  readonly db: Db;
  readonly settings: Settings;
  /** Login attempts per account and per IP, counted in the store. */
  readonly limiter: RateLimiter;
  /** bcrypt, capped by the work queue. */
  readonly hasher: PasswordHasher;
  /** Password checks, one at a time per username (lower case), in arrival order. */
  readonly loginLine: KeyedSerializer;
  readonly cache: PrincipalCache<Principal>;
  readonly listeners: Set<(event: RevokeEvent) => void>;
  /** Told whenever this instance drops cached principals because of a change made through it. */
  readonly changeListeners: Set<() => void>;
  /**
   * Bumped by every change that can affect a principal, so an `authenticate` that raced one does
   * not cache what it read before the change.
   */
  generation: number;
}

/** A context for a store on `database`, counting logins in `limiter`. */
export function createStoreContext(options: {
  database: SqlDatabase;
  owned: boolean;
  settings: Settings;
  limiter: RateLimiter;
}): StoreContext {
  const { database, settings } = options;
  return {
    ...options,
    db: typedKysely<AuthTables>(database),
    hasher: createPasswordHasher(settings.bcryptCost, createWorkQueue(settings.bcryptQueue)),
    loginLine: createKeyedSerializer(settings.bcryptQueue.maxWaiting),
    cache: new PrincipalCache(settings.cache.ttlMs, settings.cache.maxEntries),
    listeners: new Set(),
    changeListeners: new Set(),
    generation: 0,
  };
}

/** Tells the `onLoginAttempt` listener (if any) about an attempt. */
export function reportLoginAttempt(ctx: StoreContext, attempt: LoginAttempt): void {
  try {
    ctx.settings.onLoginAttempt?.(attempt);
  } catch (error) {
    ctx.settings.onListenerError?.(error);
  }
}

/** Drops the cached principals of a user (their rights or state changed). */
export function forgetUser(ctx: StoreContext, userId: string): void {
  ctx.generation += 1;
  ctx.cache.deleteWhere((principal) => principal.user.id === userId);
  tellChanged(ctx);
}

/** Drops every cached principal (a group, grant or public flag changed). */
export function forgetAll(ctx: StoreContext): void {
  ctx.generation += 1;
  ctx.cache.clear();
  tellChanged(ctx);
}

/** Tells the change listeners (other replicas' caches, through the server) that something changed. */
function tellChanged(ctx: StoreContext): void {
  for (const listener of ctx.changeListeners) {
    try {
      listener();
    } catch (error) {
      ctx.settings.onListenerError?.(error);
    }
  }
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
  tellChanged(ctx);
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
