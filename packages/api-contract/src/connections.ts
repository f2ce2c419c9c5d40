import { z } from 'zod';
import type { RouteContract } from './route-contract.js';
import { ConnectionSourceSchema } from './auth.js';

// Connections as data: managed at runtime by holders of manage_connections. Secrets are
// write-only: answers say whether one is set (`has_password`), never what it is.

const Timestamp = z.string().describe('ISO 8601 timestamp');
export const SSL_MODE_VALUES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
const SslModeSchema = z.enum(SSL_MODE_VALUES);
const CredentialsModeSchema = z.enum(['shared', 'per_user']);
const Text = (max: number) => z.string().min(1).max(max);
const Path = Text(4096).nullable();
/** PostgreSQL reads a password message of at most 65 535 bytes, its terminating zero included. */
export const MAX_CONNECTION_PASSWORD_BYTES = 65_534;
const Secret = z
  .string()
  .min(1)
  .refine((value) => new TextEncoder().encode(value).length <= MAX_CONNECTION_PASSWORD_BYTES, {
    message: `longer than PostgreSQL accepts (at most ${MAX_CONNECTION_PASSWORD_BYTES} bytes)`,
  });

const connectionFields = {
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,63}$/, 'use 1-63 letters, digits, "_", "." or "-"'),
  description: Text(1000).nullable().optional(),
  host: Text(255),
  port: z.number().int().min(1, 'out of range (1-65535)').max(65535, 'out of range (1-65535)').optional(),
  database: Text(63),
  username: Text(63).nullable().optional(),
  /** Write-only. `null` clears it; left out keeps it (PUT and PATCH). */
  password: Secret.nullable().optional(),
  sslmode: SslModeSchema.optional(),
  sslrootcert: Path.optional(),
  sslcert: Path.optional(),
  sslkey: Path.optional(),
  /** Passphrase of the client key; write-only like the password. */
  sslpassword: Secret.nullable().optional(),
  allow_writes: z.boolean().optional(),
  credentials: CredentialsModeSchema.optional(),
  /** Watched by the monitoring collector. */
  is_monitored: z.boolean().optional(),
  /** User id of the owner (default: the creator). */
  owner: z.string().min(1).max(200).nullable().optional(),
};

/** `POST /api/v1/connections` and `PUT /api/v1/connections/{id}` */
export const ConnectionInputSchema = z.strictObject(connectionFields);
export type ConnectionInputBody = z.infer<typeof ConnectionInputSchema>;

/** `PATCH /api/v1/connections/{id}`: any of the fields. */
export const ConnectionPatchSchema = z.strictObject({
  ...connectionFields,
  name: connectionFields.name.optional(),
  host: connectionFields.host.optional(),
  database: connectionFields.database.optional(),
});
export type ConnectionPatchBody = z.infer<typeof ConnectionPatchSchema>;

/** `POST /api/v1/connections/test`: a definition to try before saving it (the name may be left out). */
export const ConnectionTestRequestSchema = z.strictObject({
  ...connectionFields,
  name: connectionFields.name.optional(),
});
export type ConnectionTestRequest = z.infer<typeof ConnectionTestRequestSchema>;

/** A connection as administrators see it: every setting but the secrets. */
export const ConnectionDetailSchema = z.object({
  id: z.string(),
  name: z.string(),
  source: ConnectionSourceSchema,
  description: z.string().nullable(),
  host: z.string(),
  port: z.number(),
  database: z.string(),
  username: z.string().nullable(),
  has_password: z.boolean(),
  sslmode: SslModeSchema,
  sslrootcert: z.string().nullable(),
  sslcert: z.string().nullable(),
  sslkey: z.string().nullable(),
  has_sslpassword: z.boolean(),
  allow_writes: z.boolean(),
  credentials: CredentialsModeSchema,
  is_monitored: z.boolean(),
  owner: z.string().nullable(),
  created_at: Timestamp.nullable(),
  updated_at: Timestamp.nullable(),
});
export type ConnectionDetail = z.infer<typeof ConnectionDetailSchema>;

/** `POST /api/v1/connections/{id}/test` */
export const ConnectionTestResultSchema = z.object({
  ok: z.boolean(),
  latency_ms: z.number(),
  /** e.g. "18.1" when reachable. */
  server_version: z.string().optional(),
  error: z
    .object({
      code: z.string(),
      /** What failed: the name lookup, the TCP connection, TLS, the login, or the database name. */
      reason: z.enum(['dns', 'refused', 'timeout', 'tls', 'auth', 'database_missing', 'other']),
      message: z.string(),
    })
    .optional(),
});
export type ConnectionTestResult = z.infer<typeof ConnectionTestResultSchema>;

/** `GET /api/v1/connections/{id}/databases` */
export const DatabaseListSchema = z.object({
  databases: z.array(
    z.object({
      name: z.string(),
      owner: z.string(),
      encoding: z.string(),
      size_bytes: z.number().nullable(),
    }),
  ),
});
export type DatabaseList = z.infer<typeof DatabaseListSchema>;

/** `PUT /api/v1/connections/{id}/my-credentials` */
export const MyCredentialsSchema = z.strictObject({ username: Text(63), password: Secret.optional() });
export type MyCredentials = z.infer<typeof MyCredentialsSchema>;

/** Routes of runtime-managed connections (the caller's list and current one are in ACCOUNT_ROUTES). */
export const CONNECTION_ROUTES = {
  createConnection: {
    method: 'post',
    path: '/api/v1/connections',
    summary: 'Add a connection (the password is stored encrypted and never returned)',
    tag: 'connections',
    auth: 'manage_connections',
    body: ConnectionInputSchema,
    response: ConnectionDetailSchema,
    status: 201,
  },
  getConnection: {
    method: 'get',
    path: '/api/v1/connections/{id}',
    summary: 'One connection with every setting but its secrets',
    tag: 'connections',
    auth: 'manage_connections',
    response: ConnectionDetailSchema,
  },
  replaceConnection: {
    method: 'put',
    path: '/api/v1/connections/{id}',
    summary: 'Replace a connection (fields left out return to defaults; the password is kept unless given)',
    tag: 'connections',
    auth: 'manage_connections',
    body: ConnectionInputSchema,
    response: ConnectionDetailSchema,
    errors: [409],
  },
  updateConnection: {
    method: 'patch',
    path: '/api/v1/connections/{id}',
    summary: 'Change some fields of a connection; its pools are rebuilt on the next call',
    tag: 'connections',
    auth: 'manage_connections',
    body: ConnectionPatchSchema,
    response: ConnectionDetailSchema,
    errors: [409],
  },
  deleteConnection: {
    method: 'delete',
    path: '/api/v1/connections/{id}',
    summary: 'Delete a connection and close its pools',
    tag: 'connections',
    auth: 'manage_connections',
    errors: [409],
  },
  testConnectionDefinition: {
    method: 'post',
    path: '/api/v1/connections/test',
    summary: 'Try a connection before saving it: server version and latency, or why it failed',
    tag: 'connections',
    auth: 'manage_connections',
    body: ConnectionTestRequestSchema,
    response: ConnectionTestResultSchema,
  },
  testConnection: {
    method: 'post',
    path: '/api/v1/connections/{id}/test',
    summary: 'Connect once: server version and latency, or why it failed',
    tag: 'connections',
    auth: 'manage_connections',
    response: ConnectionTestResultSchema,
  },
  listDatabases: {
    method: 'get',
    path: '/api/v1/connections/{id}/databases',
    summary: "The databases on the connection's server the caller may connect to",
    tag: 'connections',
    auth: 'user',
    scope: 'connections',
    response: DatabaseListSchema,
    errors: [502],
  },
  setMyCredentials: {
    method: 'put',
    path: '/api/v1/connections/{id}/my-credentials',
    summary: "Store the caller's own database login for a per_user connection (encrypted)",
    tag: 'connections',
    auth: 'user',
    scope: 'connections',
    body: MyCredentialsSchema,
    errors: [409],
  },
  deleteMyCredentials: {
    method: 'delete',
    path: '/api/v1/connections/{id}/my-credentials',
    summary: "Delete the caller's own database login for a connection",
    tag: 'connections',
    auth: 'user',
    scope: 'connections',
  },
} as const satisfies Record<string, RouteContract>;
