// Chat message model shared by the LLM proxy, agent, compaction and conversations.
export {
  BlockSchema,
  ChatRequestSchema,
  ChatResponseSchema,
  ImageBlockSchema,
  MessageSchema,
  StopReasonSchema,
  StreamEventSchema,
  TextBlockSchema,
  ToolChoiceSchema,
  ToolDefinitionSchema,
  ToolResultBlockSchema,
  ToolResultDisplaySchema,
  ToolUseBlockSchema,
  UsageSchema,
  type Block,
  type ChatRequest,
  type ChatResponse,
  type ImageBlock,
  type Message,
  type StopReason,
  type StreamEvent,
  type TextBlock,
  type ToolChoice,
  type ToolDefinition,
  type ToolResultBlock,
  type ToolResultDisplay,
  type ToolUseBlock,
  type Usage,
} from './messages.js';

// Error bodies.
export { ErrorBodySchema, type ErrorBody } from './errors.js';

// Accounts: auth, tokens, users, groups, privileges, connections.
export {
  AccessExplanationSchema,
  AdminPermissionSchema,
  ApiTokenSchema,
  ChangePasswordRequestSchema,
  ConnectionAccessSchema,
  ConnectionGrantSchema,
  ConnectionListSchema,
  ConnectionSchema,
  CreateGroupRequestSchema,
  CreateTokenRequestSchema,
  CreateTokenResponseSchema,
  CreateUserRequestSchema,
  CurrentConnectionSchema,
  EffectiveAccessSchema,
  GroupDetailSchema,
  GroupListSchema,
  GroupMemberRequestSchema,
  GroupSchema,
  LoginRequestSchema,
  LoginResponseSchema,
  ConnectionSourceSchema,
  McpItemKindSchema,
  McpItemListSchema,
  McpItemRefSchema,
  McpItemSchema,
  MeResponseSchema,
  SessionStateSchema,
  PrivilegeChangeSchema,
  PrivilegeSchema,
  SetItemPublicSchema,
  SetPasswordRequestSchema,
  TokenListSchema,
  TokenScopeSchema,
  UpdateGroupRequestSchema,
  UpdateUserRequestSchema,
  UserListSchema,
  UserSchema,
  type AdminPermission,
  type ApiToken,
  type Connection,
  type CreateTokenRequest,
  type CurrentConnection,
  type AccessExplanation,
  type EffectiveAccess,
  type Group,
  type LoginRequest,
  type LoginResponse,
  type MeResponse,
  type SessionState,
  type Privilege,
  type TokenScope,
  type User,
} from './auth.js';

// The route table: registration and access rules on the server, the typed client, the OpenAPI document.
export { API_SCOPES, ApiScopeSchema, type ApiScope } from './api-scopes.js';
export {
  errorStatuses,
  pathParameters,
  successStatus,
  type ErrorStatus,
  type RouteAuth,
  type RouteContract,
} from './route-contract.js';
export { ACCOUNT_ROUTES } from './account-routes.js';
export { ROUTES, type RouteName, type Routes } from './route-table.js';
export {
  OAUTH_ROUTES,
  OAuthClientSchema,
  OAuthDecisionResultSchema,
  OAuthDecisionSchema,
  OAuthGrantSchema,
  OAuthRequestSchema,
  UpdateOAuthClientSchema,
  type OAuthClient,
  type OAuthDecision,
  type OAuthGrant,
  type OAuthRequest,
} from './oauth.js';
export { LoginOptionsSchema, SSO_ERRORS, SSO_ROUTES, type LoginOptions, type SsoErrorCode } from './sso.js';
export {
  QUERY_ROUTES,
  QueryHistoryEntrySchema,
  QueryHistoryListSchema,
  QueryHistoryQuerySchema,
  RecordQueryHistorySchema,
  SavedQueryInputSchema,
  SavedQueryListSchema,
  SavedQuerySchema,
  type QueryHistoryEntry,
  type QueryHistoryList,
  type QueryHistoryQuery,
  type RecordQueryHistory,
  type SavedQuery,
  type SavedQueryInput,
  type SavedQueryList,
} from './queries.js';
export { buildOpenApiDocument } from './openapi.js';
export {
  CLIENT_HEADER,
  CLIENT_HEADER_VALUE,
  createApiClient,
  type ApiClient,
  type ApiClientOptions,
  type CallOptions,
  type RouteInput,
  type RouteOutput,
  type RouteParams,
} from './api-client.js';
export { ApiError, isApiError, type ClientFailureCode } from './api-error.js';

// GET /health.
export { ConnectionHealthSchema, HealthSchema, type ConnectionHealth, type Health } from './health.js';

// The LLM proxy: providers and models (chat bodies are the message model above).
export {
  LLM_ROUTES,
  LlmModelSchema,
  LlmModelsQuerySchema,
  LlmModelsResponseSchema,
  LlmProviderInfoSchema,
  LlmProvidersResponseSchema,
  type LlmModel,
  type LlmModelsQuery,
  type LlmModelsResponse,
  type LlmProviderInfo,
  type LlmProvidersResponse,
} from './llm.js';

// Chat-history compaction and its analytics.
export {
  CHAT_ROUTES,
  CompactionAnalyticsSchema,
  CompactionInfoSchema,
  CompactionSummarySchema,
  CompactOptionsSchema,
  CompactRequestSchema,
  CompactResponseSchema,
  TokenCounterTypeSchema,
  type CompactionAnalytics,
  type CompactionInfo,
  type CompactionSummary,
  type CompactOptions,
  type CompactRequest,
  type CompactResponse,
  type TokenCounterType,
} from './chat.js';

// Stored conversations.
export {
  CONVERSATION_ROUTES,
  ConversationInputSchema,
  ConversationListQuerySchema,
  ConversationListSchema,
  ConversationSchema,
  ConversationSummarySchema,
  DeletedConversationsSchema,
  RenameConversationSchema,
  type Conversation,
  type ConversationInput,
  type ConversationList,
  type ConversationListQuery,
  type ConversationSummary,
  type DeletedConversations,
  type RenameConversation,
} from './conversations.js';

// Connections managed at runtime (secrets write-only).
export {
  CONNECTION_ROUTES,
  ConnectionDetailSchema,
  ConnectionInputSchema,
  ConnectionPatchSchema,
  ConnectionTestRequestSchema,
  ConnectionTestResultSchema,
  DatabaseListSchema,
  MAX_CONNECTION_PASSWORD_BYTES,
  MyCredentialsSchema,
  SSL_MODE_VALUES,
  type ConnectionDetail,
  type ConnectionInputBody,
  type ConnectionPatchBody,
  type ConnectionTestRequest,
  type ConnectionTestResult,
  type DatabaseList,
  type MyCredentials,
} from './connections.js';
// The activity log.
export {
  AUDIT_ROUTES,
  AuditEventSchema,
  AuditListSchema,
  AuditQuerySchema,
  parseAuditTime,
  type AuditEventJson,
  type AuditList,
  type AuditQuery,
} from './audit.js';
