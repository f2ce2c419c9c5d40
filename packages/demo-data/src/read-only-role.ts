import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { escapeIdentifier, escapeLiteral } from 'pg';
import { type DemoClient, inTransaction, withClient } from './client.js';
import { DEMO_SCHEMAS } from './demo-tables.js';
import { DemoDataError, describeCause } from './errors.js';

/** Options of {@link createReadOnlyRole}. */
export interface ReadOnlyRoleOptions {
  /** Name of the LOGIN role to create or update, e.g. "pgmcp_reader". */
  role: string;
  /** Its password. Sent to the server as a SCRAM-SHA-256 verifier when it is ASCII, so it never appears in server logs. */
  password: string;
  /** Database to grant CONNECT on; must be the one the client is connected to (default: that one). */
  database?: string;
  /** Schemas to grant read access to; default {@link DEMO_SCHEMAS}. */
  schemas?: readonly string[];
}

/** What {@link createReadOnlyRole} did. */
export interface ReadOnlyRoleResult {
  readonly role: string;
  readonly database: string;
  readonly schemas: readonly string[];
  /** False when the role existed and was updated. */
  readonly created: boolean;
}

const MAX_IDENTIFIER_BYTES = 63;
const SCRAM_ITERATIONS = 4096;

/**
 * A SCRAM-SHA-256 password verifier as PostgreSQL stores it (what psql's \password sends), so
 * CREATE ROLE never carries the clear-text password.
 */
export function scramSha256Verifier(password: string, salt: Buffer = randomBytes(16)): string {
  const salted = pbkdf2Sync(password, salt, SCRAM_ITERATIONS, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${SCRAM_ITERATIONS}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

function validate(options: ReadOnlyRoleOptions): readonly string[] {
  const { role, password } = options;
  if (typeof role !== 'string' || role.length === 0) {
    throw new DemoDataError('INVALID_OPTIONS', 'createReadOnlyRole: `role` must be a non-empty string.');
  }
  if (Buffer.byteLength(role) > MAX_IDENTIFIER_BYTES) {
    throw new DemoDataError(
      'INVALID_OPTIONS',
      `createReadOnlyRole: role name "${role}" is longer than PostgreSQL's ${MAX_IDENTIFIER_BYTES}-byte limit.`,
    );
  }
  if (role.startsWith('pg_')) {
    throw new DemoDataError(
      'INVALID_OPTIONS',
      `createReadOnlyRole: role name "${role}" starts with "pg_", which PostgreSQL reserves for its own roles.`,
    );
  }
  if (typeof password !== 'string' || password.length === 0) {
    throw new DemoDataError('INVALID_OPTIONS', 'createReadOnlyRole: `password` must be a non-empty string.');
  }
  const schemas = options.schemas ?? DEMO_SCHEMAS;
  if (schemas.length === 0 || schemas.some((s) => typeof s !== 'string' || s.length === 0)) {
    throw new DemoDataError(
      'INVALID_OPTIONS',
      'createReadOnlyRole: `schemas` must list at least one schema name.',
    );
  }
  return schemas;
}

/** Refuses roles that would not end up read-only: superusers, ourselves, members of other roles, owners. */
async function checkExistingRole(client: DemoClient, role: string): Promise<boolean> {
  const { rows } = await client.query<{
    oid: number;
    rolsuper: boolean;
    is_me: boolean;
    member_of: string[];
    owns: number;
  }>(
    `SELECT r.oid, r.rolsuper, r.rolname IN (current_user, session_user) AS is_me,
            ARRAY(SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                  WHERE m.member = r.oid ORDER BY 1)::text[] AS member_of,
            (SELECT count(*) FROM pg_class WHERE relowner = r.oid)::int
              + (SELECT count(*) FROM pg_namespace WHERE nspowner = r.oid)::int
              + (SELECT count(*) FROM pg_database WHERE datdba = r.oid)::int AS owns
     FROM pg_roles r WHERE r.rolname = $1`,
    [role],
  );
  const existing = rows[0];
  if (!existing) return false;
  const refuse = (why: string): never => {
    throw new DemoDataError(
      'UNSAFE_ROLE',
      `Role "${role}" already exists and ${why}, so it cannot be made a read-only role. Choose another name.`,
    );
  };
  if (existing.is_me) refuse('is the role this connection uses');
  if (existing.rolsuper) refuse('is a superuser');
  if (existing.member_of.length > 0) {
    refuse(`is a member of ${existing.member_of.map((r) => `"${r}"`).join(', ')} (revoke that first)`);
  }
  if (existing.owns > 0)
    refuse('owns databases, schemas or tables in this database (owners can write to them)');
  return true;
}

/**
 * Creates (or updates) a least-privilege LOGIN role: CONNECT on the database, USAGE on the
 * schemas, SELECT on their tables, views and sequences (also those created later by the calling
 * role), no other attributes, and `default_transaction_read_only = on`.
 *
 * @example
 *   await createReadOnlyRole(adminClient, { role: 'pgmcp_reader', password: 'a long secret' });
 *   // postgres://pgmcp_reader:a%20long%20secret@127.0.0.1:5432/demo can now read sales, inventory, support
 */
export async function createReadOnlyRole(
  target: DemoClient | string,
  options: ReadOnlyRoleOptions,
): Promise<ReadOnlyRoleResult> {
  const schemas = validate(options);
  const { role, password } = options;
  return withClient(target, (client) =>
    inTransaction(client, async () => {
      const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
      const database = rows[0]?.db ?? '';
      if (options.database !== undefined && options.database !== database) {
        throw new DemoDataError(
          'WRONG_DATABASE',
          `createReadOnlyRole: the client is connected to database "${database}", not "${options.database}". ` +
            'Grants on schemas and tables apply to the connected database; connect to the one you mean.',
        );
      }
      const { rows: missing } = await client.query<{ name: string }>(
        `SELECT name FROM unnest($1::text[]) AS name
         WHERE NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = name) ORDER BY name`,
        [schemas],
      );
      if (missing.length > 0) {
        throw new DemoDataError(
          'SCHEMA_NOT_FOUND',
          `createReadOnlyRole: schema(s) ${missing.map((m) => `"${m.name}"`).join(', ')} do not exist in database "${database}". ` +
            'Seed the demo data first or pass the schemas to grant.',
        );
      }
      const existed = await checkExistingRole(client, role);
      const id = escapeIdentifier(role);
      // Non-ASCII passwords go to the server in clear so it applies SASLprep exactly as clients will.
      const secret = /^[\x20-\x7e]*$/.test(password) ? scramSha256Verifier(password) : password;
      const attributes = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${escapeLiteral(secret)}`;
      const statements = [
        `${existed ? 'ALTER' : 'CREATE'} ROLE ${id} WITH ${attributes}`,
        `ALTER ROLE ${id} SET default_transaction_read_only = on`,
        `GRANT CONNECT ON DATABASE ${escapeIdentifier(database)} TO ${id}`,
        ...schemas.flatMap((schema) => {
          const s = escapeIdentifier(schema);
          return [
            `GRANT USAGE ON SCHEMA ${s} TO ${id}`,
            `GRANT SELECT ON ALL TABLES IN SCHEMA ${s} TO ${id}`,
            `GRANT SELECT ON ALL SEQUENCES IN SCHEMA ${s} TO ${id}`,
            `ALTER DEFAULT PRIVILEGES IN SCHEMA ${s} GRANT SELECT ON TABLES TO ${id}`,
            `ALTER DEFAULT PRIVILEGES IN SCHEMA ${s} GRANT SELECT ON SEQUENCES TO ${id}`,
          ];
        }),
      ];
      for (const statement of statements) {
        try {
          await client.query(statement);
        } catch (cause) {
          // The statement may carry the password verifier: name only its first words.
          const what = statement.split(' ').slice(0, 4).join(' ');
          throw new DemoDataError(
            'ROLE_FAILED',
            `createReadOnlyRole: "${what} ..." failed: ${describeCause(cause)}`,
            { cause },
          );
        }
      }
      return { role, database, schemas, created: !existed };
    }),
  );
}
