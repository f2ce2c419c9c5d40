import { randomBytes } from 'node:crypto';
import { type KeyRing, openKeyRing, SecretsError } from '@pgmcp/secrets';
import {
  fromDbBool,
  fromDbTime,
  isUniqueViolation,
  openSqlDatabase,
  runMigrations,
  toDbBool,
  toDbTime,
  typedKysely,
  type SqlDatabase,
} from '@pgmcp/sql-store';
import { type Kysely, sql } from 'kysely';
import { ConnectionStoreError } from './errors.js';
import { connectionMigrations } from './migrations/index.js';
import type { ConnectionTables, ConnectionsTable } from './schema.js';
import type {
  ConnectionInput,
  ConnectionSecrets,
  CredentialsMode,
  SslMode,
  StoredConnection,
  UserCredentials,
} from './types.js';
import { checkConnectionFields, checkUserCredentials } from './validation.js';

/** Options of {@link createConnectionStore}. */
export interface ConnectionStoreConfig {
  /** Store URL (SQLite path or `postgres://…`). Give this or `database`. */
  readonly url?: string;
  /** An open database shared with the other stores (migrated here, not closed here). */
  readonly database?: SqlDatabase;
  /** The secret key file (see @pgmcp/secrets). */
  readonly keyFile: string;
  /**
   * Create the key file when it is missing — allowed only while the store holds no secret, since a
   * new key cannot read old ones (default false).
   */
  readonly createKeyFile?: boolean;
  /** Names taken by connections from the config file (read when creating): refused as ALREADY_EXISTS. */
  readonly reservedNames?: readonly string[] | (() => readonly string[]);
  /** Told about a created key file (with the note to back it up). */
  readonly onWarning?: (message: string) => void;
  readonly now?: () => Date;
}

/** Connections managed at runtime, and per-user database logins. */
export interface ConnectionStore {
  /** The key ring the secrets are encrypted with. */
  readonly keyRing: KeyRing;
  /** Every stored connection, by name. */
  list(): Promise<StoredConnection[]>;
  /** The connection with this id or name, or undefined. */
  find(idOrName: string): Promise<StoredConnection | undefined>;
  /** As `find`; throws NOT_FOUND. */
  get(idOrName: string): Promise<StoredConnection>;
  /** Stores a new connection; throws INVALID_INPUT naming the field, or ALREADY_EXISTS for the name. */
  create(input: ConnectionInput): Promise<StoredConnection>;
  /** Changes the given fields; `password: null` clears it, leaving it out keeps it. The name cannot change. */
  update(idOrName: string, patch: Partial<ConnectionInput>): Promise<StoredConnection>;
  /** Replaces every field (those left out get their defaults; a password left out is kept). */
  replace(idOrName: string, input: ConnectionInput): Promise<StoredConnection>;
  /** Deletes a connection and its users' logins; returns what was deleted. */
  delete(idOrName: string): Promise<StoredConnection>;
  /** The decrypted secrets of a connection (for pools; never for answers). */
  secrets(id: string): Promise<ConnectionSecrets>;
  /** Stores a user's own login for a connection (encrypted). */
  setUserCredentials(
    connectionId: string,
    userId: string,
    input: { username: string; password?: string | null },
  ): Promise<void>;
  /** A user's own login, decrypted, or undefined. */
  findUserCredentials(connectionId: string, userId: string): Promise<UserCredentials | undefined>;
  /** Deletes a user's own login; false when there was none. */
  deleteUserCredentials(connectionId: string, userId: string): Promise<boolean>;
  /**
   * The change counter: every create, update, delete and credential change bumps it in the same
   * transaction. Replicas poll it and reload when it moves.
   */
  version(): Promise<number>;
  /** Re-encrypts every secret not under the key file's active key; returns how many. */
  reencryptSecrets(): Promise<number>;
  /** Closes the database when the store opened it. */
  close(): Promise<void>;
}

type Db = Kysely<ConnectionTables>;

/** The stored secrets, for counting and re-encryption. */
async function secretCells(db: Db): Promise<{ where: string; context: string; value: string }[]> {
  const connections = await db
    .selectFrom('conn_connections')
    .select(['id', 'password_secret', 'sslpassword_secret'])
    .execute();
  const users = await db
    .selectFrom('conn_user_credentials')
    .select(['connection_id', 'user_id', 'password_secret'])
    .execute();
  return [
    ...connections.flatMap((row) => [
      ...(row.password_secret
        ? [
            {
              where: `c:${row.id}:password`,
              context: `connection:${row.id}:password`,
              value: row.password_secret,
            },
          ]
        : []),
      ...(row.sslpassword_secret
        ? [
            {
              where: `c:${row.id}:sslpassword`,
              context: `connection:${row.id}:sslpassword`,
              value: row.sslpassword_secret,
            },
          ]
        : []),
    ]),
    ...users.flatMap((row) =>
      row.password_secret
        ? [
            {
              where: `u:${row.connection_id}:${row.user_id}`,
              context: userContext(row.connection_id, row.user_id),
              value: row.password_secret,
            },
          ]
        : [],
    ),
  ];
}

function userContext(connectionId: string, userId: string): string {
  return `connection:${connectionId}:user:${userId}:password`;
}

function toConnection(row: ConnectionsTable): StoredConnection {
  return {
    id: row.id,
    name: row.name,
    description: row.description ?? undefined,
    host: row.host,
    port: Number(row.port),
    database: row.database_name,
    username: row.username ?? undefined,
    hasPassword: row.password_secret !== null,
    sslmode: row.sslmode as SslMode,
    sslrootcert: row.sslrootcert ?? undefined,
    sslcert: row.sslcert ?? undefined,
    sslkey: row.sslkey ?? undefined,
    hasSslPassword: row.sslpassword_secret !== null,
    allowWrites: fromDbBool(row.allow_writes),
    credentials: row.credentials as CredentialsMode,
    isMonitored: fromDbBool(row.is_monitored),
    ownerUserId: row.owner_user_id ?? undefined,
    revision: Number(row.revision),
    createdAt: fromDbTime(row.created_at),
    updatedAt: fromDbTime(row.updated_at),
  };
}

/**
 * Opens (and migrates) the connection store on the account store's database. Opens the key ring
 * and decrypts every stored secret once, so a wrong or missing key file stops the start with an
 * error naming the file instead of connections failing later.
 *
 * @example
 *   const store = await createConnectionStore({ database, keyFile: 'data/secret.key', createKeyFile: true });
 *   const c = await store.create({ name: 'sales', host: 'db.internal', database: 'sales', username: 'app', password: 's3cret' });
 *   c.hasPassword; // true — the password itself is never returned
 */
export async function createConnectionStore(config: ConnectionStoreConfig): Promise<ConnectionStore> {
  if ((config.url === undefined) === (config.database === undefined)) {
    throw new ConnectionStoreError(
      'INVALID_INPUT',
      'Give the connection store either a url or an open database.',
    );
  }
  const owned = config.database === undefined;
  const database = config.database ?? (await openSqlDatabase({ url: config.url ?? '' }));
  const now = config.now ?? (() => new Date());
  const reservedNames = config.reservedNames ?? [];
  const isReserved = (name: string) =>
    (typeof reservedNames === 'function' ? reservedNames() : reservedNames).some(
      (n) => n.toLowerCase() === name.toLowerCase(),
    );
  const db = typedKysely<ConnectionTables>(database);
  let keyRing: KeyRing;
  try {
    await runMigrations(database, connectionMigrations);
    const cells = await secretCells(db);
    try {
      keyRing = openKeyRing({
        file: config.keyFile,
        createIfMissing: (config.createKeyFile ?? false) && cells.length === 0,
        ...(config.onWarning ? { onWarning: config.onWarning } : {}),
      });
    } catch (error) {
      if (error instanceof SecretsError && error.code === 'KEY_FILE_MISSING' && cells.length > 0) {
        throw new SecretsError(
          'KEY_FILE_MISSING',
          `The store holds ${cells.length} encrypted connection secret(s), but the secret key file ${config.keyFile} does not exist. Restore it from your backup (or point PGMCP_SECRET_KEY_FILE at it); a new key cannot read them.`,
          { cause: error },
        );
      }
      throw error;
    }
    for (const cell of cells) keyRing.decrypt(cell.value, cell.context);
  } catch (error) {
    if (owned) await database.close();
    throw error;
  }
  const ring = keyRing;

  const bump = (trx: Db) =>
    trx
      .updateTable('conn_changes')
      .set({ version: sql`version + 1` })
      .where('id', '=', 1)
      .execute();

  async function find(idOrName: string): Promise<StoredConnection | undefined> {
    const row = await db
      .selectFrom('conn_connections')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', idOrName), eb('name_key', '=', idOrName.toLowerCase())]))
      .executeTakeFirst();
    return row ? toConnection(row) : undefined;
  }

  async function get(idOrName: string): Promise<StoredConnection> {
    const found = await find(idOrName);
    if (!found) throw new ConnectionStoreError('NOT_FOUND', `There is no stored connection "${idOrName}".`);
    return found;
  }

  const encrypt = (value: string | null | undefined, context: string) =>
    value === undefined ? undefined : value === null ? null : ring.encrypt(value, context);

  /** The columns an input sets (secrets encrypted); fields left out are left out. */
  function columns(id: string, input: Partial<ConnectionInput>): Partial<ConnectionsTable> {
    const set: Partial<ConnectionsTable> = {};
    const optional = <T>(value: T | null | undefined) => (value === undefined ? undefined : (value ?? null));
    if (input.description !== undefined) set.description = optional(input.description) ?? null;
    if (input.host !== undefined) set.host = input.host;
    if (input.port !== undefined) set.port = input.port;
    if (input.database !== undefined) set.database_name = input.database;
    if (input.username !== undefined) set.username = input.username;
    const password = encrypt(input.password, `connection:${id}:password`);
    if (password !== undefined) set.password_secret = password;
    const sslpassword = encrypt(input.sslpassword, `connection:${id}:sslpassword`);
    if (sslpassword !== undefined) set.sslpassword_secret = sslpassword;
    if (input.sslmode !== undefined) set.sslmode = input.sslmode;
    if (input.sslrootcert !== undefined) set.sslrootcert = input.sslrootcert;
    if (input.sslcert !== undefined) set.sslcert = input.sslcert;
    if (input.sslkey !== undefined) set.sslkey = input.sslkey;
    if (input.allowWrites !== undefined) set.allow_writes = toDbBool(input.allowWrites);
    if (input.credentials !== undefined) set.credentials = input.credentials;
    if (input.isMonitored !== undefined) set.is_monitored = toDbBool(input.isMonitored);
    if (input.ownerUserId !== undefined) set.owner_user_id = input.ownerUserId;
    return set;
  }

  function taken(name: string): ConnectionStoreError {
    return new ConnectionStoreError('ALREADY_EXISTS', `name: a connection named "${name}" already exists.`, {
      field: 'name',
    });
  }

  async function update(idOrName: string, patch: Partial<ConnectionInput>): Promise<StoredConnection> {
    checkConnectionFields(patch);
    const current = await get(idOrName);
    if (patch.name !== undefined && patch.name !== current.name) {
      throw new ConnectionStoreError(
        'INVALID_INPUT',
        `name: a connection's name cannot change (grants and sessions refer to "${current.name}"); create a new connection instead.`,
        { field: 'name' },
      );
    }
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('conn_connections')
        .set({
          ...columns(current.id, patch),
          revision: sql`revision + 1`,
          updated_at: toDbTime(now()),
        })
        .where('id', '=', current.id)
        .execute();
      await bump(trx);
    });
    return get(current.id);
  }

  return {
    keyRing: ring,
    async list() {
      const rows = await db.selectFrom('conn_connections').selectAll().orderBy('name_key').execute();
      return rows.map(toConnection);
    },
    find,
    get,
    async create(input) {
      if (input.name === undefined) {
        throw new ConnectionStoreError('INVALID_INPUT', 'name: is required.', { field: 'name' });
      }
      for (const field of ['host', 'database'] as const) {
        if (input[field] === undefined) {
          throw new ConnectionStoreError('INVALID_INPUT', `${field}: is required.`, { field });
        }
      }
      checkConnectionFields(input);
      if (isReserved(input.name)) throw taken(input.name);
      const id = `c_${randomBytes(9).toString('base64url')}`;
      const at = toDbTime(now());
      try {
        await db.transaction().execute(async (trx) => {
          await trx
            .insertInto('conn_connections')
            .values({
              id,
              name: input.name,
              name_key: input.name.toLowerCase(),
              description: null,
              username: null,
              password_secret: null,
              sslrootcert: null,
              sslcert: null,
              sslkey: null,
              sslpassword_secret: null,
              owner_user_id: null,
              port: 5432,
              sslmode: 'prefer',
              allow_writes: 0,
              credentials: 'shared',
              is_monitored: 0,
              ...(columns(id, input) as Pick<ConnectionsTable, 'host' | 'database_name'>),
              revision: 1,
              created_at: at,
              updated_at: at,
            })
            .execute();
          await bump(trx);
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw taken(input.name);
        throw error;
      }
      return get(id);
    },
    update,
    async replace(idOrName, input) {
      const defaults: Partial<ConnectionInput> = {
        description: null,
        port: 5432,
        username: null,
        sslmode: 'prefer',
        sslrootcert: null,
        sslcert: null,
        sslkey: null,
        allowWrites: false,
        credentials: 'shared',
        isMonitored: false,
      };
      return update(idOrName, { ...defaults, ...input });
    },
    async delete(idOrName) {
      const current = await get(idOrName);
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('conn_user_credentials').where('connection_id', '=', current.id).execute();
        await trx.deleteFrom('conn_connections').where('id', '=', current.id).execute();
        await bump(trx);
      });
      return current;
    },
    async secrets(id) {
      const row = await db
        .selectFrom('conn_connections')
        .select(['password_secret', 'sslpassword_secret'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) throw new ConnectionStoreError('NOT_FOUND', `There is no stored connection "${id}".`);
      return {
        ...(row.password_secret
          ? { password: ring.decrypt(row.password_secret, `connection:${id}:password`) }
          : {}),
        ...(row.sslpassword_secret
          ? { sslpassword: ring.decrypt(row.sslpassword_secret, `connection:${id}:sslpassword`) }
          : {}),
      };
    },
    async setUserCredentials(connectionId, userId, input) {
      checkUserCredentials(input);
      await get(connectionId);
      const values = {
        username: input.username,
        password_secret: input.password
          ? ring.encrypt(input.password, userContext(connectionId, userId))
          : null,
        updated_at: toDbTime(now()),
      };
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('conn_user_credentials')
          .values({ connection_id: connectionId, user_id: userId, ...values })
          .onConflict((oc) => oc.columns(['connection_id', 'user_id']).doUpdateSet(values))
          .execute();
        await bump(trx);
      });
    },
    async findUserCredentials(connectionId, userId) {
      const row = await db
        .selectFrom('conn_user_credentials')
        .selectAll()
        .where('connection_id', '=', connectionId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        username: row.username,
        ...(row.password_secret
          ? { password: ring.decrypt(row.password_secret, userContext(connectionId, userId)) }
          : {}),
        updatedAt: fromDbTime(row.updated_at),
      };
    },
    async deleteUserCredentials(connectionId, userId) {
      return db.transaction().execute(async (trx) => {
        const result = await trx
          .deleteFrom('conn_user_credentials')
          .where('connection_id', '=', connectionId)
          .where('user_id', '=', userId)
          .executeTakeFirst();
        if (Number(result.numDeletedRows) === 0) return false;
        await bump(trx);
        return true;
      });
    },
    async version() {
      const row = await db
        .selectFrom('conn_changes')
        .select('version')
        .where('id', '=', 1)
        .executeTakeFirst();
      return Number(row?.version ?? 0);
    },
    async reencryptSecrets() {
      ring.reload();
      const active = ring.activeKeyId();
      let count = 0;
      for (const cell of await secretCells(db)) {
        if (ring.keyIdOf(cell.value) === active) continue;
        const fresh = ring.encrypt(ring.decrypt(cell.value, cell.context), cell.context);
        const [kind, a, b] = cell.where.split(':') as [string, string, string];
        // Only a value still as read is replaced: a concurrent edit wrote one under the new key anyway.
        if (kind === 'c') {
          const column = b === 'password' ? 'password_secret' : 'sslpassword_secret';
          await db
            .updateTable('conn_connections')
            .set({ [column]: fresh })
            .where('id', '=', a)
            .where(column, '=', cell.value)
            .execute();
        } else {
          await db
            .updateTable('conn_user_credentials')
            .set({ password_secret: fresh })
            .where('connection_id', '=', a)
            .where('user_id', '=', b)
            .where('password_secret', '=', cell.value)
            .execute();
        }
        count += 1;
      }
      return count;
    },
    async close() {
      if (owned) await database.close();
    },
  };
}
