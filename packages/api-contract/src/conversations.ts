import { z } from 'zod';
import { MessageSchema } from './messages.js';
import type { RouteContract } from './route-contract.js';

const Timestamp = z.string().describe('ISO 8601 timestamp');
const Label = z.string().trim().min(1).max(200);

/** A stored conversation in a list: no messages, a preview of the first user message instead. */
export const ConversationSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  provider: z.string().nullable(),
  model: z.string().nullable(),
  /** The database connection the conversation worked on. */
  connection: z.string().nullable(),
  preview: z.string(),
  message_count: z.number().int(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type ConversationSummary = z.infer<typeof ConversationSummarySchema>;

/** A stored conversation with its messages. */
export const ConversationSchema = z.object({
  id: z.string(),
  title: z.string(),
  provider: z.string().nullable(),
  model: z.string().nullable(),
  connection: z.string().nullable(),
  messages: z.array(MessageSchema),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Conversation = z.infer<typeof ConversationSchema>;

/** Query of `GET /api/v1/conversations`: page size and the `next_cursor` of the previous page. */
export const ConversationListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).optional(),
  cursor: z.string().min(1).max(500).optional(),
});
export type ConversationListQuery = z.infer<typeof ConversationListQuerySchema>;

/** Answer of `GET /api/v1/conversations`: most recently updated first. */
export const ConversationListSchema = z.object({
  conversations: z.array(ConversationSummarySchema),
  /** Pass as `cursor` for the next page; null on the last page. */
  next_cursor: z.string().nullable(),
});
export type ConversationList = z.infer<typeof ConversationListSchema>;

/**
 * Body of `POST /api/v1/conversations` and `PUT /api/v1/conversations/{id}`. Without a title,
 * POST makes one from the first user message and PUT keeps the current one.
 */
export const ConversationInputSchema = z.strictObject({
  title: Label.optional(),
  provider: Label.optional(),
  model: Label.optional(),
  connection: Label.optional(),
  messages: z.array(MessageSchema),
});
export type ConversationInput = z.infer<typeof ConversationInputSchema>;

/** Body of `PATCH /api/v1/conversations/{id}`: a new title. */
export const RenameConversationSchema = z.strictObject({ title: Label });
export type RenameConversation = z.infer<typeof RenameConversationSchema>;

/** Answer of `DELETE /api/v1/conversations`. */
export const DeletedConversationsSchema = z.object({ deleted: z.number().int() });
export type DeletedConversations = z.infer<typeof DeletedConversationsSchema>;

/** Stored conversations; each caller only ever sees their own. */
export const CONVERSATION_ROUTES = {
  listConversations: {
    method: 'get',
    path: '/api/v1/conversations',
    summary: "The caller's conversations, most recently updated first, with a preview; paginated",
    tag: 'conversations',
    auth: 'user',
    scope: 'conversations',
    query: ConversationListQuerySchema,
    response: ConversationListSchema,
  },
  createConversation: {
    method: 'post',
    path: '/api/v1/conversations',
    summary: 'Store a conversation (titled from its first user message unless a title is given)',
    tag: 'conversations',
    auth: 'user',
    scope: 'conversations',
    errors: [413, 429],
    body: ConversationInputSchema,
    response: ConversationSchema,
    status: 201,
  },
  deleteAllConversations: {
    method: 'delete',
    path: '/api/v1/conversations',
    summary: "Delete all of the caller's conversations",
    tag: 'conversations',
    auth: 'user',
    scope: 'conversations',
    response: DeletedConversationsSchema,
  },
  getConversation: {
    method: 'get',
    path: '/api/v1/conversations/{id}',
    summary: 'One conversation with its messages',
    tag: 'conversations',
    auth: 'user',
    scope: 'conversations',
    response: ConversationSchema,
  },
  replaceConversation: {
    method: 'put',
    path: '/api/v1/conversations/{id}',
    summary: 'Replace messages, provider, model and connection (a given title replaces the current one)',
    tag: 'conversations',
    auth: 'user',
    scope: 'conversations',
    errors: [413],
    body: ConversationInputSchema,
    response: ConversationSchema,
  },
  renameConversation: {
    method: 'patch',
    path: '/api/v1/conversations/{id}',
    summary: 'Rename a conversation',
    tag: 'conversations',
    auth: 'user',
    scope: 'conversations',
    body: RenameConversationSchema,
    response: ConversationSchema,
  },
  deleteConversation: {
    method: 'delete',
    path: '/api/v1/conversations/{id}',
    summary: 'Delete a conversation',
    tag: 'conversations',
    auth: 'user',
    scope: 'conversations',
    status: 204,
  },
} as const satisfies Record<string, RouteContract>;
