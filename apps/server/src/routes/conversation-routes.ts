import type { Conversation, ConversationSummary } from '@pgmcp/api-contract';
import type {
  ConversationStore,
  Conversation as StoredConversation,
  ConversationSummary as StoredSummary,
} from '@pgmcp/conversation-store';
import type { RouteHandlers } from './register-routes.js';

/** What the stored-conversation routes need. */
export interface ConversationRouteDeps {
  conversations: ConversationStore;
}

function toApiSummary(summary: StoredSummary): ConversationSummary {
  return {
    id: summary.id,
    title: summary.title,
    provider: summary.provider ?? null,
    model: summary.model ?? null,
    connection: summary.connection ?? null,
    preview: summary.preview,
    message_count: summary.messageCount,
    created_at: summary.createdAt.toISOString(),
    updated_at: summary.updatedAt.toISOString(),
  };
}

function toApiConversation(conversation: StoredConversation): Conversation {
  return {
    id: conversation.id,
    title: conversation.title,
    provider: conversation.provider ?? null,
    model: conversation.model ?? null,
    connection: conversation.connection ?? null,
    messages: conversation.messages,
    created_at: conversation.createdAt.toISOString(),
    updated_at: conversation.updatedAt.toISOString(),
  };
}

type ConversationRoutes =
  | 'listConversations'
  | 'createConversation'
  | 'deleteAllConversations'
  | 'getConversation'
  | 'replaceConversation'
  | 'renameConversation'
  | 'deleteConversation';

/**
 * `/api/v1/conversations*`: the caller's stored conversations. Every call is scoped to the caller's
 * user id, so another user's conversation answers 404 exactly like a missing one.
 */
export function conversationRoutes(deps: ConversationRouteDeps): RouteHandlers<ConversationRoutes> {
  const { conversations } = deps;
  return {
    listConversations: async ({ caller, query }) => {
      const page = await conversations.list(caller.user.id, query);
      return { conversations: page.conversations.map(toApiSummary), next_cursor: page.nextCursor ?? null };
    },
    createConversation: async ({ caller, body }) =>
      toApiConversation(await conversations.create(caller.user.id, body)),
    deleteAllConversations: async ({ caller }) => ({
      deleted: await conversations.deleteAll(caller.user.id),
    }),
    getConversation: async ({ caller, params }) =>
      toApiConversation(await conversations.get(caller.user.id, params.id)),
    replaceConversation: async ({ caller, params, body }) =>
      toApiConversation(await conversations.replace(caller.user.id, params.id, body)),
    renameConversation: async ({ caller, params, body }) =>
      toApiConversation(await conversations.rename(caller.user.id, params.id, body.title)),
    deleteConversation: async ({ caller, params }) => {
      await conversations.delete(caller.user.id, params.id);
    },
  };
}
