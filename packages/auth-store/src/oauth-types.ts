import type { TokenScope } from './types.js';

/** How a client came to be known: dynamic registration (RFC 7591) or a Client ID Metadata Document. */
export type OAuthClientKind = 'dynamic' | 'metadata_document';

/** `pending` clients wait for an administrator (registration policy `approval`); `disabled` ones are refused. */
export type OAuthClientStatus = 'active' | 'pending' | 'disabled';

/** An OAuth client (an MCP client application) pgmcp knows. */
export interface OAuthClient {
  /** The client_id: generated (`mcp_…`), or the metadata document's URL. */
  readonly id: string;
  readonly kind: OAuthClientKind;
  /** The name it gave (client_name), shown on the consent page. */
  readonly name: string;
  /** Its home page (client_uri), when it gave one. */
  readonly clientUri: string | undefined;
  /** The only redirect URIs accepted, compared exactly. */
  readonly redirectUris: readonly string[];
  readonly status: OAuthClientStatus;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Fields of a new client. */
export interface RegisterOAuthClientInput {
  /** Given for metadata documents (the URL); generated for dynamic registration. */
  readonly id?: string;
  readonly kind: OAuthClientKind;
  readonly name: string;
  readonly clientUri?: string;
  readonly redirectUris: readonly string[];
  /** The accepted metadata, kept as registered. */
  readonly metadata: Record<string, unknown>;
  readonly status: OAuthClientStatus;
}

/** A started authorization request, waiting for the user's decision or for its code to be exchanged. */
export interface OAuthAuthorization {
  readonly id: string;
  readonly clientId: string;
  readonly redirectUri: string;
  /** The PKCE S256 challenge. */
  readonly codeChallenge: string;
  readonly state: string | undefined;
  readonly resource: string;
  /** Set once the user consented. */
  readonly userId: string | undefined;
  readonly scope: TokenScope | undefined;
  readonly createdAt: Date;
  readonly expiresAt: Date;
}

/** What a user allowed a client: the token scope of every access token issued under it. */
export interface OAuthGrant {
  readonly id: string;
  readonly clientId: string;
  readonly clientName: string;
  readonly userId: string;
  /** The user's name, in lists. */
  readonly username?: string;
  readonly resource: string;
  readonly scope: TokenScope;
  readonly createdAt: Date;
  /** When the refresh chain ends (a new sign-in is needed after it). */
  readonly expiresAt: Date;
  readonly lastRefreshedAt: Date | undefined;
}

/** Tokens issued at the token endpoint; the secrets are shown once. */
export interface IssuedOAuthTokens {
  readonly accessToken: string;
  readonly accessTokenExpiresAt: Date;
  readonly refreshToken: string;
  readonly grant: OAuthGrant;
}

/** Lifetimes the server chooses. */
export interface OAuthLifetimes {
  readonly accessTokenMs: number;
  readonly refreshTokenMs: number;
}

/** Why a code or refresh token was not accepted. */
export type OAuthExchangeRefusal =
  /** Unknown, expired, or issued to another client. */
  | 'invalid'
  /** Used before: the grant issued from it was revoked (a stolen token's replay cuts everyone off). */
  | 'reused'
  /** Not yet consented to. */
  | 'undecided';

/**
 * OAuth 2.1 state of the auth store: clients, authorization requests and their single-use codes,
 * grants with rotating refresh tokens, and access tokens (which are API tokens bound to a grant).
 * Protocol checks (PKCE, redirect URI, resource) are the server's; the store keeps state atomic.
 */
export interface OAuthStore {
  registerClient(input: RegisterOAuthClientInput): Promise<OAuthClient>;
  findClient(clientId: string): Promise<OAuthClient | undefined>;
  /** All clients, newest first. */
  listClients(): Promise<OAuthClient[]>;
  /** Approves, disables or re-enables a client; disabling revokes its grants. NOT_FOUND when unknown. */
  setClientStatus(clientId: string, status: OAuthClientStatus): Promise<OAuthClient>;
  /** Deletes a client with its grants and tokens; false when unknown. */
  deleteClient(clientId: string): Promise<boolean>;

  /** Records an authorization request (already checked by the server) for `ttlMs`. */
  startAuthorization(
    input: Omit<OAuthAuthorization, 'id' | 'userId' | 'scope' | 'createdAt' | 'expiresAt'> & {
      ttlMs: number;
    },
  ): Promise<OAuthAuthorization>;
  /** An authorization request that has not expired, been decided or been used. */
  findPendingAuthorization(id: string): Promise<OAuthAuthorization | undefined>;
  /**
   * Records the user's consent and returns the single-use code (valid `codeTtlMs`); undefined when
   * the request expired or was decided already.
   */
  approveAuthorization(
    id: string,
    userId: string,
    scope: TokenScope,
    codeTtlMs: number,
  ): Promise<{ code: string; authorization: OAuthAuthorization } | undefined>;
  /** Ends a request the user refused; false when it was no longer pending. */
  denyAuthorization(id: string): Promise<boolean>;
  /**
   * Uses up a code: the first call gets its authorization (for the server's checks), every later
   * one `reused` and revokes the grant the first exchange created.
   */
  consumeCode(code: string): Promise<OAuthAuthorization | OAuthExchangeRefusal>;
  /** Creates the grant of a consumed authorization and its first tokens. */
  issueGrant(authorization: OAuthAuthorization, lifetimes: OAuthLifetimes): Promise<IssuedOAuthTokens>;
  /**
   * Rotates a refresh token of `clientId`'s grant: a new refresh and access token. A refresh token
   * presented twice revokes the grant (`reused`).
   */
  refresh(
    refreshToken: string,
    clientId: string,
    lifetimes: OAuthLifetimes,
  ): Promise<IssuedOAuthTokens | OAuthExchangeRefusal>;
  /**
   * RFC 7009: revokes the grant of an access or refresh token of `clientId` (undefined: any
   * client); false when the token is unknown or another client's.
   */
  revokeToken(token: string, clientId: string | undefined): Promise<boolean>;
  /** Grants, of one user or all, newest first. */
  listGrants(userId?: string): Promise<OAuthGrant[]>;
  /** Revokes a grant, its refresh tokens and access tokens (their pools close); false when unknown or another user's. */
  revokeGrant(grantId: string, options?: { userId?: string }): Promise<boolean>;
}
