/** libpq's sslmode values. */
export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** Whose database login a connection uses: one shared login, or each user's own. */
export const CREDENTIAL_MODES = ['shared', 'per_user'] as const;
export type CredentialsMode = (typeof CREDENTIAL_MODES)[number];

/**
 * The longest password stored: PostgreSQL reads a password message of at most 65 535 bytes
 * (PG_MAX_AUTH_TOKEN_LENGTH) including its terminating zero byte.
 */
export const MAX_CONNECTION_PASSWORD_BYTES = 65_534;

/** What `create` takes (and `replace`; `update` takes any part of it). */
export interface ConnectionInput {
  /** 1-63 letters, digits, "_", "." or "-"; tools and grants refer to it, so it cannot change. */
  name: string;
  description?: string | null;
  host: string;
  /** Default 5432. */
  port?: number;
  database: string;
  /** The login of a `shared` connection (for `per_user` each user stores their own). */
  username?: string | null;
  /** Write-only: stored encrypted, never returned. `null` clears it; left out keeps it (update). */
  password?: string | null;
  /** Default `prefer`. */
  sslmode?: SslMode;
  /** Paths on the server of the CA certificate, client certificate and client key. */
  sslrootcert?: string | null;
  sslcert?: string | null;
  sslkey?: string | null;
  /** Passphrase of the client key; write-only like the password. */
  sslpassword?: string | null;
  /** Default false. */
  allowWrites?: boolean;
  /** Default `shared`. */
  credentials?: CredentialsMode;
  /** Watched by the monitoring collector (default false). */
  isMonitored?: boolean;
  /** The user who owns it (informational). */
  ownerUserId?: string | null;
}

/** A stored connection as callers see it: no secret, only whether one is set. */
export interface StoredConnection {
  readonly id: string;
  readonly name: string;
  readonly description: string | undefined;
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly username: string | undefined;
  readonly hasPassword: boolean;
  readonly sslmode: SslMode;
  readonly sslrootcert: string | undefined;
  readonly sslcert: string | undefined;
  readonly sslkey: string | undefined;
  readonly hasSslPassword: boolean;
  readonly allowWrites: boolean;
  readonly credentials: CredentialsMode;
  readonly isMonitored: boolean;
  readonly ownerUserId: string | undefined;
  /** Bumped by every change of this connection (pools rebuild when it moves). */
  readonly revision: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The decrypted secrets of a connection: for opening pools, never for answers. */
export interface ConnectionSecrets {
  readonly password?: string;
  readonly sslpassword?: string;
}

/** One user's own database login for a `per_user` connection (decrypted; never for answers). */
export interface UserCredentials {
  readonly username: string;
  readonly password?: string;
  readonly updatedAt: Date;
}
