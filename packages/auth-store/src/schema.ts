// Row types of the auth tables (see migrations/). Times are epoch ms, booleans 0/1, JSON text.

export interface UsersTable {
  id: string;
  username: string;
  username_key: string;
  display_name: string | null;
  email: string | null;
  password_hash: string | null;
  enabled: number;
  superuser: number;
  service_account: number;
  created_at: number;
  updated_at: number;
  last_login_at: number | null;
  /** Unused since failed logins are counted in the rate limiter (the shipped migration stays frozen). */
  failed_attempts: number;
  /** Unused, as `failed_attempts`. */
  locked_until: number | null;
}

export interface SessionsTable {
  id: string;
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  last_used_at: number | null;
  user_agent: string | null;
  ip: string | null;
  current_connection: string | null;
  current_database: string | null;
}

export interface ApiTokensTable {
  id: string;
  token_hash: string;
  user_id: string;
  note: string | null;
  token_prefix: string;
  scope: string | null;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  current_connection: string | null;
  current_database: string | null;
  /** Set on OAuth access tokens: the grant, client and resource (RFC 8707) they were issued for. */
  oauth_grant_id: string | null;
  oauth_client_id: string | null;
  oauth_resource: string | null;
}

export interface GroupsTable {
  id: string;
  name: string;
  name_key: string;
  description: string | null;
  created_at: number;
  updated_at: number;
}

export interface GroupMembersTable {
  group_id: string;
  member_user_id: string | null;
  member_group_id: string | null;
  created_at: number;
}

export interface McpItemsTable {
  kind: string;
  name: string;
  public: number;
  description: string | null;
  created_at: number;
  updated_at: number;
}

export interface GroupMcpGrantsTable {
  group_id: string;
  item_kind: string;
  item_name: string;
}

export interface GroupConnectionGrantsTable {
  group_id: string;
  connection_name: string;
  access: string;
}

export interface GroupAdminGrantsTable {
  group_id: string;
  permission: string;
}

export interface OAuthClientsTable {
  /** The client_id: generated for dynamic registration, the document URL for a metadata document. */
  id: string;
  kind: string;
  name: string;
  client_uri: string | null;
  /** JSON array of exact redirect URIs. */
  redirect_uris: string;
  /** JSON of the registered metadata as accepted. */
  metadata: string;
  status: string;
  created_at: number;
  updated_at: number;
}

export interface OAuthGrantsTable {
  id: string;
  client_id: string;
  user_id: string;
  resource: string;
  /** JSON TokenScope. */
  scope: string;
  created_at: number;
  /** When the refresh chain ends. */
  expires_at: number;
  last_refreshed_at: number | null;
}

export interface OAuthAuthorizationsTable {
  id: string;
  client_id: string;
  redirect_uri: string;
  code_challenge: string;
  state: string | null;
  resource: string;
  /** Set when the user consents. */
  user_id: string | null;
  /** JSON TokenScope, set with the consent. */
  scope: string | null;
  code_hash: string | null;
  /** The grant its code was exchanged for. */
  grant_id: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface OAuthRefreshTokensTable {
  token_hash: string;
  grant_id: string;
  created_at: number;
  /** Set once exchanged; presenting it again is reuse. */
  used_at: number | null;
}

/** A user's identity at an OpenID provider (single sign-on). */
export interface ExternalIdentitiesTable {
  issuer: string;
  subject: string;
  user_id: string;
  created_at: number;
}

export interface AuthTables {
  auth_users: UsersTable;
  auth_sessions: SessionsTable;
  auth_api_tokens: ApiTokensTable;
  auth_groups: GroupsTable;
  auth_group_members: GroupMembersTable;
  auth_mcp_items: McpItemsTable;
  auth_group_mcp_grants: GroupMcpGrantsTable;
  auth_group_connection_grants: GroupConnectionGrantsTable;
  auth_group_admin_grants: GroupAdminGrantsTable;
  auth_oauth_clients: OAuthClientsTable;
  auth_oauth_grants: OAuthGrantsTable;
  auth_oauth_authorizations: OAuthAuthorizationsTable;
  auth_oauth_refresh_tokens: OAuthRefreshTokensTable;
  auth_external_identities: ExternalIdentitiesTable;
}
