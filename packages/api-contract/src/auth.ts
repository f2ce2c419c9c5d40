import { z } from 'zod';
import { ApiScopeSchema } from './api-scopes.js';

/** Timestamps travel as ISO 8601 strings. */
const Timestamp = z.string().describe('ISO 8601 timestamp');
const Name = z.string().trim().min(1).max(200);

/** `config`: from pgmcp.yaml; `builtin`: the embedded demo (both read-only at runtime); `store`: managed over REST, CLI and the web client. */
export const ConnectionSourceSchema = z.enum(['config', 'builtin', 'store']);
export const McpItemKindSchema = z.enum(['tool', 'resource', 'prompt']);
export const ConnectionAccessSchema = z.enum(['read', 'read_write']);
export const AdminPermissionSchema = z.enum([
  'manage_users',
  'manage_groups',
  'manage_permissions',
  'manage_connections',
  'manage_tokens',
  'manage_alert_rules',
  'manage_blackouts',
  'manage_notification_channels',
]);
export type AdminPermission = z.infer<typeof AdminPermissionSchema>;

/** A user as the API shows it (never a password hash). */
export const UserSchema = z.object({
  id: z.string(),
  username: z.string(),
  display_name: z.string().nullable(),
  email: z.string().nullable(),
  enabled: z.boolean(),
  superuser: z.boolean(),
  service_account: z.boolean(),
  created_at: Timestamp,
  last_login_at: Timestamp.nullable(),
  locked_until: Timestamp.nullable(),
});
export type User = z.infer<typeof UserSchema>;

/** `POST /api/v1/auth/login` */
export const LoginRequestSchema = z.strictObject({
  username: z.string().min(1, 'username is required').max(200),
  password: z.string().min(1, 'password is required').max(1024),
});
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

export const LoginResponseSchema = z.object({
  token: z.string(),
  expires_at: Timestamp,
  user: UserSchema,
});
export type LoginResponse = z.infer<typeof LoginResponseSchema>;

/** `POST /api/v1/auth/password`: change one's own password. */
export const ChangePasswordRequestSchema = z.strictObject({
  current_password: z.string().min(1),
  new_password: z.string().min(1),
});

/** An MCP item reference in scopes and grants. */
export const McpItemRefSchema = z.strictObject({ kind: McpItemKindSchema, name: Name });
export const ConnectionGrantSchema = z.strictObject({ name: Name, access: ConnectionAccessSchema });

/** What an API token may use; fields left out do not restrict (the owner's rights apply). */
export const TokenScopeSchema = z.strictObject({
  mcp_items: z.array(McpItemRefSchema).optional(),
  connections: z.array(ConnectionGrantSchema).optional(),
  admin: z.array(AdminPermissionSchema).optional(),
  /** Parts of the REST API the token may use (tokens, conversations, llm, connections); none when absent. */
  api: z.array(ApiScopeSchema).optional(),
});
export type TokenScope = z.infer<typeof TokenScopeSchema>;

/** The effective rights of the caller. */
export const EffectiveAccessSchema = z.object({
  superuser: z.boolean(),
  tools: z.array(z.string()),
  resources: z.array(z.string()),
  prompts: z.array(z.string()),
  connections: z.array(ConnectionGrantSchema),
  admin: z.array(AdminPermissionSchema),
});
export type EffectiveAccess = z.infer<typeof EffectiveAccessSchema>;

/** `GET /api/v1/auth/me` */
export const MeResponseSchema = z.object({
  user: UserSchema,
  credential: z.object({
    kind: z.enum(['session', 'api_token', 'local']),
    id: z.string(),
    expires_at: Timestamp.nullable(),
  }),
  groups: z.array(z.string()),
  access: EffectiveAccessSchema,
  auth_enabled: z.boolean(),
});
export type MeResponse = z.infer<typeof MeResponseSchema>;

/**
 * `GET /api/v1/auth/session`: whether the request carries a valid credential, and then who it is.
 * Public, so a page asks before login without an error (a 401) in the browser's console.
 */
export const SessionStateSchema = z.object({
  signed_in: z.boolean(),
  auth_enabled: z.boolean(),
  /** The caller, as `GET /api/v1/auth/me` answers; null when not signed in. */
  me: MeResponseSchema.nullable(),
});
export type SessionState = z.infer<typeof SessionStateSchema>;

/** An API token's record (the secret appears only in the creation answer). */
export const ApiTokenSchema = z.object({
  id: z.string(),
  user_id: z.string(),
  username: z.string(),
  note: z.string().nullable(),
  prefix: z.string(),
  scope: TokenScopeSchema.nullable(),
  created_at: Timestamp,
  expires_at: Timestamp.nullable(),
  last_used_at: Timestamp.nullable(),
  /** Set on OAuth access tokens: revoking one revokes its grant. */
  oauth: z.object({ grant_id: z.string(), client_id: z.string(), resource: z.string() }).optional(),
});
export type ApiToken = z.infer<typeof ApiTokenSchema>;

/** `POST /api/v1/tokens` */
export const CreateTokenRequestSchema = z.strictObject({
  note: z.string().max(500).optional(),
  /** Expiry as a timestamp, or in days from now. */
  expires_at: Timestamp.optional(),
  expires_in_days: z.number().positive().max(3650).optional(),
  scope: TokenScopeSchema.optional(),
  /** Create the token for another user (needs manage_tokens). */
  username: Name.optional(),
});
export type CreateTokenRequest = z.infer<typeof CreateTokenRequestSchema>;

export const CreateTokenResponseSchema = z.object({
  /** Shown once: store it now. */
  token: z.string(),
  api_token: ApiTokenSchema,
});

export const TokenListSchema = z.object({ tokens: z.array(ApiTokenSchema) });

/** `POST /api/v1/users` */
export const CreateUserRequestSchema = z.strictObject({
  username: Name,
  password: z.string().optional(),
  display_name: z.string().max(200).optional(),
  email: z.string().email().max(320).optional(),
  superuser: z.boolean().optional(),
  service_account: z.boolean().optional(),
  enabled: z.boolean().optional(),
});

/** `PATCH /api/v1/users/{id}` */
export const UpdateUserRequestSchema = z.strictObject({
  username: Name.optional(),
  display_name: z.string().max(200).nullable().optional(),
  email: z.string().email().max(320).nullable().optional(),
  superuser: z.boolean().optional(),
  enabled: z.boolean().optional(),
});

/** `POST /api/v1/users/{id}/password` */
export const SetPasswordRequestSchema = z.strictObject({ password: z.string().min(1) });

export const UserListSchema = z.object({ users: z.array(UserSchema) });

export const GroupSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  created_at: Timestamp,
});
export type Group = z.infer<typeof GroupSchema>;

export const GroupDetailSchema = GroupSchema.extend({
  members: z.object({ users: z.array(z.string()), groups: z.array(z.string()) }),
  privileges: z.object({
    mcp_items: z.array(McpItemRefSchema),
    connections: z.array(ConnectionGrantSchema),
    admin: z.array(AdminPermissionSchema),
  }),
});

export const CreateGroupRequestSchema = z.strictObject({
  name: Name,
  description: z.string().max(1000).optional(),
});
export const UpdateGroupRequestSchema = z.strictObject({
  name: Name.optional(),
  description: z.string().max(1000).nullable().optional(),
});
export const GroupListSchema = z.object({ groups: z.array(GroupSchema) });

/** `POST /api/v1/groups/{id}/members`: a user or a group, by name. */
export const GroupMemberRequestSchema = z.union([
  z.strictObject({ username: Name }),
  z.strictObject({ group: Name }),
]);

/** A privilege as granted to a group. */
export const PrivilegeSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('mcp_item'), kind: McpItemKindSchema, name: Name }),
  z.strictObject({ type: z.literal('connection'), name: Name, access: ConnectionAccessSchema }),
  z.strictObject({ type: z.literal('admin'), permission: AdminPermissionSchema }),
]);
export type Privilege = z.infer<typeof PrivilegeSchema>;

/** `POST /api/v1/privileges` and `DELETE /api/v1/privileges`. */
export const PrivilegeChangeSchema = z.strictObject({ group: Name, privilege: PrivilegeSchema });

export const McpItemSchema = z.object({
  kind: McpItemKindSchema,
  name: z.string(),
  public: z.boolean(),
  description: z.string().nullable(),
});
export const McpItemListSchema = z.object({ items: z.array(McpItemSchema) });

/** `GET /api/v1/privileges/explain?username=`: a user's effective access, each decision with its reason. */
export const AccessExplanationSchema = z.object({
  username: z.string(),
  enabled: z.boolean(),
  superuser: z.boolean(),
  /** Every check passes (a superuser). */
  bypass: z.boolean(),
  /** The user's groups, each with the path of group names it is reached by. */
  groups: z.array(z.object({ name: z.string(), path: z.array(z.string()) })),
  mcp_items: z.array(
    z.object({
      kind: McpItemKindSchema,
      name: z.string(),
      allowed: z.boolean(),
      public: z.boolean(),
      granted_by: z.array(z.string()),
      reason: z.string(),
    }),
  ),
  connections: z.array(
    z.object({
      name: z.string(),
      access: ConnectionAccessSchema.nullable(),
      granted_by: z.array(z.object({ group: z.string(), access: ConnectionAccessSchema })),
      reason: z.string(),
    }),
  ),
  /** Access to connections not listed (a superuser's). */
  other_connections: ConnectionAccessSchema.nullable(),
  admin: z.array(
    z.object({
      permission: AdminPermissionSchema,
      allowed: z.boolean(),
      granted_by: z.array(z.string()),
      reason: z.string(),
    }),
  ),
});
export type AccessExplanation = z.infer<typeof AccessExplanationSchema>;

/** `PUT /api/v1/privileges/items/{kind}/{name}` */
export const SetItemPublicSchema = z.strictObject({ public: z.boolean() });

/** A connection the caller may use. */
export const ConnectionSchema = z.object({
  /** The id REST paths take (`/api/v1/connections/{id}`); a config-file connection's is its name. */
  id: z.string(),
  name: z.string(),
  /** `config`: from pgmcp.yaml, read-only at runtime; `store`: managed over REST, CLI and the web client. */
  source: ConnectionSourceSchema,
  /** `per_user`: each user connects with their own stored database login. */
  credentials: z.enum(['shared', 'per_user']),
  description: z.string().nullable(),
  host: z.string(),
  port: z.number(),
  database: z.string(),
  access: ConnectionAccessSchema,
  writes_allowed: z.boolean(),
  current: z.boolean(),
});
export type Connection = z.infer<typeof ConnectionSchema>;

export const ConnectionListSchema = z.object({ connections: z.array(ConnectionSchema) });

/** `GET/POST /api/v1/connections/current` */
export const CurrentConnectionSchema = z.strictObject({
  connection: Name,
  database: z.string().min(1).max(63).optional(),
});
export type CurrentConnection = z.infer<typeof CurrentConnectionSchema>;
